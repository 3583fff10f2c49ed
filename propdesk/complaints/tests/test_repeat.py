"""Repeat complaints (R-CP-6): reopened as a repeat — by the desk, or by the customer's unhappy reply — the
complaint goes to the CS supervisor, marked as a repeat, with the earlier handling shown first; a new complaint
about a matter already handled is a repeat of the earlier one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.complaints import selectors, services
from propdesk.complaints.choices import EventKind, ResponsibilityClass, Validity
from propdesk.complaints.models import Complaint
from propdesk.core.texts import render
from propdesk.sla.models import SlaTarget
from propdesk.testing.clock import shanghai_time as t
from propdesk.tickets.choices import ReplyMethod, Status
from propdesk.tickets.models import TicketEvent

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def handled(record, cast, clock):
    """A valid class-1 complaint handled by the CS assistant, replied to and resolved on the 18th."""
    clock.move_to(t(2026, 11, 18, 10))
    complaint = record(content="垃圾桶三天没清运，气味很大")
    complaint = services.complaint_classify(
        actor=cast.reception,
        complaint=complaint,
        responsibility_class=ResponsibilityClass.OUR_SERVICE,
        validity=Validity.VALID,
    )
    complaint = services.complaint_assign(actor=cast.supervisor, complaint=complaint)
    clock.move_to(t(2026, 11, 18, 11))
    services.complaint_reply(
        actor=cast.assistant,
        complaint=complaint,
        method=ReplyMethod.PHONE,
        content="已安排保洁清运",
        customer_opinion="好的",
    )
    complaint.ticket.refresh_from_db()
    from propdesk.tickets.services import ticket_transition

    ticket_transition(actor=cast.assistant, ticket=complaint.ticket, to_status=Status.RESOLVED, reason="已清运")
    return Complaint.objects.get(pk=complaint.pk)


def test_reopened_as_a_repeat_it_goes_to_the_supervisor(handled, cast, clock):
    clock.move_to(t(2026, 11, 19, 10))
    complaint = services.complaint_reopen_repeat(actor=cast.reception, complaint=handled, reason="业主说垃圾又堆满了")
    assert complaint.is_repeat and complaint.repeat_count == 1 and complaint.repeated_at == t(2026, 11, 19, 10)
    assert complaint.owner == cast.supervisor and complaint.ticket.assignee == cast.supervisor
    assert complaint.ticket.status == Status.IN_PROGRESS
    assert "客服主管" in render(complaint.suggestion_reason)
    event = complaint.events.get(kind=EventKind.REPEAT)
    assert event.reason == "业主说垃圾又堆满了" and event.data["count"] == 1
    # a valid complaint with the supervisor: answered the same day
    row = SlaTarget.objects.get(ticket=complaint.ticket, policy__code="complaint_supervisor_same_day")
    assert (row.started_at, row.due_at) == (t(2026, 11, 19, 10), t(2026, 11, 19, 20))


def test_the_earlier_handling_is_what_happened_before_the_reopening(handled, cast, clock):
    assert selectors.earlier_handling(handled) is None
    clock.move_to(t(2026, 11, 19, 10))
    complaint = services.complaint_reopen_repeat(actor=cast.reception, complaint=handled, reason="又堆满了")
    clock.move_to(t(2026, 11, 19, 11))
    services.complaint_reply(
        actor=cast.supervisor,
        complaint=complaint,
        method=ReplyMethod.HOME_VISIT,
        content="上门致歉，已增加清运频次",
        customer_opinion="满意",
        satisfied=True,
    )
    earlier = selectors.earlier_handling(Complaint.objects.get(pk=complaint.pk))
    assert earlier.complaint == complaint
    assert [r.content for r in earlier.replies] == ["已安排保洁清运"]
    assert all(e.at < t(2026, 11, 19, 10) for e in earlier.ticket_events + earlier.complaint_events)
    assert EventKind.REPEAT not in [e.kind for e in earlier.complaint_events]


def test_an_unhappy_reply_to_a_resolved_complaint_makes_it_a_repeat(handled, cast, clock):
    clock.move_to(t(2026, 11, 19, 9, 30))
    services.complaint_reply(
        actor=cast.reception,
        complaint=handled,
        method=ReplyMethod.PHONE,
        content="回访",
        customer_opinion="不满意，还是有味道",
        satisfied=False,
    )
    complaint = Complaint.objects.get(pk=handled.pk)
    assert complaint.is_repeat and complaint.owner == cast.supervisor
    assert complaint.ticket.status == Status.IN_PROGRESS
    assert (complaint.customer_opinion, complaint.customer_satisfied) == ("不满意，还是有味道", False)
    assert TicketEvent.objects.filter(ticket=complaint.ticket, kind="reopened").count() == 1


def test_an_open_complaint_cannot_be_reopened_and_outsiders_may_not(record, handled, cast):
    before = Complaint.objects.get(pk=handled.pk).version
    with pytest.raises(PermissionDenied):
        services.complaint_reopen_repeat(actor=cast.reception_b, complaint=handled, reason="x")
    with pytest.raises(ValidationError):
        services.complaint_reopen_repeat(actor=cast.reception, complaint=handled, reason="")
    with pytest.raises(ValidationError) as error:
        services.complaint_reopen_repeat(actor=cast.reception, complaint=record(), reason="还没处理完")
    assert "status" in error.value.message_dict
    assert Complaint.objects.get(pk=handled.pk).version == before


def test_a_new_complaint_marked_a_repeat_of_an_earlier_one(handled, record, cast, clock):
    clock.move_to(t(2026, 11, 20, 10))
    later = record(content="垃圾桶又没清运")
    with pytest.raises(ValidationError):
        services.complaint_mark_repeat_of(actor=cast.reception, complaint=later, earlier=later, reason="同一事项")
    with pytest.raises(ValidationError):
        services.complaint_mark_repeat_of(actor=cast.reception, complaint=handled, earlier=later, reason="倒置")
    later = services.complaint_mark_repeat_of(actor=cast.reception, complaint=later, earlier=handled, reason="同一事项")
    assert later.repeat_of == handled and later.is_repeat and later.owner == cast.supervisor
    earlier = selectors.earlier_handling(later)
    assert earlier.complaint == handled and [r.content for r in earlier.replies] == ["已安排保洁清运"]
    with pytest.raises(ValidationError):
        services.complaint_mark_repeat_of(actor=cast.reception, complaint=later, earlier=handled, reason="再次")


def test_the_workbench_puts_repeats_first_then_the_next_deadline(handled, record, cast, clock):
    clock.move_to(t(2026, 11, 19, 9))
    plain = record(content="电梯异响")
    clock.move_to(t(2026, 11, 19, 10))
    repeat = services.complaint_reopen_repeat(actor=cast.reception, complaint=handled, reason="又堆满了")
    rows = list(selectors.workbench(user=cast.supervisor))
    assert [r.pk for r in rows] == [repeat.pk, plain.pk]
    assert rows[1].next_due is not None
    assert list(selectors.workbench(user=cast.reception_b)) == []


def test_an_unhappy_reply_on_the_ticket_page_makes_the_complaint_a_repeat_too(handled, cast, clock):
    """The desk answers on the ticket itself (not the complaint page): the reopened complaint is still a repeat
    for the CS supervisor, with the customer's words as the reason."""
    from propdesk.tickets.services import ticket_reply

    clock.move_to(t(2026, 11, 19, 9))
    ticket_reply(
        actor=cast.reception,
        ticket=handled.ticket,
        method=ReplyMethod.PHONE,
        content="回访",
        customer_opinion="垃圾还是没人清",
        satisfied=False,
    )

    complaint = Complaint.objects.get(pk=handled.pk)
    assert complaint.ticket.status == Status.IN_PROGRESS
    assert complaint.is_repeat and complaint.repeat_count == 1
    assert complaint.owner == cast.supervisor and complaint.ticket.assignee == cast.supervisor
    assert "垃圾还是没人清" in render(complaint.events.get(kind=EventKind.REPEAT).reason)
