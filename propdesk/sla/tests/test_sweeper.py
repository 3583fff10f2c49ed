"""The sweeper (SPEC §11: a missed deadline is noticed within a minute, even across restarts) and the
escalation ladder (R-CP-5: handler → CS supervisor → manager → company quality department).

The standard ladder of the seeded policies:
  L1 at the warning (80 %)   → the owner
  L2 at the due moment       → the owner and the CS supervisor (the target is breached)
  L3 30 min after due        → the service-center manager
  L4 120 min after due       → the company quality department

A consultation recorded on Wednesday 2026-11-18 at 10:00 starts only first_response (2 h of desk time):
warning 11:36, due 12:00, L3 12:30, L4 14:00.
"""

import collections
import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.core.texts import render
from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import DeliveryState, Notification
from propdesk.notify.services import Message, notify
from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla.choices import TargetState
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.sla.services import SweepResult, escalation_acknowledge, sweep
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.concurrency import errors, postgresql_only, run_together, seed_default_policies
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import Channel, EventKind, Kind, ReplyMethod, Status
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import ticket_assign, ticket_create, ticket_reply, ticket_transition


def on18(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return t(2026, 11, 18, hour, minute, second)


RECEIVED, WARN, DUE, L3_AT, L4_AT = on18(10), on18(11, 36), on18(12), on18(12, 30), on18(14)


@dataclass
class Cast:
    reception: object
    supervisor: object
    manager: object
    quality: object
    operator: object
    technician: object
    reception_b: object
    supervisor_b: object


pytestmark = pytest.mark.usefixtures("clock")


def make_cast(world) -> Cast:
    control = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")
    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程部")
    return Cast(
        reception=staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a),
        supervisor=staff_user("supervisor-a", Role.CS_SUPERVISOR, center=world.center_a),
        manager=staff_user("manager-a", Role.CENTER_MANAGER, center=world.center_a),
        quality=staff_user("quality", Role.QUALITY_DEPT, company=world.company),
        operator=staff_user("operator-a", Role.CONTROL_OPERATOR, center=world.center_a, department=control),
        technician=staff_user("tech-a", Role.TECHNICIAN, center=world.center_a, department=engineering),
        reception_b=staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b),
        supervisor_b=staff_user("supervisor-b", Role.CS_SUPERVISOR, center=world.center_b),
    )


@pytest.fixture
def cast(world) -> Cast:
    return make_cast(world)


def record(clock, world, cast, when=RECEIVED, kind=Kind.CONSULTATION, **kwargs) -> Ticket:
    """Record a ticket at ``when`` (without a work order: the ladder of the ticket's own clocks is tested here)."""
    clock.move_to(when)
    kwargs.setdefault("create_work_order", False)
    return ticket_create(
        actor=cast.reception,
        kind=kind,
        content="咨询停车月卡办理",
        channel=Channel.PHONE,
        household=world.household_a,
        **kwargs,
    )


def sweep_at(clock, moment, **kwargs) -> SweepResult:
    clock.move_to(moment)
    return sweep(now=moment, **kwargs)


def first_response(ticket) -> SlaTarget:
    return SlaTarget.objects.get(ticket=ticket, policy__code="first_response")


def steps(target) -> list[tuple]:
    return [
        (s.level, s.when, s.due_at, s.taken_at, sorted(s.recipients))
        for s in EscalationStep.objects.filter(target=target).order_by("pk")
    ]


def escalated_events(ticket) -> list[dict]:
    return [e.data for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).order_by("pk")]


def inapp(target, level=None) -> list[tuple]:
    """(level, recipient id, kind) of the in-app notifications sent for the target's ladder."""
    prefix = f"sla:{target.pk}:L{level if level is not None else ''}"
    rows = Notification.objects.filter(channel=NotifyChannel.INAPP, dedupe_key__startswith=prefix).order_by("pk")
    return [(int(n.dedupe_key.split(":")[2][1:]), n.recipient_id, n.kind) for n in rows]


def pks(*users) -> list[int]:
    return sorted(u.pk for u in users)


# --- one step at a time -----------------------------------------------------------------------------------------------


def test_nothing_before_the_warning(clock, world, cast):
    ticket = record(clock, world, cast)
    assert sweep_at(clock, on18(11, 35, 59)) == SweepResult()
    row = first_response(ticket)
    assert (row.state, row.escalation_level, row.next_check_at) == (TargetState.RUNNING, 0, WARN)
    assert steps(row) == []


