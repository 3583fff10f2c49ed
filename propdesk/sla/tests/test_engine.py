"""The SLA engine driven by ticket services: which deadline rows each event starts, with exact start, due and
warning moments; met and breached stops; pauses; cancellation; back-fill; a center's own policy.

Deadlines of the seeded default policies (migration 0002):
  dispatch                    repair / special_service, created → assigned|dispatched|resolved|closed, 5 min 24×7
  first_response              all but praise, created → replied|resolved|closed, 2 h desk (09:00–20:00 daily)
  complaint_first_contact     complaint, created → replied, 2 h desk
  feedback_result             feedback, created → resolved|closed, 24 h 24×7, paused while waiting
  major_progress              urgent, created → replied|resolved|closed, 48 h 24×7
  developer_complaint_result  complaint from a superior, resolved → replied|closed, 12 h 24×7
  housekeeping_return_visit   special_service, resolved → return visit|replied|closed, 30 min desk
  superior_escalation         decision requested → itself, 2 h 24×7 from receipt
  superior_answer             decision requested → replied|resolved|closed, 24 h 24×7, paused while waiting
Warnings at 80 % of the running time.

All moments are on the Shanghai wall clock; 2026-11-18 is a Wednesday.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla.choices import TargetState
from propdesk.sla.config import config_changed
from propdesk.sla.models import SlaPolicy, SlaTarget
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import Channel, Kind, Priority, ReplyMethod, Source, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import (
    ticket_assign,
    ticket_create,
    ticket_reply,
    ticket_request_decision,
    ticket_transition,
)


def on18(hour: int, minute: int = 0) -> dt.datetime:
    return t(2026, 11, 18, hour, minute)


def on19(hour: int, minute: int = 0) -> dt.datetime:
    return t(2026, 11, 19, hour, minute)


RUNNING, PAUSED, MET, BREACHED, CANCELLED = (
    TargetState.RUNNING,
    TargetState.PAUSED,
    TargetState.MET,
    TargetState.BREACHED,
    TargetState.CANCELLED,
)


@dataclass
class Cast:
    reception: object
    supervisor: object
    manager: object
    quality: object
    operator: object
    technician: object
    reception_b: object
    control: object


class Desk:
    """Ticket services called at given moments of the pinned clock."""

    def __init__(self, world, cast: Cast, clock):
        self.world, self.cast, self.clock = world, cast, clock

    def create(self, when, kind=Kind.REPAIR, *, actor=None, household=None, **kwargs) -> Ticket:
        """Record a ticket. Work orders (the dispatch app) are left out unless asked for: these tests are about
        the ticket's own clocks."""
        self.clock.move_to(when)
        kwargs.setdefault("create_work_order", False)
        return ticket_create(
            actor=actor or self.cast.reception,
            kind=kind,
            content="厨房水管漏水",
            channel=kwargs.pop("channel", Channel.PHONE),
            household=household or self.world.household_a,
            **kwargs,
        )

    def move(self, ticket, status, when) -> Ticket:
        self.clock.move_to(when)
        return ticket_transition(actor=self.cast.reception, ticket=ticket, to_status=status, reason="测试")

    def reply(self, ticket, when):
        self.clock.move_to(when)
        return ticket_reply(actor=self.cast.reception, ticket=ticket, method=ReplyMethod.PHONE, content="已电话答复")

    def assign(self, ticket, when, assignee=None) -> Ticket:
        self.clock.move_to(when)
        return ticket_assign(actor=self.cast.reception, ticket=ticket, assignee=assignee or self.cast.technician)

    def request_decision(self, ticket, when) -> Ticket:
        self.clock.move_to(when)
        return ticket_request_decision(actor=self.cast.reception, ticket=ticket, reason="需经理决定是否免费更换")


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def cast(world, clock) -> Cast:
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
        control=control,
    )


@pytest.fixture
def desk(world, cast, clock) -> Desk:
    return Desk(world, cast, clock)


def targets(ticket) -> dict[str, SlaTarget]:
    """The ticket's deadline rows by policy code (one each)."""
    rows = list(SlaTarget.objects.filter(ticket=ticket).select_related("policy"))
    by_code = {row.policy.code: row for row in rows}
    assert len(by_code) == len(rows), [r.policy.code for r in rows]
    return by_code


