"""A trigger may carry an explicit due time (``on_ticket_event(due_at=…)``): the clocks it starts fall due then,
whatever the policy's duration and calendar, warn at the policy's share of the time, and are judged against it."""

import datetime as dt

import pytest

from propdesk.org.choices import Role
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaPolicy, SlaTarget
from propdesk.sla.services import on_ticket_event, sweep
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def policy():
    default = SlaPolicy.objects.get(code="first_response", service_center__isnull=True)
    return SlaPolicy.objects.create(
        code="fixed_due_probe",
        name="约定时间内答复",
        kinds=[Kind.COMPLAINT],
        start_event="complaint.reply_agreed",
        stop_events=["ticket.replied", "complaint.reply_rescheduled"],
        duration_minutes=60,
        warn_ratio=0.5,
        calendar=default.calendar,
        ladder=[{"when": "due", "after_minutes": 0, "notify": ["owner"]}],
    )


@pytest.fixture
def ticket(world, clock):
    clock.move_to(t(2026, 11, 18, 10))
    reception = staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)
    return ticket_create(
        actor=reception, kind=Kind.COMPLAINT, content="楼道灯坏了", channel=Channel.PHONE, household=world.household_a
    )


def _row(ticket, policy) -> SlaTarget:
    return SlaTarget.objects.get(ticket=ticket, policy=policy)


def test_an_explicit_due_time_replaces_the_policy_duration(ticket, policy, clock):
    start, due = t(2026, 11, 18, 11), t(2026, 11, 19, 23)  # 23:00 is outside the desk calendar's hours
    on_ticket_event(ticket=ticket, trigger="complaint.reply_agreed", at=start, due_at=due)
    row = _row(ticket, policy)
    assert (row.state, row.started_at, row.fixed_due_at, row.due_at) == (TargetState.RUNNING, start, due, due)
    assert row.warn_at == start + (due - start) / 2


def test_without_a_due_time_the_policy_decides(ticket, policy):
    on_ticket_event(ticket=ticket, trigger="complaint.reply_agreed", at=t(2026, 11, 18, 11))
    row = _row(ticket, policy)
    assert (row.fixed_due_at, row.due_at) == (None, t(2026, 11, 18, 12))


def test_an_explicit_due_time_is_breached_after_it_and_met_before(ticket, policy, clock):
    due = t(2026, 11, 18, 15)
    on_ticket_event(ticket=ticket, trigger="complaint.reply_agreed", at=t(2026, 11, 18, 11), due_at=due)
    clock.move_to(due + dt.timedelta(minutes=1))
    sweep(now=due + dt.timedelta(minutes=1))
    assert _row(ticket, policy).state == TargetState.BREACHED
    on_ticket_event(ticket=ticket, trigger="complaint.reply_rescheduled", at=t(2026, 11, 18, 16))
    on_ticket_event(ticket=ticket, trigger="complaint.reply_agreed", at=t(2026, 11, 18, 16), due_at=t(2026, 11, 18, 18))
    on_ticket_event(ticket=ticket, trigger="ticket.replied", at=t(2026, 11, 18, 17))
    old, new = SlaTarget.objects.filter(ticket=ticket, policy=policy).order_by("pk")
    assert (old.state, new.state, new.stopped_at) == (TargetState.BREACHED, TargetState.MET, t(2026, 11, 18, 17))
