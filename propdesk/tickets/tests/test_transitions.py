"""The ticket state machine (R-IN-3, R-CP-6), written out here by hand and checked two ways: the table in
tickets/choices.py must be exactly this one, and ticket_transition must accept exactly these pairs — every one
of the 7 × 7 (from, to) pairs is driven through the service on a real ticket in the ``from`` state.

The expected table is a literal on purpose: a change to the production table has to be made here too, on
purpose, instead of being picked up silently.
"""

import pytest
from django.core.exceptions import ValidationError

from propdesk.tickets.choices import ALLOWED_TRANSITIONS, EventKind, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_transition

from .helpers import error_codes, local, new_ticket, row_counts, snapshot

NOW = local(2026, 11, 22, 10, 0)

STATES = {"new", "in_progress", "waiting_customer", "waiting_vendor", "resolved", "closed", "cancelled"}

ALLOWED = {
    ("new", "in_progress"),
    ("new", "waiting_customer"),
    ("new", "waiting_vendor"),
    ("new", "resolved"),
    ("new", "cancelled"),
    ("in_progress", "waiting_customer"),
    ("in_progress", "waiting_vendor"),
    ("in_progress", "resolved"),
    ("in_progress", "cancelled"),
    ("waiting_customer", "in_progress"),
    ("waiting_customer", "resolved"),
    ("waiting_customer", "cancelled"),
    ("waiting_vendor", "in_progress"),
    ("waiting_vendor", "resolved"),
    ("waiting_vendor", "cancelled"),
    # resolved → closed after confirmation or the return visit; back to work when the customer is not satisfied
    ("resolved", "closed"),
    ("resolved", "in_progress"),
    # a closed ticket is reopened when the customer comes back unhappy (R-CP-6)
    ("closed", "in_progress"),
    # cancelled is final
}
# Going back to work from resolved or closed is a reopening: its own event, a counter, the end times cleared.
REOPENINGS = {("resolved", "in_progress"), ("closed", "in_progress")}

LABELS = {
    "new": "待处理",
    "in_progress": "处理中",
    "waiting_customer": "等待客户",
    "waiting_vendor": "等待外联单位",
    "resolved": "已办结",
    "closed": "已关闭",
    "cancelled": "已撤销",
}
EARLIER = local(2026, 11, 22, 9, 0)
# What a ticket in each state carries besides its status (set together with the status in the given step).
STAMPS = {
    "resolved": {"resolved_at": EARLIER},
    "closed": {"resolved_at": EARLIER, "closed_at": EARLIER},
    "cancelled": {"closed_at": EARLIER},
}

PAIRS = sorted((a, b) for a in STATES for b in STATES)


def pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    """Sunday 22 November 2026, 10:00 in Shanghai."""
    clock.move_to(NOW)
    return NOW


def ticket_in(status: str, actor, world) -> Ticket:
    """A repair ticket recorded through the service, then put straight into ``status`` (as the database would
    hold a ticket that got there)."""
    ticket = new_ticket(actor, household=world.household_a)
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **STAMPS.get(status, {}))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (status, 1)
    return ticket


# --- the table ------------------------------------------------------------------------------------------


def test_the_states_are_the_expected_ones():
    assert set(Status.values) == STATES
    assert {s.value: str(s.label) for s in Status} == LABELS


def test_the_production_table_is_exactly_the_literal_one():
    production = {(str(a), str(b)) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}

    assert set(ALLOWED_TRANSITIONS) == STATES
    assert production == ALLOWED
    assert (len(ALLOWED), len(PAIRS) - len(ALLOWED)) == (18, 31)


# --- every pair through the service ---------------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=[pair_id(p) for p in PAIRS])
def test_ticket_transition_follows_the_table(world, now, reception_a, from_status, to_status):
    # given a ticket of center A in the source state
    ticket = ticket_in(from_status, reception_a, world)
    before, rows = snapshot(ticket), row_counts()

    if (from_status, to_status) not in ALLOWED:
        # when a forbidden move is asked for, then it is refused and nothing changes
        with pytest.raises(ValidationError) as excinfo:
            ticket_transition(
                actor=reception_a, ticket=ticket, to_status=to_status, reason="按流程处理", expected_version=1
            )
        assert excinfo.value.message_dict == {
            "status": [f"工单状态不能从“{LABELS[from_status]}”变为“{LABELS[to_status]}”"]
        }
        assert error_codes(excinfo.value) == {"illegal_transition"}
        assert (snapshot(ticket), row_counts()) == (before, rows)
        return

    # when an allowed move is asked for
    result = ticket_transition(
        actor=reception_a, ticket=ticket, to_status=to_status, reason="按流程处理", expected_version=1
    )

    # then the ticket is in the target state, one version on, with one event saying so
    ticket.refresh_from_db()
    assert (result.status, ticket.status, ticket.version) == (to_status, to_status, 2)
    assert ticket.events.count() == before[-1] + 1
    event = ticket.events.order_by("pk").last()
    reopened = (from_status, to_status) in REOPENINGS
    assert event.kind == (EventKind.REOPENED if reopened else EventKind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        from_status,
        to_status,
        reception_a,
        "按流程处理",
    )
    # and the end times follow the target (a reopening clears both) and a reopening is counted
    resolved_at, closed_at = {"resolved": (NOW, None), "closed": (EARLIER, NOW), "cancelled": (None, NOW)}.get(
        to_status, (None, None)
    )
    assert (ticket.resolved_at, ticket.closed_at, ticket.reopen_count) == (resolved_at, closed_at, int(reopened))