def target(ticket, code: str) -> SlaTarget:
    return SlaTarget.objects.select_related("policy").get(ticket=ticket, policy__code=code)


def pauses(row: SlaTarget) -> list[tuple]:
    """The stored pause intervals as moments (they are stored as ISO strings)."""
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b) if b else None) for a, b in row.pauses]


def timing(row: SlaTarget) -> tuple:
    return (row.state, row.started_at, row.due_at, row.warn_at, row.stopped_at, row.next_check_at)


# --- clocks started when a ticket is recorded ---------------------------------------------------------------------

TWO_H_DESK = (on18(10), on18(12), on18(11, 36))  # started, due, warn (96 min)
FIVE_MIN = (on18(10), on18(10, 5), on18(10, 4))
DAY_24 = (on18(10), on19(10), on19(5, 12))  # warning after 19 h 12 min
HOURS_48 = (on18(10), t(2026, 11, 20, 10), t(2026, 11, 20, 0, 24))  # warning after 38 h 24 min


@pytest.mark.parametrize(
    ("kind", "priority", "expected"),
    [
        (Kind.REPAIR, Priority.NORMAL, {"dispatch": FIVE_MIN, "first_response": TWO_H_DESK}),
        (Kind.SPECIAL_SERVICE, Priority.NORMAL, {"dispatch": FIVE_MIN, "first_response": TWO_H_DESK}),
        (Kind.COMPLAINT, Priority.NORMAL, {"first_response": TWO_H_DESK, "complaint_first_contact": TWO_H_DESK}),
        (Kind.SUGGESTION, Priority.NORMAL, {"first_response": TWO_H_DESK}),
        (Kind.CONSULTATION, Priority.NORMAL, {"first_response": TWO_H_DESK}),
        (Kind.PRAISE, Priority.NORMAL, {}),
        (Kind.FEEDBACK, Priority.NORMAL, {"first_response": TWO_H_DESK, "feedback_result": DAY_24}),
        (
            Kind.REPAIR,
            Priority.URGENT,
            {"dispatch": FIVE_MIN, "first_response": TWO_H_DESK, "major_progress": HOURS_48},
        ),
        (
            Kind.COMPLAINT,
            Priority.URGENT,
            {"first_response": TWO_H_DESK, "complaint_first_contact": TWO_H_DESK, "major_progress": HOURS_48},
        ),
        (Kind.PRAISE, Priority.URGENT, {"major_progress": HOURS_48}),
    ],
)
def test_targets_started_when_a_ticket_is_recorded(desk, cast, world, kind, priority, expected):
    # when a ticket is recorded at 10:00
    ticket = desk.create(on18(10), kind, priority=priority)
    # then exactly the matching clocks run, with exact moments, planned for their warning
    rows = targets(ticket)
    assert {code: (r.started_at, r.due_at, r.warn_at) for code, r in rows.items()} == expected
    for row in rows.values():
        assert row.state == RUNNING
        assert row.next_check_at == row.warn_at
        assert row.stopped_at is None
        assert row.owner == cast.reception
        assert row.service_center == world.center_a
        assert row.kind == kind
        # a major matter's superior is told at once (R-FB-3): its first step is taken with the clock's start
        assert row.escalation_level == (1 if row.policy.code == "major_progress" else 0)


@pytest.mark.parametrize(
    ("received", "due", "warn"),
    [
        (on18(19), on19(10), on19(9, 36)),  # 1 h tonight, 1 h tomorrow from 09:00
        (on18(21, 30), on19(11), on19(10, 36)),  # after closing: all of it tomorrow
        (on18(7), on18(11), on18(10, 36)),  # before opening: from 09:00
        (on18(18), on18(20), on18(19, 36)),  # ends exactly at closing
        (on18(18, 24), on19(9, 24), on18(20)),  # the warning exactly at closing
    ],
)
def test_first_response_follows_desk_hours(desk, received, due, warn):
    ticket = desk.create(received, Kind.CONSULTATION)
    row = target(ticket, "first_response")
    assert (row.started_at, row.due_at, row.warn_at, row.next_check_at) == (received, due, warn, warn)


