"""The complaint timers (R-CP-3, R-FB) as deadline rows of the SLA engine, on the pinned clock: each started by
the complaint service that makes it due, stopped by the step that meets it, and escalated handler → CS
supervisor → manager → company quality department (R-CP-5) when it is not.

The desk calendar runs 09:00–20:00 daily; 2026-11-18 is a Wednesday. Warnings at 80 % of the running time.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from propdesk.complaints import services
from propdesk.complaints.choices import DeveloperMatter, ResponsibilityClass, Validity
from propdesk.sla.choices import TargetState
from propdesk.sla.models import EscalationStep, SlaPolicy, SlaTarget
from propdesk.sla.services import sweep
from propdesk.testing.clock import shanghai_time as t
from propdesk.tickets.choices import ReplyMethod, Status
from propdesk.tickets.choices import Source as TicketSource
from propdesk.tickets.services import ticket_transition

ONE, TWO = ResponsibilityClass.OUR_SERVICE, ResponsibilityClass.DEVELOPER
MET, BREACHED, RUNNING = TargetState.MET, TargetState.BREACHED, TargetState.RUNNING


def on18(hour, minute=0):
    return t(2026, 11, 18, hour, minute)


def on19(hour, minute=0):
    return t(2026, 11, 19, hour, minute)


def clocks(complaint, code) -> list[SlaTarget]:
    return list(SlaTarget.objects.filter(ticket=complaint.ticket, policy__code=code).order_by("pk"))


def clock_of(complaint, code) -> SlaTarget:
    (row,) = clocks(complaint, code)
    return row


def moments(row) -> tuple:
    return (row.state, row.started_at, row.due_at, row.warn_at, row.stopped_at)


def steps(row) -> list[tuple]:
    return [(s.level, s.when, s.due_at, sorted(s.recipients)) for s in EscalationStep.objects.filter(target=row)]


def pks(*users) -> list[int]:
    return sorted({u.pk for u in users})


def reply(cast, complaint, clock, when, **kwargs):
    clock.move_to(when)
    kwargs.setdefault("method", ReplyMethod.PHONE)
    kwargs.setdefault("content", "已电话答复处理结果")
    return services.complaint_reply(actor=kwargs.pop("actor", cast.reception), complaint=complaint, **kwargs)


@pytest.fixture
def at(record, clock):
    """``at(moment, **kwargs)``: a complaint recorded at ``moment``."""

    def make(moment, **kwargs):
        clock.move_to(moment)
        return record(**kwargs)

    return make


def ladder_of(clock, row, owner, cast) -> list[tuple]:
    """Sweep at each ladder moment of a 2 h desk clock and return the steps taken: the owner warned, then the
    owner and the CS supervisor at the deadline, the manager 30 minutes later, the quality department at 2 h."""
    for moment in (row.warn_at, row.due_at, row.due_at + dt.timedelta(minutes=30), row.due_at + dt.timedelta(hours=2)):
        clock.move_to(moment)
        sweep(now=moment)
    return steps(row)


def expected_ladder(row, owner, cast) -> list[tuple]:
    due = row.due_at
    return [
        (1, "warn", row.warn_at, pks(owner)),
        (2, "due", due, pks(owner, cast.supervisor)),
        (3, "due", due + dt.timedelta(minutes=30), pks(cast.manager)),
        (4, "due", due + dt.timedelta(hours=2), pks(cast.quality)),
    ]


# --- contact within 2 h and agree a reply time -------------------------------------------------------------------


def test_agreeing_a_reply_time_meets_the_two_hour_contact(at, cast, clock):
    complaint = at(on18(10))
    assert moments(clock_of(complaint, "complaint_first_contact")) == (RUNNING, on18(10), on18(12), on18(11, 36), None)
    clock.move_to(on18(11))
    services.complaint_agree_reply(
        actor=cast.reception, complaint=complaint, reply_at=on19(10), note="业主同意明早答复"
    )
    assert moments(clock_of(complaint, "complaint_first_contact"))[0::4] == (MET, on18(11))
    # the first responder's own reply clock (R-IN-5) still runs: agreeing a time is no reply
    assert clock_of(complaint, "first_response").state == RUNNING
    complaint.refresh_from_db()
    assert complaint.agreed_reply_at == on19(10)


def test_a_reply_time_in_the_past_or_unreadable_is_refused(at, cast, clock):
    complaint = at(on18(10))
    for bad in (on18(9), None, t(2150, 1, 1)):
        with pytest.raises(ValidationError) as error:
            services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=bad)
        assert "reply_at" in error.value.message_dict
    assert clock_of(complaint, "complaint_first_contact").state == RUNNING


def test_the_contact_clock_escalates_up_the_ladder(at, cast, clock):
    complaint = at(on18(10))
    row = clock_of(complaint, "complaint_first_contact")
    assert ladder_of(clock, row, cast.reception, cast) == expected_ladder(row, cast.reception, cast)
    row.refresh_from_db()
    assert (row.state, row.escalation_level) == (BREACHED, 4)


# --- invalid: explained within 2 h -------------------------------------------------------------------------------


def test_an_invalid_complaint_is_explained_within_two_hours(at, cast, clock):
    complaint = at(on18(10))
    assert clocks(complaint, "complaint_invalid_explained") == []
    clock.move_to(on18(10, 30))
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.INVALID
    )
    row = clock_of(complaint, "complaint_invalid_explained")
    assert moments(row) == (RUNNING, on18(10, 30), on18(12, 30), on18(12, 6), None)
    reply(cast, complaint, clock, on18(12), content="已向业主解释：属业主自家管道，不在物业维修范围")
    assert moments(clock_of(complaint, "complaint_invalid_explained"))[0::4] == (MET, on18(12))


def test_an_unexplained_invalid_complaint_escalates(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 30))
    services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.INVALID
    )
    row = clock_of(complaint, "complaint_invalid_explained")
    assert ladder_of(clock, row, cast.reception, cast) == expected_ladder(row, cast.reception, cast)


# --- valid, handled by the CS supervisor: answered the same day --------------------------------------------------


def test_a_supervisor_handled_valid_complaint_is_answered_the_same_day(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 20))
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=TWO,
        developer_matter=DeveloperMatter.HOUSING,
        validity=Validity.VALID,
    )
    assert clocks(complaint, "complaint_supervisor_same_day") == []  # nobody owns it yet
    clock.move_to(on18(10, 30))
    complaint = services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    row = clock_of(complaint, "complaint_supervisor_same_day")
    assert (row.state, row.started_at, row.due_at, row.owner) == (RUNNING, on18(10, 30), on18(20), cast.supervisor)
    reply(cast, complaint, clock, on18(19), actor=cast.supervisor, content="已上门答复：开发商明日维修")
    assert moments(clock_of(complaint, "complaint_supervisor_same_day"))[0::4] == (MET, on18(19))


def test_the_same_day_answer_escalates_from_the_supervisor(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 30))
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=TWO,
        developer_matter=DeveloperMatter.HOUSING,
        validity=Validity.VALID,
    )
    complaint = services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    row = clock_of(complaint, "complaint_supervisor_same_day")
    taken = ladder_of(clock, row, cast.supervisor, cast)
    assert taken == expected_ladder(row, cast.supervisor, cast)


def test_a_class_one_complaint_with_its_assistant_starts_no_same_day_clock(at, cast, clock):
    complaint = at(on18(10))
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.VALID
    )
    services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    assert clocks(complaint, "complaint_supervisor_same_day") == []


# --- answered on the spot: replied within 2 h with the customer's opinion -----------------------------------------


def test_on_the_spot_reply_needs_the_customers_opinion(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 10))
    complaint = services.complaint_answer_on_spot(actor=cast.reception, complaint=complaint, content="当场更换了楼道灯")
    assert complaint.ticket.status == Status.RESOLVED
    row = clock_of(complaint, "complaint_on_spot_reply")
    assert moments(row) == (RUNNING, on18(10, 10), on18(12, 10), on18(11, 46), None)
    with pytest.raises(ValidationError) as error:
        reply(cast, complaint, clock, on18(11))
    assert "customer_opinion" in error.value.message_dict
    reply(cast, complaint, clock, on18(11, 30), customer_opinion="满意，灯已亮", satisfied=True)
    assert moments(clock_of(complaint, "complaint_on_spot_reply"))[0::4] == (MET, on18(11, 30))
    complaint.refresh_from_db()
    assert (complaint.customer_opinion, complaint.customer_satisfied) == ("满意，灯已亮", True)


def test_an_unanswered_on_the_spot_complaint_escalates(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 10))
    services.complaint_answer_on_spot(actor=cast.reception, complaint=complaint, content="当场更换了楼道灯")
    row = clock_of(complaint, "complaint_on_spot_reply")
    assert ladder_of(clock, row, cast.reception, cast) == expected_ladder(row, cast.reception, cast)


# --- assisted: progress at the center's interval ------------------------------------------------------------------


def test_assisted_complaints_get_progress_at_an_interval(at, cast, clock, world):
    complaint = at(on18(10))
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=TWO,
        developer_matter=DeveloperMatter.FACILITIES,
        validity=Validity.ASSISTED,
    )
    first = clock_of(complaint, "complaint_assisted_progress")
    assert (first.started_at, first.due_at) == (on18(10), on19(10))
    # the center sets its own interval: 12 hours
    default = SlaPolicy.objects.get(code="complaint_assisted_progress", service_center__isnull=True)
    own = SlaPolicy.objects.get(pk=default.pk)
    own.pk, own.service_center, own.duration_minutes = None, world.center_a, 720
    own.save()
    clock.move_to(on19(9))
    services.complaint_progress(actor=cast.supervisor, complaint=complaint, content="已书面报告开发商，等待回复")
    first, second = clocks(complaint, "complaint_assisted_progress")
    assert (first.state, first.stopped_at) == (MET, on19(9))
    assert (second.state, second.started_at, second.due_at, second.policy) == (RUNNING, on19(9), on19(21), own)


def test_assisted_progress_escalates_when_late(at, cast, clock):
    complaint = at(on18(10))
    services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=TWO,
        developer_matter=DeveloperMatter.FACILITIES,
        validity=Validity.ASSISTED,
    )
    row = clock_of(complaint, "complaint_assisted_progress")
    assert ladder_of(clock, row, cast.reception, cast) == expected_ladder(row, cast.reception, cast)


# --- a major matter: progress within 48 h, the superior told at once ----------------------------------------------


def test_a_major_matter_tells_the_superior_at_once_and_wants_progress_in_48_hours(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    complaint = services.complaint_mark_major(actor=cast.reception, complaint=complaint, reason="涉及人身安全")
    row = clock_of(complaint, "complaint_major_progress")
    assert (row.started_at, row.due_at, row.escalation_level) == (on18(11), t(2026, 11, 20, 11), 1)
    assert steps(row) == [(1, "start", on18(11), pks(cast.supervisor, cast.manager))]
    clock.move_to(on19(11))
    services.complaint_progress(actor=cast.supervisor, complaint=complaint, content="已联系维修单位，明日施工")
    assert clock_of(complaint, "complaint_major_progress").state == MET
    with pytest.raises(ValidationError):
        services.complaint_mark_major(actor=cast.reception, complaint=complaint, reason="再次")


def test_a_late_major_matter_climbs_to_the_quality_department(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    services.complaint_mark_major(actor=cast.reception, complaint=complaint, reason="涉及人身安全")
    row = clock_of(complaint, "complaint_major_progress")
    for moment in (row.warn_at, row.due_at, row.due_at + dt.timedelta(minutes=30), row.due_at + dt.timedelta(hours=2)):
        clock.move_to(moment)
        sweep(now=moment)
    assert [s[0] for s in steps(row)] == [1, 2, 3, 4, 5]
    assert steps(row)[-1] == (5, "due", row.due_at + dt.timedelta(hours=2), pks(cast.quality))


# --- forwarded by the developer's customer center: result back within 12 h of completion -----------------------


def test_a_developer_forwarded_complaint_reports_its_result_within_12_hours(at, cast, clock):
    complaint = at(on18(10), source=TicketSource.SUPERIOR, source_detail="开发商客服中心转来")
    assert clocks(complaint, "developer_complaint_result") == []
    clock.move_to(on18(15))
    ticket_transition(actor=cast.reception, ticket=complaint.ticket, to_status=Status.RESOLVED, reason="已维修")
    row = clock_of(complaint, "developer_complaint_result")
    assert (row.started_at, row.due_at) == (on18(15), on19(3))
    complaint.refresh_from_db()
    reply(cast, complaint, clock, on18(16), method=ReplyMethod.WRITTEN, content="处理结果已书面报开发商客服中心")
    assert clock_of(complaint, "developer_complaint_result").state == MET
