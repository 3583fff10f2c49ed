"""Business-time arithmetic: pure functions, no ORM, no clock (SPEC §11: deadlines are computed).

A ``CalendarSpec`` says when the clock runs: always (24×7), or within daily opening hours on the
days it is open. Which days are working days comes from a ``DayRules`` (weekends, statutory
holidays, make-up workdays), built elsewhere from the ``chinese-calendar`` package and local
overrides. Pauses (e.g. "waiting for the customer") are intervals in which the clock stops.

All datetimes are aware; local wall-clock rules are applied in the spec's time zone.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A calendar with no open time at all would loop for ever; no deadline lies further out than this.
HORIZON_DAYS = 800


@dataclass(frozen=True)
class DayRules:
    """Which calendar days are working days: weekdays except holidays, plus make-up workdays."""

    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in self.weekend

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays


@dataclass(frozen=True)
class CalendarSpec:
    """When the clock runs.

    ``always_open``: 24×7, every minute counts.
    Otherwise the clock runs from ``opens`` to ``closes`` (local time) on open days. Open days are
    every day (``workdays_only`` false) except statutory holidays when ``closed_on_holidays``, or
    working days only (``workdays_only`` true: weekends and holidays closed, make-up days open).
    """

    always_open: bool = True
    opens: dt.time = dt.time(0, 0)
    closes: dt.time = dt.time(0, 0)
    workdays_only: bool = False
    closed_on_holidays: bool = False
    rules: DayRules = field(default_factory=DayRules)
    tz: dt.tzinfo = SHANGHAI

    def is_open_day(self, day: dt.date) -> bool:
        if self.always_open:
            return True
        if self.workdays_only:
            return self.rules.is_workday(day)
        if self.closed_on_holidays:
            return not self.rules.is_holiday(day)
        return True


ALWAYS = CalendarSpec()


def _window(spec: CalendarSpec, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, spec.opens, tzinfo=spec.tz)
    end_day = day if spec.closes > spec.opens else day + dt.timedelta(days=1)
    end = dt.datetime.combine(end_day, spec.closes, tzinfo=spec.tz)
    return start, end


def open_intervals(start: dt.datetime, spec: CalendarSpec) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Consecutive windows of open time from ``start`` on (the first may begin at ``start``)."""
    if spec.always_open:
        yield start, start + dt.timedelta(days=HORIZON_DAYS)
        return
    local = start.astimezone(spec.tz)
    # An overnight window of yesterday may still be open at ``start``.
    day = local.date() - dt.timedelta(days=1)
    last = local.date() + dt.timedelta(days=HORIZON_DAYS)
    while day <= last:
        if spec.is_open_day(day):
            a, b = _window(spec, day)
            if b > start:
                yield max(a, start), b
        day += dt.timedelta(days=1)


def _subtract(
    interval: tuple[dt.datetime, dt.datetime], pauses: list[tuple[dt.datetime, dt.datetime]]
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    a, b = interval
    for p_start, p_end in pauses:
        if p_end <= a or p_start >= b:
            continue
        if p_start > a:
            yield a, p_start
        a = max(a, p_end)
        if a >= b:
            return
    if a < b:
        yield a, b


def _normalise_pauses(
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]], far: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Sorted, merged pause intervals; an open pause (end None) lasts until ``far``."""
    items = sorted((s, e if e is not None else far) for s, e in pauses)
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for s, e in items:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def active_intervals(
    start: dt.datetime, spec: CalendarSpec, pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = ()
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open time from ``start`` on, with the pauses cut out."""
    far = start + dt.timedelta(days=HORIZON_DAYS + 2)
    merged = _normalise_pauses(pauses, far)
    for interval in open_intervals(start, spec):
        yield from _subtract(interval, merged)


def point_after(
    start: dt.datetime,
    amount: dt.timedelta,
    spec: CalendarSpec = ALWAYS,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
) -> dt.datetime | None:
    """The moment at which ``amount`` of running clock time has passed since ``start``.

    None when the clock never gets there (an open-ended pause, or no open time within the horizon).
    """
    remaining = amount
    for a, b in active_intervals(start, spec, pauses):
        span = b - a
        if remaining <= span:
            return a + remaining
        remaining -= span
    return None


def elapsed(
    start: dt.datetime,
    end: dt.datetime,
    spec: CalendarSpec = ALWAYS,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
) -> dt.timedelta:
    """Running clock time between ``start`` and ``end``."""
    total = dt.timedelta(0)
    if end <= start:
        return total
    for a, b in active_intervals(start, spec, pauses):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def end_of_business_day(start: dt.datetime, spec: CalendarSpec) -> dt.datetime:
    """ "Same business day": the close of the open window ``start`` falls in; after hours or on a closed day,
    the close of the next open day. A 24×7 calendar closes at local midnight."""
    if spec.always_open:
        local = start.astimezone(spec.tz)
        return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=spec.tz)
    for _a, b in open_intervals(start, spec):
        return b
    raise ValueError("calendar has no open time")


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime | None
    warn_at: dt.datetime | None


def compute_deadline(
    *,
    started_at: dt.datetime,
    duration: dt.timedelta | None,
    spec: CalendarSpec,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
    warn_ratio: float = 0.8,
    same_business_day: bool = False,
) -> Deadline:
    """Due and warning moments of one target. ``same_business_day`` ignores ``duration`` and is due at
    the close of the business day the clock started in (pushed out by any pause within it)."""
    pauses = list(pauses)
    if same_business_day:
        duration = elapsed(started_at, end_of_business_day(started_at, spec), spec)
    if duration is None:
        raise ValueError("a duration or same_business_day is required")
    due = point_after(started_at, duration, spec, pauses)
    warn = point_after(started_at, duration * warn_ratio, spec, pauses) if 0 < warn_ratio < 1 else None
    return Deadline(due_at=due, warn_at=warn)