@pytest.mark.parametrize("kind", [Kind.REPAIR, Kind.SPECIAL_SERVICE])
def test_ticket_recorded_with_its_work_order_starts_the_same_clocks(desk, kind):
    # when a repair or special service is recorded the default way (its work order goes onto the board)
    ticket = desk.create(on18(10), kind, create_work_order=True)
    # then it has its work order and the ticket's own clocks as usual
    assert ticket.work_orders.count() == 1
    rows = {code: (r.state, r.started_at, r.due_at, r.warn_at) for code, r in targets(ticket).items()}
    assert rows == {"dispatch": (RUNNING, *FIVE_MIN), "first_response": (RUNNING, *TWO_H_DESK)}


def test_dispatch_runs_around_the_clock(desk):
    ticket = desk.create(on18(21, 30))
    row = target(ticket, "dispatch")
    assert (row.started_at, row.due_at, row.warn_at) == (on18(21, 30), on18(21, 35), on18(21, 34))


# --- stops: met and breached ----------------------------------------------------------------------------------------


def test_dispatch_met_when_assigned_in_time(desk, cast):
    ticket = desk.create(on18(10))
    # when the job is assigned after 3 minutes
    desk.assign(ticket, on18(10, 3))
    # then
    row = target(ticket, "dispatch")
    assert timing(row) == (MET, on18(10), on18(10, 5), on18(10, 4), on18(10, 3), None)
    assert (row.breached_at, row.breach_recorded_at) == (None, None)
    assert row.owner == cast.technician
    assert row.department == cast.technician.staff_profile.department
    # the first-response clock is not stopped by an assignment
    assert target(ticket, "first_response").state == RUNNING


def test_dispatch_met_when_assigned_exactly_at_the_due_moment(desk):
    ticket = desk.create(on18(10))
    desk.assign(ticket, on18(10, 5))
    assert target(ticket, "dispatch").state == MET


def test_dispatch_breached_when_assigned_late(desk):
    ticket = desk.create(on18(10))
    desk.assign(ticket, t(2026, 11, 18, 10, 6, 30))
    row = target(ticket, "dispatch")
    assert timing(row) == (BREACHED, on18(10), on18(10, 5), on18(10, 4), t(2026, 11, 18, 10, 6, 30), None)
    assert row.breached_at == on18(10, 5)
    assert row.breach_recorded_at == t(2026, 11, 18, 10, 6, 30)


def test_first_response_and_complaint_contact_met_by_a_reply_in_time(desk):
    ticket = desk.create(on18(10), Kind.COMPLAINT)
    desk.reply(ticket, on18(11, 59))
    rows = targets(ticket)
    for code in ("first_response", "complaint_first_contact"):
        assert timing(rows[code]) == (MET, on18(10), on18(12), on18(11, 36), on18(11, 59), None)
        assert rows[code].breached_at is None


def test_first_response_breached_by_a_late_reply(desk):
    ticket = desk.create(on18(10), Kind.COMPLAINT)
    desk.reply(ticket, on18(12, 30))
    for code in ("first_response", "complaint_first_contact"):
        row = target(ticket, code)
        assert timing(row) == (BREACHED, on18(10), on18(12), on18(11, 36), on18(12, 30), None)
        assert (row.breached_at, row.breach_recorded_at) == (on18(12), on18(12, 30))


def test_first_response_met_by_resolving_but_complaint_contact_needs_a_reply(desk):
    ticket = desk.create(on18(10), Kind.COMPLAINT)
    desk.move(ticket, Status.RESOLVED, on18(11))
    assert target(ticket, "first_response").state == MET
    contact = target(ticket, "complaint_first_contact")
    assert (contact.state, contact.stopped_at, contact.next_check_at) == (RUNNING, None, on18(11, 36))


def test_hand_off_neither_starts_nor_stops_a_clock(desk, cast):
    # given a repair handed to the control center at once
    ticket = desk.create(on18(10), hand_off=True)
    assert (ticket.assignee, ticket.team) == (None, cast.control)
    rows = targets(ticket)
    assert set(rows) == {"dispatch", "first_response"}
    assert {r.state for r in rows.values()} == {RUNNING}
    # when the control center dispatches it within 5 minutes
    ticket_operator = Ticket.objects.get(pk=ticket.pk)
    desk.clock.move_to(on18(10, 4))
    ticket_assign(actor=cast.operator, ticket=ticket_operator, assignee=cast.technician)
    # then
    assert target(ticket, "dispatch").state == MET
    assert target(ticket, "first_response").state == RUNNING


