"""The daily rollup always equals a direct count of the tickets, however they change."""

import datetime as dt
import random

import pytest

from propdesk.org.choices import Role
from propdesk.reports.models import RollupState, TicketDay
from propdesk.reports.selectors import ticket_totals
from propdesk.reports.services import rollup_rebuild, rollup_tick
from propdesk.reports.services.rollup import direct_counts, direct_open_counts
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.services import ticket_transition
from propdesk.tickets.tests.helpers import local, new_ticket, walk_to

pytestmark = pytest.mark.usefixtures("clock")


def rolled() -> dict:
    return {
        (r.day, r.service_center_id, r.community_id, r.kind): (r.received, r.closed)
        for r in TicketDay.objects.all()
        if r.received or r.closed
    }


def rolled_open() -> dict:
    return {(r.day, r.service_center_id, r.community_id, r.kind): r.open for r in TicketDay.objects.filter(open__gt=0)}


@pytest.fixture
def staff(world):
    return {
        "a": role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a"),
        "b": role_user(Role.CS_SUPERVISOR, world.center_b, username="cs-b"),
    }


def test_random_changes_over_several_days_are_counted_exactly(world, staff, clock):
    rng = random.Random(20261129)
    tickets = []
    for step in range(60):
        clock.move_to(local(2026, 11, 1, 8, 0) + dt.timedelta(hours=7 * step))
        side = rng.choice("ab")
        household = world.household_a if side == "a" else world.household_b
        action = rng.random()
        if action < 0.5 or not tickets:
            kind = rng.choice([Kind.REPAIR, Kind.CONSULTATION, Kind.SUGGESTION])
            tickets.append((side, new_ticket(staff[side], household=household, kind=kind)))
        else:
            side, ticket = rng.choice(tickets)
            ticket.refresh_from_db()
            if ticket.status == Status.NEW:
                walk_to(ticket, Status.CLOSED, staff[side])
            elif ticket.status == Status.CLOSED:
                ticket_transition(actor=staff[side], ticket=ticket, to_status=Status.IN_PROGRESS, reason="客户不满意")
            elif ticket.status == Status.IN_PROGRESS:
                ticket_transition(actor=staff[side], ticket=ticket, to_status=Status.RESOLVED, reason="已处理")
                ticket_transition(actor=staff[side], ticket=ticket, to_status=Status.CLOSED, reason="已回访")
        if step % 9 == 0:
            rollup_tick()
            assert rolled() == direct_counts()
            assert rolled_open() == direct_open_counts()
    rollup_tick()
    assert rolled() == direct_counts()
    assert rolled_open() == direct_open_counts() != {}
    assert sum(received for received, _closed in rolled().values()) == len(tickets)
    assert any(closed for _received, closed in rolled().values())


def test_a_second_run_changes_nothing_and_a_rebuild_gives_the_same(world, staff, clock):
    clock.move_to(local(2026, 11, 3, 9, 0))
    walk_to(new_ticket(staff["a"], household=world.household_a), Status.CLOSED, staff["a"])
    new_ticket(staff["b"], household=world.household_b, kind=Kind.CONSULTATION)
    assert rollup_tick() == 2
    first = rolled()
    assert rollup_tick() == 0
    assert rolled() == first
    rollup_rebuild()
    assert rolled() == first == direct_counts()


def test_a_change_committed_late_is_still_counted(world, staff, clock):
    """An event whose id is below the last run's highest (a transaction that committed late) is read again."""
    clock.move_to(local(2026, 11, 4, 9, 0))
    ticket = new_ticket(staff["a"], household=world.household_a)
    rollup_tick()
    walk_to(ticket, Status.CLOSED, staff["a"])
    state = RollupState.objects.get()
    # The next run recorded a watermark above the closing events, as if they had been committed after it.
    state.marks = [*state.marks, state.marks[-1] + 1000]
    state.save()
    rollup_tick()
    assert rolled() == direct_counts()


def test_each_manager_sees_only_their_own_centers_figures(world, staff, clock):
    clock.move_to(local(2026, 11, 5, 9, 0))
    new_ticket(staff["a"], household=world.household_a)
    new_ticket(staff["b"], household=world.household_b, kind=Kind.CONSULTATION)
    rollup_tick()
    manager_a = role_user(Role.CENTER_MANAGER, world.center_a, username="mgr-a")
    day = dt.date(2026, 11, 5)
    assert ticket_totals(user=manager_a, start=day, end=day) == {Kind.REPAIR: {"received": 1, "closed": 0}}
    receptionist = role_user(Role.RECEPTIONIST, world.center_a, username="rec-a")
    assert ticket_totals(user=receptionist, start=day, end=day) == {}
