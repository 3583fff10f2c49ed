"""The monthly facet rollup always equals a count of the tickets as they are, however they change: complaints
classified, work orders re-traded, return visits recorded, deadlines met or breached, tickets reassigned."""

import datetime as dt
import random

import pytest

from propdesk.complaints.models import Complaint
from propdesk.dispatch.models import ReturnVisit, WorkOrder
from propdesk.org.choices import Role
from propdesk.reports.models import TicketFacetMonth
from propdesk.reports.services import rollup_rebuild, rollup_tick
from propdesk.reports.services.facets import direct_facet_counts
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.services import ticket_transition
from propdesk.tickets.tests.helpers import local, new_ticket, walk_to

pytestmark = pytest.mark.usefixtures("clock")


def rolled() -> dict:
    return {
        (r.month, r.service_center_id, r.community_id, r.kind, r.facet, r.value): r.n
        for r in TicketFacetMonth.objects.all()
        if r.n
    }


def _change(rng, ticket, actor, now) -> None:
    """One random change to what the facets read."""
    choice = rng.random()
    complaint = Complaint.objects.filter(ticket=ticket).first()
    work_order = WorkOrder.objects.filter(ticket=ticket).order_by("pk").first()
    if complaint is not None and choice < 0.3:
        complaint.responsibility_class = rng.choice([1, 2, 3, None])
        complaint.validity = rng.choice(["valid", "invalid", "assisted", "pending"])
        complaint.category = rng.choice(["noise", "fees", "repair", ""])
        complaint.customer_satisfied = rng.choice([True, False, None])
        complaint.save()
    elif work_order is not None and choice < 0.5:
        work_order.trade = rng.choice(["plumbing", "electrical", "general"])
        work_order.save()
    elif work_order is not None and choice < 0.7:
        quality = rng.choice([None, 1, 3, 4, 5])
        ReturnVisit.objects.create(work_order=work_order, by=actor, at=now, reached=rng.random() < 0.7, quality=quality)
    else:
        target = SlaTarget.objects.filter(ticket=ticket).order_by("?").first()
        if target is not None:
            target.state = rng.choice([TargetState.MET, TargetState.BREACHED, TargetState.RUNNING])
            target.stopped_at = now
            target.breach_recorded_at = now if target.state == TargetState.BREACHED else None
            target.save()


def test_random_changes_are_counted_exactly(world, clock):
    staff = {
        "a": role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a"),
        "b": role_user(Role.CS_SUPERVISOR, world.center_b, username="cs-b"),
    }
    rng = random.Random(20261130)
    tickets = []
    for step in range(45):
        now = local(2026, 10, 28, 8, 0) + dt.timedelta(hours=7 * step)  # across the end of October
        clock.move_to(now)
        side = rng.choice("ab")
        household = world.household_a if side == "a" else world.household_b
        action = rng.random()
        if action < 0.35 or not tickets:
            kind = rng.choice([Kind.REPAIR, Kind.COMPLAINT, Kind.CONSULTATION])
            tickets.append((side, new_ticket(staff[side], household=household, kind=kind, content="厨房水龙头漏水")))
        elif action < 0.5:
            side, ticket = rng.choice(tickets)
            ticket.refresh_from_db()
            if ticket.status == Status.NEW:
                walk_to(ticket, Status.RESOLVED, staff[side])
            elif ticket.status == Status.RESOLVED:
                ticket_transition(actor=staff[side], ticket=ticket, to_status=Status.IN_PROGRESS, reason="客户不满意")
        else:
            side, ticket = rng.choice(tickets)
            _change(rng, ticket, staff[side], now)
        if step % 7 == 0:
            rollup_tick()
            assert rolled() == direct_facet_counts()
    rollup_tick()
    assert rolled() == direct_facet_counts()
    facets = {facet for (_m, _c, _co, _k, facet, _v) in rolled()}
    assert {"building", "person", "sla"} <= facets
    assert facets & {"class", "visit", "category"}
    first = rolled()
    rollup_rebuild()
    assert rolled() == first