def test_major_progress_met_by_a_reply_within_48_hours(desk):
    ticket = desk.create(on18(10), Kind.CONSULTATION, priority=Priority.URGENT)
    desk.reply(ticket, t(2026, 11, 20, 9))
    row = target(ticket, "major_progress")
    assert timing(row) == (MET, on18(10), t(2026, 11, 20, 10), t(2026, 11, 20, 0, 24), t(2026, 11, 20, 9), None)


def test_major_progress_breached_after_48_hours(desk):
    ticket = desk.create(on18(10), Kind.CONSULTATION, priority=Priority.URGENT)
    desk.reply(ticket, t(2026, 11, 20, 11))
    row = target(ticket, "major_progress")
    assert (row.state, row.breached_at, row.breach_recorded_at) == (BREACHED, t(2026, 11, 20, 10), t(2026, 11, 20, 11))


# --- feedback: 24 h, paused while waiting --------------------------------------------------------------------------


def test_feedback_result_met_when_resolved_within_24_hours(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.move(ticket, Status.RESOLVED, on19(9, 59))
    row = target(ticket, "feedback_result")
    assert timing(row) == (MET, on18(10), on19(10), on19(5, 12), on19(9, 59), None)


def test_feedback_result_breached_when_resolved_late(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.move(ticket, Status.RESOLVED, on19(11))
    row = target(ticket, "feedback_result")
    assert (row.state, row.breached_at, row.breach_recorded_at, row.stopped_at) == (
        BREACHED,
        on19(10),
        on19(11),
        on19(11),
    )


@pytest.mark.parametrize("waiting", [Status.WAITING_CUSTOMER, Status.WAITING_VENDOR])
def test_feedback_result_pauses_while_waiting_and_the_due_moment_moves(desk, waiting):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    # when the ticket waits from 12:00 to 15:00
    desk.move(ticket, waiting, on18(12))
    paused = target(ticket, "feedback_result")
    assert (paused.state, pauses(paused), paused.next_check_at) == (PAUSED, [(on18(12), None)], None)
    # the clocks without pause statuses keep running
    assert target(ticket, "first_response").state == RUNNING
    desk.move(ticket, Status.IN_PROGRESS, on18(15))
    # then the due and warning moments are 3 h later
    row = target(ticket, "feedback_result")
    assert row.state == RUNNING
    assert pauses(row) == [(on18(12), on18(15))]
    assert (row.due_at, row.warn_at, row.next_check_at) == (on19(13), on19(8, 12), on19(8, 12))
    # and resolving at 12:00 the next day (after the original due moment) is in time
    desk.move(ticket, Status.RESOLVED, on19(12))
    row = target(ticket, "feedback_result")
    assert (row.state, row.stopped_at, row.breached_at, row.due_at) == (MET, on19(12), None, on19(13))


def test_feedback_result_two_pauses_add_up(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(11))
    desk.move(ticket, Status.IN_PROGRESS, on18(12))
    desk.move(ticket, Status.WAITING_VENDOR, on18(16))
    desk.move(ticket, Status.IN_PROGRESS, on18(18, 30))
    row = target(ticket, "feedback_result")
    assert pauses(row) == [(on18(11), on18(12)), (on18(16), on18(18, 30))]
    assert (row.state, row.due_at, row.warn_at) == (RUNNING, on19(13, 30), on19(8, 42))


def test_feedback_resolved_straight_from_waiting_counts_the_pause(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(12))
    # when it is resolved while still waiting, two days later
    desk.move(ticket, Status.RESOLVED, t(2026, 11, 20, 12))
    # then only 2 h of clock time ran: met, and the pause is closed at the stop
    row = target(ticket, "feedback_result")
    assert row.state == MET
    assert row.stopped_at == t(2026, 11, 20, 12)
    assert pauses(row) == [(on18(12), t(2026, 11, 20, 12))]


def test_clock_started_while_waiting_starts_paused(desk):
    # given a ticket already waiting for the customer
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(10, 30))
    # when a decision is requested while waiting
    desk.request_decision(ticket, on18(11))
    # then the superior's 24 h clock starts paused, with no due moment yet
    row = target(ticket, "superior_answer")
    assert (row.state, pauses(row), row.due_at, row.warn_at, row.next_check_at) == (
        PAUSED,
        [(on18(11), None)],
        None,
        None,
        None,
    )
    # and starts running when the ticket is picked up again
    desk.move(ticket, Status.IN_PROGRESS, on18(12))
    row = target(ticket, "superior_answer")
    assert (row.state, row.due_at, row.warn_at) == (RUNNING, on19(12), on19(7, 12))


# --- complaints forwarded by the developer ----------------------------------------------------------------------------


def superior_complaint(desk) -> Ticket:
    return desk.create(
        on18(10), Kind.COMPLAINT, source=Source.SUPERIOR, channel=Channel.SUPERIOR, source_detail="开发商客服中心"
    )


def test_developer_complaint_result_starts_when_resolved_and_is_met_by_a_reply(desk):
    ticket = superior_complaint(desk)
    assert "developer_complaint_result" not in targets(ticket)
    # when it is resolved at 15:00
    desk.move(ticket, Status.RESOLVED, on18(15))
    row = target(ticket, "developer_complaint_result")
    assert timing(row) == (RUNNING, on18(15), on19(3), on19(0, 36), None, on19(0, 36))
    # and the result is reported back at 02:00
    desk.reply(ticket, on19(2))
    row = target(ticket, "developer_complaint_result")
    assert timing(row) == (MET, on18(15), on19(3), on19(0, 36), on19(2), None)


def test_developer_complaint_result_met_by_closing(desk):
    ticket = superior_complaint(desk)
    desk.move(ticket, Status.RESOLVED, on18(15))
    desk.move(ticket, Status.CLOSED, on18(16))
    assert target(ticket, "developer_complaint_result").state == MET


def test_developer_complaint_result_breached_after_12_hours(desk):
    ticket = superior_complaint(desk)
    desk.move(ticket, Status.RESOLVED, on18(15))
    desk.reply(ticket, on19(4))
    row = target(ticket, "developer_complaint_result")
    assert (row.state, row.breached_at, row.breach_recorded_at, row.stopped_at) == (
        BREACHED,
        on19(3),
        on19(4),
        on19(4),
    )


def test_customer_complaint_gets_no_developer_result_clock(desk):
    ticket = desk.create(on18(10), Kind.COMPLAINT)
    desk.move(ticket, Status.RESOLVED, on18(15))
    assert set(targets(ticket)) == {"first_response", "complaint_first_contact"}


# --- a superior's decision ---------------------------------------------------------------------------------------------


def test_decision_requested_in_time(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    # when the matter is escalated 1 h after receipt
    desk.request_decision(ticket, on18(11))
    rows = targets(ticket)
    # then "escalated within 2 h of receipt" is measured from receipt and met at once
    assert timing(rows["superior_escalation"]) == (MET, on18(10), on18(12), on18(11, 36), on18(11), None)
    # and the superior's answer is due 24 h after the request
    assert timing(rows["superior_answer"]) == (RUNNING, on18(11), on19(11), on19(6, 12), None, on19(6, 12))
    # when the answer reaches the customer the next morning
    desk.reply(ticket, on19(10))
    row = target(ticket, "superior_answer")
    assert (row.state, row.stopped_at) == (MET, on19(10))


def test_decision_requested_late(desk):
    ticket = desk.create(on18(10), Kind.CONSULTATION)
    desk.request_decision(ticket, on18(13))
    row = target(ticket, "superior_escalation")
    assert (row.state, row.started_at, row.due_at, row.stopped_at, row.breached_at, row.breach_recorded_at) == (
        BREACHED,
        on18(10),
        on18(12),
        on18(13),
        on18(12),
        on18(13),
    )


def test_superior_answer_breached_after_24_hours(desk):
    ticket = desk.create(on18(10), Kind.CONSULTATION)
    desk.request_decision(ticket, on18(11))
    desk.move(ticket, Status.RESOLVED, on19(12))
    row = target(ticket, "superior_answer")
    assert (row.state, row.breached_at, row.breach_recorded_at) == (BREACHED, on19(11), on19(12))


def test_superior_answer_pauses_while_waiting(desk):
    ticket = desk.create(on18(10), Kind.CONSULTATION)
    desk.request_decision(ticket, on18(11))
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(12))
    assert target(ticket, "superior_answer").state == PAUSED
    desk.move(ticket, Status.IN_PROGRESS, on18(15))
    row = target(ticket, "superior_answer")
    assert (row.state, row.due_at, row.warn_at, row.next_check_at) == (RUNNING, on19(14), on19(9, 12), on19(9, 12))


def test_superior_answer_stopped_by_a_reply_while_paused_counts_the_pause(desk):
    """Regression: _stop() used to judge a clock stopped while paused against the due moment stored before
    the pause, so this reply was recorded as a breach."""
    # given the superior's answer due 11-19 11:00, and the ticket waiting for the customer from 12:00 on
    ticket = desk.create(on18(10), Kind.CONSULTATION)
    desk.request_decision(ticket, on18(11))
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(12))
    # when the answer is given (still waiting) the next day at 12:00: only 1 h of the 24 h ran
    desk.reply(ticket, on19(12))
    # then it is in time
    row = target(ticket, "superior_answer")
    assert row.stopped_at == on19(12)
    assert pauses(row) == [(on18(12), on19(12))]
    assert (row.state, row.breached_at) == (MET, None)