def test_warning_step_notifies_the_owner(clock, world, cast):
    ticket = record(clock, world, cast)
    # when the sweeper runs at the warning moment
    result = sweep_at(clock, WARN)
    # then
    assert result == SweepResult(checked=1, warnings=1, breaches=0, escalations=0)
    row = first_response(ticket)
    assert (row.state, row.escalation_level, row.next_check_at, row.breached_at) == (
        TargetState.RUNNING,
        1,
        DUE,
        None,
    )
    assert steps(row) == [(1, "warn", WARN, WARN, pks(cast.reception))]
    assert escalated_events(ticket) == [
        {"policy": "first_response", "level": 1, "when": "warn", "recipients": [cast.reception.pk]}
    ]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert ticket.number in render(event.reason)
    assert "11-18 12:00" in render(event.reason)
    note = Notification.objects.get(recipient=cast.reception)
    assert note.channel == NotifyChannel.INAPP
    assert note.dedupe_key == f"sla:{row.pk}:L1:inapp:{cast.reception.pk}"
    assert note.kind == "sla.warn"
    assert note.state == DeliveryState.SENT
    assert note.url == reverse("tickets:detail", args=[ticket.pk])
    assert ticket.number in note.subject_text()


def test_breach_at_the_due_moment(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, WARN)
    # when the sweeper runs 40 s after the due moment
    result = sweep_at(clock, on18(12, 0, 40))
    # then the breach is dated at the due moment and recorded now; the owner and the supervisor are told
    assert result == SweepResult(checked=1, warnings=0, breaches=1, escalations=1)
    row = first_response(ticket)
    assert (row.state, row.breached_at, row.breach_recorded_at, row.escalation_level, row.next_check_at) == (
        TargetState.BREACHED,
        DUE,
        on18(12, 0, 40),
        2,
        L3_AT,
    )
    assert row.stopped_at is None
    assert steps(row)[1] == (2, "due", DUE, on18(12, 0, 40), pks(cast.reception, cast.supervisor))
    assert sorted(inapp(row, 2)) == sorted([(2, cast.reception.pk, "sla.due"), (2, cast.supervisor.pk, "sla.due")])


def test_ladder_walk_level_by_level(clock, world, cast):
    ticket = record(clock, world, cast)
    row = first_response(ticket)
    expected = [
        # moment, level after, next check, new step recipients
        (WARN, 1, DUE, pks(cast.reception)),
        (DUE, 2, L3_AT, pks(cast.reception, cast.supervisor)),
        (L3_AT, 3, L4_AT, pks(cast.manager)),
        (L4_AT, 4, None, pks(cast.quality)),
    ]
    for moment, level, next_check, recipients in expected:
        sweep_at(clock, moment)
        row.refresh_from_db()
        assert (row.escalation_level, row.next_check_at) == (level, next_check), moment
        assert steps(row)[-1][0] == level
        assert steps(row)[-1][2:] == (moment, moment, recipients)
        assert sorted(r for _level, r, _kind in inapp(row, level)) == recipients
    assert [s[:2] for s in steps(row)] == [(1, "warn"), (2, "due"), (3, "due"), (4, "due")]
    assert (row.state, row.breached_at, row.breach_recorded_at) == (TargetState.BREACHED, DUE, DUE)
    # nothing is left to do
    assert sweep_at(clock, on18(23)) == SweepResult()


def test_each_level_exactly_once_when_swept_every_minute_twice(clock, world, cast):
    ticket = record(clock, world, cast)
    moment = on18(11, 30)
    while moment <= on18(14, 30):
        sweep_at(clock, moment)
        sweep_at(clock, moment)  # a second worker at the same moment
        moment += dt.timedelta(minutes=1)
    row = first_response(ticket)
    assert steps(row) == [
        (1, "warn", WARN, WARN, pks(cast.reception)),
        (2, "due", DUE, DUE, pks(cast.reception, cast.supervisor)),
        (3, "due", L3_AT, L3_AT, pks(cast.manager)),
        (4, "due", L4_AT, L4_AT, pks(cast.quality)),
    ]
    assert [e["level"] for e in escalated_events(ticket)] == [1, 2, 3, 4]
    assert sorted(inapp(row)) == sorted(
        [
            (1, cast.reception.pk, "sla.warn"),
            (2, cast.reception.pk, "sla.due"),
            (2, cast.supervisor.pk, "sla.due"),
            (3, cast.manager.pk, "sla.due"),
            (4, cast.quality.pk, "sla.due"),
        ]
    )
    assert (row.breached_at, row.breach_recorded_at) == (DUE, DUE)


