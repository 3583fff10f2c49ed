"""The person concerned hears of a ticket in their inbox, in the transaction of the change, once:

* an assignee when the ticket is given to them;
* the control center's operators on duty when it is handed to them (all its operators when nobody is on duty);
* whoever answers for it when it is reopened, or when the customer comes back — calls again about it, or gives
  their opinion of a reply.

Never the person who made the change; a retried change (the same key) never notifies twice.
"""

import pytest

from propdesk.dispatch.models import DutyStatus
from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import ReplyMethod, Status
from propdesk.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_hand_off,
    ticket_reply,
    ticket_transition,
)

from .helpers import control_center, local, new_ticket, walk_to

NOW = local(2026, 11, 22, 10, 0)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def ticket(world, clock, reception_a):
    clock.move_to(NOW)
    return new_ticket(reception_a, household=world.household_a, content="卫生间下水道堵了，水漫出来")


@pytest.fixture
def control(world):
    return control_center(world.center_a)


@pytest.fixture
def operators(world, control):
    return [
        staff_user(f"operator-{n}", Role.CONTROL_OPERATOR, center=world.center_a, department=control) for n in (1, 2)
    ]


def inbox(kind: str | None = None) -> list[tuple[int, str]]:
    """(recipient, subject) of the in-app messages about tickets, oldest first."""
    rows = Notification.objects.filter(channel=NotifyChannel.INAPP, kind__startswith=kind or "ticket.")
    return [(n.recipient_id, n.subject_text()) for n in rows.order_by("pk")]


def test_the_assignee_is_told_with_what_and_where(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    assert inbox() == [
        (technician_a.pk, f"指派给您：{ticket.number} 卫生间下水道堵了，水漫出来（翠湖花园 3栋2单元1202）")
    ]
    row = Notification.objects.get(kind="ticket.assigned")
    assert (row.url, row.body) == (f"/tickets/{ticket.pk}/", "卫生间下水道堵了，水漫出来")


def test_assigning_oneself_tells_nobody(ticket, reception_a):
    supervisor = staff_user(
        "supervisor-a", Role.CS_SUPERVISOR, center=reception_a.staff_profile.department.service_center
    )
    ticket_assign(actor=supervisor, ticket=ticket, assignee=supervisor)

    assert inbox() == []


def test_a_hand_off_tells_the_operators_on_duty(world, ticket, reception_a, operators):
    # given only the first operator is checked in at center A
    DutyStatus.objects.create(user=operators[0], service_center=world.center_a, on_duty=True)

    ticket_hand_off(actor=reception_a, ticket=ticket)

    assert inbox() == [
        (operators[0].pk, f"转交控制中心：{ticket.number} 卫生间下水道堵了，水漫出来（翠湖花园 3栋2单元1202）")
    ]


def test_a_hand_off_tells_every_operator_when_nobody_is_on_duty(ticket, reception_a, operators):
    ticket_hand_off(actor=reception_a, ticket=ticket)

    assert [who for who, _subject in inbox()] == [operators[0].pk, operators[1].pk]


def test_a_reopened_ticket_tells_its_assignee(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    walk_to(ticket, Status.RESOLVED, reception_a)

    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.IN_PROGRESS, reason="客户说还在漏")

    assert inbox("ticket.reopened") == [(technician_a.pk, f"工单重新打开：{ticket.number} 卫生间下水道堵了，水漫出来")]
    assert Notification.objects.get(kind="ticket.reopened").body == "客户说还在漏"


def test_an_unhappy_customer_reopens_once_and_tells_once(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    walk_to(ticket, Status.RESOLVED, reception_a)

    ticket_reply(
        actor=reception_a,
        ticket=ticket,
        method=ReplyMethod.PHONE,
        content="回访",
        customer_opinion="还是堵",
        satisfied=False,
    )

    assert [
        (who, kind)
        for who, kind in Notification.objects.filter(kind__startswith="ticket.")
        .exclude(kind="ticket.assigned")
        .values_list("recipient_id", "kind")
    ] == [(technician_a.pk, "ticket.reopened")]


def test_the_customers_opinion_of_a_reply_tells_the_assignee(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    ticket_reply(
        actor=reception_a, ticket=ticket, method=ReplyMethod.PHONE, content="明早九点上门", customer_opinion="九点可以"
    )

    assert inbox("ticket.customer") == [(technician_a.pk, f"客户回复：{ticket.number} 卫生间下水道堵了，水漫出来")]
    assert Notification.objects.get(kind="ticket.customer").body == "九点可以"


def test_a_reply_without_the_customers_answer_tells_nobody(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    ticket_reply(actor=reception_a, ticket=ticket, method=ReplyMethod.PHONE, content="已安排明早上门")

    assert inbox("ticket.customer") == []


def test_a_customer_calling_again_tells_the_control_center_that_holds_the_ticket(ticket, reception_a, operators):
    ticket_hand_off(actor=reception_a, ticket=ticket)
    Notification.objects.all().delete()

    ticket_add_note(actor=reception_a, ticket=ticket, text="客户再次电话：水越来越多了", interaction=41)

    assert inbox() == [(op.pk, f"客户回复：{ticket.number} 卫生间下水道堵了，水漫出来") for op in operators]


def test_a_plain_internal_note_tells_nobody(ticket, reception_a, technician_a):
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    ticket_add_note(actor=reception_a, ticket=ticket, text="已备好配件")

    assert inbox("ticket.customer") == []


def test_the_first_responder_hears_of_the_customer_when_nobody_else_holds_the_ticket(ticket, reception_a, world):
    # given the ticket is the receptionist's own (she recorded it); her colleague takes the customer's call
    colleague = staff_user("reception-a2", Role.RECEPTIONIST, center=world.center_a)

    ticket_add_note(actor=colleague, ticket=ticket, text="客户再次来电催促", interaction=42)

    assert inbox() == [(reception_a.pk, f"客户回复：{ticket.number} 卫生间下水道堵了，水漫出来")]


def test_the_same_change_never_notifies_twice(ticket, reception_a):
    colleague = staff_user("reception-a2", Role.RECEPTIONIST, center=ticket.service_center)

    # the same follow-up call recorded twice (a retried request): one message
    ticket_add_note(actor=colleague, ticket=ticket, text="客户再次来电催促", interaction=43)
    ticket_add_note(actor=colleague, ticket=ticket, text="客户再次来电催促", interaction=43)

    assert len(inbox()) == 1