def test_second_decision_request_does_not_measure_the_receipt_again(desk):
    # given a matter escalated in time and answered
    ticket = desk.create(on18(10), Kind.CONSULTATION)
    desk.request_decision(ticket, on18(11))
    desk.reply(ticket, on18(12))
    # when a second decision is needed in the afternoon
    desk.request_decision(ticket, on18(15))
    # then the superior's answer is due again, but "escalated within 2 h of receipt" was measured once, and met
    answers = SlaTarget.objects.filter(ticket=ticket, policy__code="superior_answer").order_by("started_at")
    assert [(a.state, a.started_at) for a in answers] == [(MET, on18(11)), (RUNNING, on18(15))]
    escalations = SlaTarget.objects.filter(ticket=ticket, policy__code="superior_escalation")
    assert [(e.state, e.stopped_at) for e in escalations] == [(MET, on18(11))]


# --- housekeeping return visit --------------------------------------------------------------------------------------


def housekeeping_resolved(desk, when) -> Ticket:
    ticket = desk.create(on18(10), Kind.SPECIAL_SERVICE)
    desk.assign(ticket, on18(10, 2))
    desk.move(ticket, Status.RESOLVED, when)
    return ticket


def test_housekeeping_return_visit_starts_on_resolving(desk):
    ticket = housekeeping_resolved(desk, on18(15))
    row = target(ticket, "housekeeping_return_visit")
    assert timing(row) == (RUNNING, on18(15), on18(15, 30), on18(15, 24), None, on18(15, 24))
    assert row.owner == desk.cast.technician
    desk.reply(ticket, on18(15, 20))
    assert target(ticket, "housekeeping_return_visit").state == MET
    # the other clocks were stopped by the assignment and by resolving
    assert target(ticket, "dispatch").state == MET
    assert target(ticket, "first_response").stopped_at == on18(15)