def test_long_after_due_one_sweep_takes_every_pending_level_in_order(clock, world, cast):
    ticket = record(clock, world, cast)
    # when the first sweep after a long outage runs at 16:00
    result = sweep_at(clock, on18(16))
    # then
    assert result == SweepResult(checked=1, warnings=1, breaches=1, escalations=3)
    row = first_response(ticket)
    assert steps(row) == [
        (1, "warn", WARN, on18(16), pks(cast.reception)),
        (2, "due", DUE, on18(16), pks(cast.reception, cast.supervisor)),
        (3, "due", L3_AT, on18(16), pks(cast.manager)),
        (4, "due", L4_AT, on18(16), pks(cast.quality)),
    ]
    assert [(e["level"], e["when"]) for e in escalated_events(ticket)] == [
        (1, "warn"),
        (2, "due"),
        (3, "due"),
        (4, "due"),
    ]
    assert (row.state, row.breached_at, row.breach_recorded_at, row.escalation_level, row.next_check_at) == (
        TargetState.BREACHED,
        DUE,
        on18(16),
        4,
        None,
    )
    assert len(inapp(row)) == 5
    # and again: nothing
    assert sweep_at(clock, on18(16)) == SweepResult()
    assert sweep_at(clock, on18(18)) == SweepResult()
    assert len(steps(row)) == 4


def test_sweep_between_levels_takes_those_due_and_plans_the_next(clock, world, cast):
    ticket = record(clock, world, cast)
    assert sweep_at(clock, on18(12, 45)) == SweepResult(checked=1, warnings=1, breaches=1, escalations=2)
    row = first_response(ticket)
    assert [s[0] for s in steps(row)] == [1, 2, 3]
    assert (row.escalation_level, row.next_check_at) == (3, L4_AT)


def test_sweep_works_through_several_batches(clock, world, cast):
    tickets = [record(clock, world, cast, when=on18(10, i)) for i in range(5)]
    result = sweep_at(clock, on18(11, 40), batch=2)
    assert result == SweepResult(checked=5, warnings=5, breaches=0, escalations=0)
    assert [first_response(ticket).escalation_level for ticket in tickets] == [1] * 5


# --- targets the sweeper leaves alone ---------------------------------------------------------------------------------


def test_met_target_is_never_touched(clock, world, cast):
    ticket = record(clock, world, cast)
    clock.move_to(on18(11))
    ticket_reply(actor=cast.reception, ticket=ticket, method=ReplyMethod.PHONE, content="已答复")
    assert sweep_at(clock, on18(16)) == SweepResult()
    row = first_response(ticket)
    assert (row.state, row.escalation_level, row.next_check_at, row.breached_at) == (TargetState.MET, 0, None, None)
    assert steps(row) == []
    assert Notification.objects.count() == 0


def test_target_met_after_the_warning_gets_no_more_steps(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, WARN)
    clock.move_to(on18(11, 50))
    ticket_reply(actor=cast.reception, ticket=ticket, method=ReplyMethod.PHONE, content="已答复")
    row = first_response(ticket)
    assert (row.state, row.next_check_at) == (TargetState.MET, None)
    assert sweep_at(clock, on18(16)) == SweepResult()
    assert [s[0] for s in steps(row)] == [1]


def test_late_stop_after_breach_keeps_the_breach_and_ends_the_ladder(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, on18(12, 10))
    clock.move_to(on18(12, 20))
    ticket_reply(actor=cast.reception, ticket=ticket, method=ReplyMethod.PHONE, content="已答复")
    row = first_response(ticket)
    assert (row.state, row.stopped_at, row.breached_at, row.breach_recorded_at, row.next_check_at) == (
        TargetState.BREACHED,
        on18(12, 20),
        DUE,
        on18(12, 10),
        None,
    )
    assert sweep_at(clock, on18(16)) == SweepResult()
    assert [s[0] for s in steps(row)] == [1, 2]


def test_paused_target_is_not_swept(clock, world, cast):
    ticket = record(clock, world, cast, kind=Kind.FEEDBACK)
    clock.move_to(on18(10, 30))
    ticket_transition(actor=cast.reception, ticket=ticket, to_status=Status.WAITING_CUSTOMER, reason="等客户回电")
    sweep_at(clock, t(2026, 11, 20, 12))
    feedback = SlaTarget.objects.get(ticket=ticket, policy__code="feedback_result")
    assert (feedback.state, feedback.escalation_level, feedback.breached_at) == (TargetState.PAUSED, 0, None)
    assert steps(feedback) == []
    # the first-response clock has no pause statuses and went up the whole ladder
    assert [s[0] for s in steps(first_response(ticket))] == [1, 2, 3, 4]


