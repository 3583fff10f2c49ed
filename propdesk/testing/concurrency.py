"""Races against a real database: threads released together, the PostgreSQL-only mark, and re-seeding
what a transactional test's flush removed.

Row-level races only exist on PostgreSQL (SQLite serialises every writer on one database lock), so race
tests carry :func:`postgresql_only` and ``pytest.mark.django_db(transaction=True)``: each thread opens its
own connection and must see rows the test committed.
"""

import importlib
import threading
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection, connections

NEEDS_ROW_LOCKS = (
    "SQLite serialises every writer on one database lock, so there is no row-level race to test; "
    "run with DATABASE_URL=postgres://…"
)


def postgresql_only(reason: str = NEEDS_ROW_LOCKS) -> pytest.MarkDecorator:
    """Skip the test (or module, as ``pytestmark``) unless the default database is PostgreSQL."""
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)


def run_together(
    count: int, work: Callable[[int], object], *, barrier_timeout: float = 10, join_timeout: float = 60
) -> list:
    """Run ``work(i)`` for i in 0 … count-1, each in its own thread, all released at the same moment by a
    barrier; return what each returned, or the exception it raised, in the order of ``i``.

    Each thread closes its database connections when it ends. Fails the test when a thread is still running
    after ``join_timeout`` seconds."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i: int) -> None:
        try:
            barrier.wait(timeout=barrier_timeout)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread of run_together is still running"
    return results


def outcome(result: object) -> object:
    """A run_together result for comparing: the exception's class name, or the value itself."""
    return type(result).__name__ if isinstance(result, Exception) else result


def errors(results: list) -> list[Exception]:
    """The exceptions among run_together results."""
    return [r for r in results if isinstance(r, Exception)]


def seed_default_policies() -> None:
    """Seed the business calendars and default SLA policies with the migration's own function when they are
    missing: a transactional test's flush removes the rows that data migrations wrote."""
    from propdesk.sla.models import BusinessCalendar

    if BusinessCalendar.objects.exists():
        return
    importlib.import_module("propdesk.sla.migrations.0002_default_policies").seed(apps, None)
    importlib.import_module("propdesk.sla.migrations.0004_dispatch_and_major_matter_ladders").forward(apps, None)


__all__ = [
    "NEEDS_ROW_LOCKS",
    "errors",
    "outcome",
    "postgresql_only",
    "run_together",
    "seed_default_policies",
]
