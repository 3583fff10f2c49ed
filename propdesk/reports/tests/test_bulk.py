"""On PostgreSQL, the rollups built in one pass by SQL (``rebuild_in_bulk``, used by the benchmark and after a
bulk load) are the rows the worker builds ticket by ticket."""

import pytest
from django.db import connection

from propdesk.reports.models import RolledTicket, TicketDay, TicketFacetMonth
from propdesk.reports.services import rollup_rebuild, rollup_tick
from propdesk.reports.services.bulk import rebuild_in_bulk
from propdesk.tickets.choices import Status
from propdesk.tickets.tests.helpers import local, walk_to

from .fixture_month import build_month

pytestmark = [
    pytest.mark.usefixtures("clock"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk rebuild is PostgreSQL SQL"),
]


def everything() -> tuple:
    days = {
        (r.day, r.service_center_id, r.community_id, r.kind): (r.received, r.closed) for r in TicketDay.objects.all()
    }
    facets = {
        (r.month, r.service_center_id, r.community_id, r.kind, r.facet, r.value): r.n
        for r in TicketFacetMonth.objects.all()
    }
    snapshots = {
        r.ticket_id: (r.service_center_id, r.community_id, r.kind, r.received_day, r.closed_day, r.facets)
        for r in RolledTicket.objects.all()
    }
    return {k: v for k, v in days.items() if any(v)}, {k: v for k, v in facets.items() if v}, snapshots


def test_the_bulk_rebuild_equals_the_workers_rollup_and_the_worker_continues_from_it(world, clock):
    month = build_month(world, clock)
    rollup_rebuild()
    by_worker = everything()
    rebuild_in_bulk()
    assert everything() == by_worker
    assert len(by_worker[2]) == 16 and by_worker[1]
    clock.move_to(local(2026, 11, 26, 9, 0))
    walk_to(month.tickets["S1"], Status.CLOSED, month.staff_a)
    rollup_tick()
    after = everything()
    rollup_rebuild()
    assert everything() == after