def test_cancelled_target_is_not_swept(clock, world, cast):
    ticket = record(clock, world, cast)
    clock.move_to(on18(10, 30))
    ticket_transition(actor=cast.reception, ticket=ticket, to_status=Status.CANCELLED, reason="重复登记")
    assert sweep_at(clock, on18(16)) == SweepResult()
    assert EscalationStep.objects.count() == 0


# --- who is told -----------------------------------------------------------------------------------------------------


def test_owner_is_the_control_center_after_a_hand_off(clock, world, cast):
    # given a repair handed to the control center (no assignee) at 10:00; dispatch warns at 10:04
    ticket = record(clock, world, cast, kind=Kind.REPAIR, hand_off=True)
    sweep_at(clock, on18(10, 4))
    dispatch = SlaTarget.objects.get(ticket=ticket, policy__code="dispatch")
    assert steps(dispatch) == [(1, "warn", on18(10, 4), on18(10, 4), pks(cast.operator))]
    # due at 10:05: the control operators and the CS supervisor of center A, nobody of center B
    sweep_at(clock, on18(10, 5))
    assert steps(dispatch)[1][4] == pks(cast.operator, cast.supervisor)


def test_owner_is_the_assignee(clock, world, cast):
    ticket = record(clock, world, cast, kind=Kind.REPAIR)
    clock.move_to(on18(10, 1))
    ticket_assign(actor=cast.reception, ticket=ticket, assignee=cast.technician)
    sweep_at(clock, WARN)
    assert steps(first_response(ticket)) == [(1, "warn", WARN, WARN, pks(cast.technician))]


def test_backfilled_ticket_is_escalated_at_the_first_sweep(clock, world, cast):
    # given a paper record of 10:00 entered at 13:00
    ticket = record(clock, world, cast, when=on18(13), kind=Kind.REPAIR, received_at=on18(10))
    # when the sweeper runs at once
    result = sweep_at(clock, on18(13))
    # then dispatch (due 10:05) went up all four levels, first response (due 12:00) three of them
    assert result == SweepResult(checked=2, warnings=2, breaches=2, escalations=5)
    dispatch = SlaTarget.objects.get(ticket=ticket, policy__code="dispatch")
    assert [(s[0], s[2]) for s in steps(dispatch)] == [
        (1, on18(10, 4)),
        (2, on18(10, 5)),
        (3, on18(10, 35)),
        (4, on18(12, 5)),
    ]
    assert (dispatch.breached_at, dispatch.breach_recorded_at, dispatch.next_check_at) == (on18(10, 5), on18(13), None)
    row = first_response(ticket)
    assert [s[0] for s in steps(row)] == [1, 2, 3]
    assert (row.breached_at, row.breach_recorded_at, row.next_check_at) == (DUE, on18(13), L4_AT)


# --- idempotence ----------------------------------------------------------------------------------------------------


def test_notification_with_the_same_dedupe_key_is_not_queued_twice(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, WARN)
    row = first_response(ticket)
    before = Notification.objects.count()
    # when the step's notification is sent again (a retried step)
    created = notify(
        recipients=[cast.reception],
        message=Message(kind="sla.warn", subject="即将超时（重试）"),
        dedupe=f"sla:{row.pk}:L1",
    )
    # then nothing new is queued
    assert created == []
    assert Notification.objects.count() == before == 1
    # and a different level is a different key
    assert (
        len(notify(recipients=[cast.reception], message=Message(kind="x", subject="y"), dedupe=f"sla:{row.pk}:L9")) == 1
    )


def test_step_taken_already_is_not_taken_again(clock, world, cast):
    # given level 1 recorded by an earlier worker (its target row not yet updated)
    ticket = record(clock, world, cast)
    row = first_response(ticket)
    clock.move_to(WARN)
    EscalationStep.objects.create(target=row, level=1, when="warn", due_at=WARN, recipients=[cast.reception.pk])
    # when the sweeper reaches it
    result = sweep_at(clock, WARN)
    # then the step is not repeated, nobody is told twice, and the ladder moves on
    assert result.checked == 1
    row.refresh_from_db()
    assert (row.escalation_level, row.next_check_at) == (1, DUE)
    assert EscalationStep.objects.filter(target=row).count() == 1
    assert escalated_events(ticket) == []
    assert Notification.objects.count() == 0
    sweep_at(clock, DUE)
    assert [s[0] for s in steps(row)] == [1, 2]


# --- acknowledgement ------------------------------------------------------------------------------------------------