def test_housekeeping_return_visit_runs_on_desk_hours(desk):
    # resolved at 19:50: 10 min tonight, 20 min from 09:00; warning after 24 min = 09:14
    ticket = housekeeping_resolved(desk, on18(19, 50))
    row = target(ticket, "housekeeping_return_visit")
    assert (row.started_at, row.due_at, row.warn_at) == (on18(19, 50), on19(9, 20), on19(9, 14))
    desk.move(ticket, Status.CLOSED, on19(9, 10))
    assert target(ticket, "housekeeping_return_visit").state == MET


def test_housekeeping_return_visit_breached_when_late(desk):
    ticket = housekeeping_resolved(desk, on18(19, 50))
    desk.move(ticket, Status.CLOSED, on19(9, 30))
    row = target(ticket, "housekeeping_return_visit")
    assert (row.state, row.breached_at, row.breach_recorded_at) == (BREACHED, on19(9, 20), on19(9, 30))


def test_repair_gets_no_return_visit_clock(desk):
    ticket = desk.create(on18(10))
    desk.move(ticket, Status.RESOLVED, on18(11))
    assert set(targets(ticket)) == {"dispatch", "first_response"}


# --- cancel, back-fill, center policies -------------------------------------------------------------------------------


def test_cancel_cancels_every_open_clock(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK, priority=Priority.URGENT)
    desk.move(ticket, Status.CANCELLED, on18(10, 2))
    rows = targets(ticket)
    assert set(rows) == {"first_response", "feedback_result", "major_progress"}
    for row in rows.values():
        assert (row.state, row.stopped_at, row.next_check_at, row.breached_at) == (CANCELLED, on18(10, 2), None, None)


