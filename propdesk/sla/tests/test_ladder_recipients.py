"""Who the seeded ladders tell, as a walk-through found it should be:

* the 5-minute dispatch deadline (R-WO-1) is the control center's: its warning and its breach go to the control
  center's operators on duty (all of them when nobody has checked in or is on a shift), with the CS supervisor
  at the breach — not to the receptionist who happened to record the request;
* a major matter (R-FB-3, an urgent ticket: the customer hears of progress within 48 h) is told to the direct
  superiors — the CS supervisor and the center manager of the community — the moment it is recorded.

A repair recorded on Wednesday 2026-11-18 at 10:00: dispatch warns at 10:04 and is due at 10:05.
"""

import datetime as dt

import pytest

from propdesk.core.texts import render
from propdesk.dispatch.models import DutyStatus, RotaEntry, ShiftTemplate
from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import Notification
from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.sla.services import sweep
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import Channel, EventKind, Kind, Priority
from propdesk.tickets.models import TicketEvent
from propdesk.tickets.services import ticket_create

pytestmark = pytest.mark.usefixtures("clock")


def on18(hour: int, minute: int = 0) -> dt.datetime:
    return t(2026, 11, 18, hour, minute)


@pytest.fixture
def people(world):
    control = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")
    a = world.center_a
    return {
        "control": control,
        "reception": staff_user("reception-a", Role.RECEPTIONIST, center=a),
        "supervisor": staff_user("supervisor-a", Role.CS_SUPERVISOR, center=a),
        "manager": staff_user("manager-a", Role.CENTER_MANAGER, center=a),
        "day_operator": staff_user("operator-day", Role.CONTROL_OPERATOR, center=a, department=control),
        "night_operator": staff_user("operator-night", Role.CONTROL_OPERATOR, center=a, department=control),
        "operator_b": staff_user("operator-b", Role.CONTROL_OPERATOR, center=world.center_b),
        "supervisor_b": staff_user("supervisor-b", Role.CS_SUPERVISOR, center=world.center_b),
    }


def repair(clock, world, actor, *, priority=Priority.NORMAL, kind=Kind.REPAIR):
    clock.move_to(on18(10))
    return ticket_create(
        actor=actor,
        kind=kind,
        content="厨房水管爆裂，水漫到客厅",
        channel=Channel.PHONE,
        household=world.household_a,
        priority=priority,
        create_work_order=False,
    )


def steps(ticket, code: str) -> list[tuple]:
    return [
        (s.level, s.when, sorted(s.recipients))
        for s in EscalationStep.objects.filter(target__ticket=ticket, target__policy__code=code).order_by("level")
    ]


def pks(*users) -> list[int]:
    return sorted(u.pk for u in users)


def told(kind: str) -> list[int]:
    rows = Notification.objects.filter(channel=NotifyChannel.INAPP, kind=kind)
    return sorted(rows.values_list("recipient_id", flat=True))


# --- the dispatch deadline (R-WO-1) ---------------------------------------------------------------------------------


def test_a_late_dispatch_is_told_to_the_control_center_not_to_the_receptionist(clock, world, people):
    # given a repair the receptionist recorded at 10:00 (it lies on the control center's board)
    ticket = repair(clock, world, people["reception"])
    operators = (people["day_operator"], people["night_operator"])

    # when nobody dispatches it: the sweeper runs at the warning and at the deadline
    clock.move_to(on18(10, 4))
    sweep(now=on18(10, 4))
    clock.move_to(on18(10, 5))
    sweep(now=on18(10, 5))

    # then the warning went to the control center (nobody checked in: all its operators of center A), and the
    # breach to them and the CS supervisor; the receptionist and center B hear nothing
    assert steps(ticket, "dispatch") == [
        (1, "warn", pks(*operators)),
        (2, "due", pks(*operators, people["supervisor"])),
    ]
    assert told("sla.warn") == pks(*operators)
    assert people["reception"].pk not in told("sla.warn") + told("sla.due")