def test_escalation_acknowledge_records_who_and_when(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, DUE)
    step = EscalationStep.objects.get(target__ticket=ticket, level=2)
    # when the supervisor confirms at 12:05
    clock.move_to(on18(12, 5))
    done = escalation_acknowledge(actor=cast.supervisor, step=step, note="  已安排专人回电  ")
    # then
    step.refresh_from_db()
    assert (step.acknowledged_by, step.acknowledged_at, step.acknowledgement) == (
        cast.supervisor,
        on18(12, 5),
        "已安排专人回电",
    )
    assert done.pk == step.pk
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).latest("pk")
    assert (event.actor, event.at, event.data) == (cast.supervisor, on18(12, 5), {"acknowledged_step": step.pk})
    assert render(event.reason) == "已确认升级（第 2 级）：已安排专人回电"


def test_second_acknowledge_is_refused(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, DUE)
    step = EscalationStep.objects.get(target__ticket=ticket, level=2)
    clock.move_to(on18(12, 5))
    escalation_acknowledge(actor=cast.supervisor, step=step)
    events = TicketEvent.objects.count()
    clock.move_to(on18(12, 10))
    with pytest.raises(ValidationError):
        escalation_acknowledge(actor=cast.reception, step=step, note="我也确认")
    step.refresh_from_db()
    assert (step.acknowledged_by, step.acknowledged_at, step.acknowledgement) == (cast.supervisor, on18(12, 5), "")
    assert TicketEvent.objects.count() == events


def test_acknowledge_by_someone_who_can_see_the_ticket(clock, world, cast):
    # the manager is not a recipient of level 1 but oversees the ticket's community
    ticket = record(clock, world, cast)
    sweep_at(clock, WARN)
    step = EscalationStep.objects.get(target__ticket=ticket, level=1)
    assert cast.manager.pk not in step.recipients
    escalation_acknowledge(actor=cast.manager, step=step)
    step.refresh_from_db()
    assert step.acknowledged_by == cast.manager


def test_acknowledge_by_an_outsider_is_refused(clock, world, cast):
    ticket = record(clock, world, cast)
    sweep_at(clock, WARN)
    step = EscalationStep.objects.get(target__ticket=ticket, level=1)
    with pytest.raises(PermissionDenied):
        escalation_acknowledge(actor=cast.reception_b, step=step)
    step.refresh_from_db()
    assert (step.acknowledged_by, step.acknowledged_at) == (None, None)


# --- two sweepers at once (PostgreSQL) --------------------------------------------------------------------------------


@postgresql_only("concurrent sweepers claim rows with SELECT … FOR UPDATE SKIP LOCKED, which needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_the_same_moment_take_each_step_exactly_once(clock, world):
    # given the seeded policies (an earlier transactional test's flush may have removed them)
    seed_default_policies()
    # and 200 consultations recorded at 10:00, all four levels pending at 16:00
    cast = make_cast(world)
    tickets = [record(clock, world, cast, when=on18(10)) for _ in range(200)]
    target_ids = set(SlaTarget.objects.filter(ticket__in=tickets).values_list("pk", flat=True))
    assert len(target_ids) == 200
    clock.move_to(on18(16))
    # when two sweepers run at the same moment
    results = run_together(2, lambda _i: sweep(now=on18(16), batch=25), barrier_timeout=30, join_timeout=120)
    # then every target was taken once, with each of its steps exactly once
    assert errors(results) == []
    assert len(results) == 2
    assert sum(r.checked for r in results) == 200
    assert sum(r.warnings for r in results) == 200
    assert sum(r.breaches for r in results) == 200
    assert sum(r.escalations for r in results) == 600
    levels = collections.defaultdict(list)
    for target_id, level in EscalationStep.objects.values_list("target_id", "level"):
        levels[target_id].append(level)
    assert set(levels) == target_ids
    assert all(sorted(found) == [1, 2, 3, 4] for found in levels.values())
    assert TicketEvent.objects.filter(kind=EventKind.ESCALATED).count() == 800
    expected_recipients = {
        1: [cast.reception.pk],
        2: pks(cast.reception, cast.supervisor),
        3: [cast.manager.pk],
        4: [cast.quality.pk],
    }
    sent = collections.Counter()
    for key, recipient in Notification.objects.filter(channel=NotifyChannel.INAPP).values_list(
        "dedupe_key", "recipient_id"
    ):
        _sla, target_id, level, _channel, _user = key.split(":")
        sent[(int(target_id), int(level[1:]), recipient)] += 1
    expected = collections.Counter(
        {(tid, level, r): 1 for tid in target_ids for level, users in expected_recipients.items() for r in users}
    )
    assert sent == expected
    for row in SlaTarget.objects.filter(pk__in=target_ids):
        assert (row.state, row.escalation_level, row.next_check_at, row.breached_at, row.breach_recorded_at) == (
            TargetState.BREACHED,
            4,
            None,
            DUE,
            on18(16),
        )
