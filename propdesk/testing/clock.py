"""Pinned time for tests: wall-clock moments in the service centers' time zone and a time-machine clock that
stands still until a test moves it.

The ``clock`` fixture (root ``conftest.py``) is built on :func:`pinned`: it starts at the ``clock_start``
fixture, which each app's ``tests/conftest.py`` (or a test module) sets, and a test moves it with
``clock.move_to(moment)`` or ``clock.shift(delta)``. Code that needs no fixture uses :func:`pinned` directly::

    with pinned(shanghai_time(2026, 11, 18, 10)) as clock:
        ...
        clock.move_to(shanghai_time(2026, 11, 18, 11))
"""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware datetime on the service centers' wall clock (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def pinned(moment: dt.datetime) -> time_machine.travel:
    """A time-machine travel to ``moment`` that does not tick: ``with pinned(t) as clock:`` freezes
    ``timezone.now()`` (and ``time.time()``) at ``t`` until ``clock.move_to`` / ``clock.shift`` moves it."""
    return time_machine.travel(moment, tick=False)


__all__ = ["SHANGHAI", "pinned", "shanghai_time"]