def test_cancel_leaves_finished_clocks_alone_and_closes_a_pause(desk):
    ticket = desk.create(on18(10), Kind.FEEDBACK)
    desk.reply(ticket, on18(10, 30))  # first response met
    desk.move(ticket, Status.WAITING_CUSTOMER, on18(11))
    desk.move(ticket, Status.CANCELLED, on18(12))
    rows = targets(ticket)
    assert (rows["first_response"].state, rows["first_response"].stopped_at) == (MET, on18(10, 30))
    feedback = rows["feedback_result"]
    assert (feedback.state, feedback.stopped_at) == (CANCELLED, on18(12))
    assert pauses(feedback) == [(on18(11), on18(12))]


def test_backfilled_ticket_is_already_late(desk):
    # given it is 13:00 and a paper record of 10:00 is entered now (R-IN-6)
    ticket = desk.create(on18(13), received_at=on18(10))
    assert ticket.received_at == on18(10)
    assert ticket.is_backfilled
    # then the clocks run from the real receipt time, already past due, and the sweeper sees them at once
    rows = targets(ticket)
    assert timing(rows["dispatch"]) == (RUNNING, on18(10), on18(10, 5), on18(10, 4), None, on18(10, 4))
    assert timing(rows["first_response"]) == (RUNNING, on18(10), on18(12), on18(11, 36), None, on18(11, 36))
    assert SlaTarget.objects.filter(ticket=ticket, next_check_at__lte=on18(13)).count() == 2


def test_backfilled_ticket_assigned_now_is_breached(desk):
    ticket = desk.create(on18(13), received_at=on18(10))
    desk.assign(ticket, on18(13, 1))
    row = target(ticket, "dispatch")
    assert (row.state, row.breached_at, row.breach_recorded_at, row.stopped_at) == (
        BREACHED,
        on18(10, 5),
        on18(13, 1),
        on18(13, 1),
    )


def test_center_policy_replaces_the_default_for_that_center_only(desk, world, cast):
    # given center A allows 15 minutes for dispatch
    default = SlaPolicy.objects.get(code="dispatch", service_center__isnull=True)
    own = SlaPolicy.objects.create(
        code="dispatch",
        name="15 分钟内派单（翠湖）",
        service_center=world.center_a,
        kinds=default.kinds,
        start_event=default.start_event,
        stop_events=default.stop_events,
        duration_minutes=15,
        calendar=default.calendar,
        ladder=default.ladder,
    )
    # when a repair is recorded in each center
    ticket_a = desk.create(on18(10))
    ticket_b = desk.create(on18(10), actor=cast.reception_b, household=world.household_b)
    # then center A runs only its own policy, center B the default
    dispatch_a = target(ticket_a, "dispatch")
    dispatch_b = target(ticket_b, "dispatch")
    assert (dispatch_a.policy, dispatch_a.due_at, dispatch_a.warn_at) == (own, on18(10, 15), on18(10, 12))
    assert (dispatch_b.policy, dispatch_b.due_at, dispatch_b.warn_at) == (default, on18(10, 5), on18(10, 4))
    assert dispatch_b.service_center == world.center_b
    assert set(targets(ticket_a)) == {"dispatch", "first_response"}


def test_inactive_policy_starts_no_clock(desk):
    SlaPolicy.objects.filter(code="first_response").update(is_active=False)
    config_changed()  # an update() sends no signal: announce the change as every such write must
    ticket = desk.create(on18(10))
    assert set(targets(ticket)) == {"dispatch"}