def test_only_the_operators_on_duty_are_told(clock, world, people):
    # given the day operator checked in at center A and the night operator rostered for tonight only
    DutyStatus.objects.create(user=people["day_operator"], service_center=world.center_a, on_duty=True)
    night = ShiftTemplate.objects.create(department=people["control"], name="夜班", starts=dt.time(20), ends=dt.time(8))
    RotaEntry.objects.create(user=people["night_operator"], date=dt.date(2026, 11, 18), shift=night)
    ticket = repair(clock, world, people["reception"])

    # when the dispatch deadline passes at 10:05
    clock.move_to(on18(10, 5))
    sweep(now=on18(10, 5))

    # then the operator on duty is told, not the one off duty
    assert steps(ticket, "dispatch") == [
        (1, "warn", pks(people["day_operator"])),
        (2, "due", pks(people["day_operator"], people["supervisor"])),
    ]


def test_an_operator_on_the_current_shift_counts_as_on_duty(clock, world, people):
    # given only the night operator is on a shift that is running now (08:00–17:00 today)
    day = ShiftTemplate.objects.create(department=people["control"], name="白班", starts=dt.time(8), ends=dt.time(17))
    RotaEntry.objects.create(user=people["night_operator"], date=dt.date(2026, 11, 18), shift=day)
    ticket = repair(clock, world, people["reception"])

    clock.move_to(on18(10, 4))
    sweep(now=on18(10, 4))

    assert steps(ticket, "dispatch") == [(1, "warn", pks(people["night_operator"]))]


def test_a_center_without_a_control_operator_tells_the_owner(clock, world, people):
    # given center B has no control operator: its receptionist dispatches herself
    people["operator_b"].role_memberships.update(is_active=False)
    reception_b = staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)
    clock.move_to(on18(10))
    ticket = ticket_create(
        actor=reception_b,
        kind=Kind.REPAIR,
        content="门禁坏了",
        channel=Channel.PHONE,
        household=world.household_b,
        create_work_order=False,
    )

    clock.move_to(on18(10, 5))
    sweep(now=on18(10, 5))

    # then the deadline still reaches someone: the receptionist who owns the ticket, then her supervisor
    assert steps(ticket, "dispatch") == [
        (1, "warn", pks(reception_b)),
        (2, "due", pks(reception_b, people["supervisor_b"])),
    ]


# --- a major matter (R-FB-3) ------------------------------------------------------------------------------------


def test_the_superiors_are_told_of_a_major_matter_when_it_is_recorded(clock, world, people):
    # when the receptionist records an urgent matter
    ticket = repair(clock, world, people["reception"], priority=Priority.URGENT, kind=Kind.COMPLAINT)

    # then, in the same step, the CS supervisor and the center manager of its community are told (center B's
    # supervisor is not), and the ticket's history says so
    target = SlaTarget.objects.get(ticket=ticket, policy__code="major_progress")
    assert steps(ticket, "major_progress") == [(1, "start", pks(people["supervisor"], people["manager"]))]
    assert told("sla.start") == pks(people["supervisor"], people["manager"])
    subject = Notification.objects.filter(kind="sla.start").first().subject_text()
    assert subject == f"重大事项，请知悉：{ticket.number} 重大事项 48 小时内告知进展（11-20 10:00 前须告知客户进展）"
    escalated = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert render(escalated.reason) == subject
    assert (target.escalation_level, target.next_check_at) == (1, target.warn_at)


def test_the_superiors_are_told_once_and_the_rest_of_the_ladder_follows(clock, world, people):
    # given an urgent matter recorded at 10:00 (superiors told at once)
    ticket = repair(clock, world, people["reception"], priority=Priority.URGENT, kind=Kind.COMPLAINT)

    # when the sweeper runs now and again at the 48-hour deadline (Friday 10:00)
    sweep(now=on18(10))
    deadline = t(2026, 11, 20, 10)
    clock.move_to(deadline)
    sweep(now=deadline)

    # then the first step was not taken again; the warning and the breach followed as before
    assert [s[:2] for s in steps(ticket, "major_progress")] == [(1, "start"), (2, "warn"), (3, "due")]
    assert told("sla.start") == pks(people["supervisor"], people["manager"])


def test_an_ordinary_matter_tells_no_superior(clock, world, people):
    repair(clock, world, people["reception"], kind=Kind.COMPLAINT)

    assert told("sla.start") == []
    assert not SlaTarget.objects.filter(policy__code="major_progress").exists()
