"""Who is told of what happens to a ticket: staff of assignment, hand-off, reopening and customers' replies
(in the inbox, by their channels); the household's residents of their request's progress, its completion
(confirm and rate) and a return visit's question, in their own language, never the person who acted."""

import pytest

from propdesk.notify.models import Notification
from propdesk.notify.services import deliver_pending, preference_update
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import ReplyMethod, Status
from propdesk.tickets.services import ticket_assign, ticket_hand_off, ticket_reply, ticket_transition
from propdesk.tickets.services.notices import resident_return_visit
from propdesk.tickets.tests.helpers import BUILT_AT, control_center, local, new_ticket

LINK = "https://wy.example.com/portal/requests/"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    return BUILT_AT


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PROPDESK_BASE_URL = "https://wy.example.com"


@pytest.fixture
def ticket(world, reception_a, clock):
    clock.move_to(local(2026, 10, 12, 9, 0))
    return new_ticket(reception_a, household=world.household_a, title="厨房水龙头漏水")


def told(kind, user=None):
    qs = Notification.objects.filter(kind=kind)
    if user is not None:
        qs = qs.filter(recipient=user)
    return sorted(qs.values_list("recipient__username", "channel"))


def test_the_assignee_is_told_and_the_assigner_is_not(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    assert told("ticket.assigned") == [("tech-a", "inapp")]
    row = Notification.objects.get(kind="ticket.assigned")
    assert row.subject_text().startswith(f"指派给您：{ticket.number} 厨房水龙头漏水")


def test_the_control_center_on_duty_is_told_of_a_hand_off(world, ticket, reception_a):
    operator = role_user(
        Role.CONTROL_OPERATOR, world.center_a, username="cc-a", department=control_center(world.center_a)
    )
    ticket_hand_off(actor=reception_a, ticket=ticket, reason="请派维修")
    assert told("ticket.handed_off") == [("cc-a", "inapp")]
    assert operator.notifications.get().url == f"/tickets/{ticket.pk}/"


def test_the_person_concerned_is_told_of_a_reopening_and_of_a_customer_reply(ticket, reception_a, technician_a, staff):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    ticket_transition(actor=technician_a, ticket=ticket, to_status=Status.RESOLVED, reason="已更换阀芯")
    supervisor = staff(Role.CS_SUPERVISOR)

    ticket_reply(
        actor=supervisor,
        ticket=ticket,
        method=ReplyMethod.PHONE,
        content="回访",
        satisfied=False,
        customer_opinion="还在滴水",
    )

    assert told("ticket.reopened") == [("tech-a", "inapp")]
    ticket_reply(
        actor=supervisor,
        ticket=ticket,
        method=ReplyMethod.PHONE,
        content="再次回访",
        customer_opinion="师傅下午再来看看",
    )
    assert told("ticket.customer") == [("tech-a", "inapp")]


def test_residents_are_told_of_progress_and_completion_by_sms_and_in_app(
    ticket, reception_a, technician_a, resident_user_a, sms_outbox
):
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.IN_PROGRESS, reason="已派维修")
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    ticket_transition(actor=technician_a, ticket=ticket, to_status=Status.RESOLVED, reason="已更换阀芯")

    assert told("request.status") == [("zhangwei", "inapp"), ("zhangwei", "sms")]
    assert told("request.completed") == [("zhangwei", "inapp"), ("zhangwei", "sms")]
    # the staff-only assignment is not the resident's business
    assert told("ticket.assigned", resident_user_a) == []
    deliver_pending()
    assert [(m.phone, m.text) for m in sms_outbox] == [
        ("13812345678", f"您的诉求 {ticket.number} 正在处理：厨房水龙头漏水 {LINK}{ticket.pk}/"),
        ("13812345678", f"您的诉求 {ticket.number} 已办结，请确认并评价：厨房水龙头漏水 {LINK}{ticket.pk}/"),
    ]
    # never an internal note ("已更换阀芯" is the staff's reason)
    assert all("阀芯" not in m.text for m in sms_outbox)


def test_a_resident_who_chose_english_reads_english(ticket, reception_a, resident_user_a, sms_outbox):
    preference_update(actor=resident_user_a, channels={"request": ["sms"]}, language="en")
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED, reason="已处理")
    deliver_pending()
    assert [m.text for m in sms_outbox] == [
        f"Your request {ticket.number} is resolved; please confirm and rate it: 厨房水龙头漏水 {LINK}{ticket.pk}/"
    ]


def test_a_resident_who_switched_sms_off_is_told_in_app_only(ticket, reception_a, resident_user_a):
    preference_update(actor=resident_user_a, channels={"request": []})
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED, reason="已处理")
    assert told("request.completed") == [("zhangwei", "inapp")]


def test_a_household_without_portal_logins_is_not_told(ticket, reception_a):
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED, reason="已处理")
    assert not Notification.objects.filter(kind__startswith="request.").exists()


def test_a_return_visit_question_reaches_the_resident(ticket, reception_a, resident_user_a, sms_outbox):
    resident_return_visit(ticket, actor=reception_a, key="rv1")
    resident_return_visit(ticket, actor=reception_a, key="rv1")  # the same visit: once
    deliver_pending()
    assert [m.text for m in sms_outbox] == [
        f"回访：您对诉求 {ticket.number}（厨房水龙头漏水）的处理满意吗？请回复或在住户服务中评价。 {LINK}{ticket.pk}/"
    ]
