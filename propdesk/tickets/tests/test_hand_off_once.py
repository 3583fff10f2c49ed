"""A ticket is handed to the control center once (R-IN-2): the page stops offering "转交控制中心" once it lies
there, and a second hand-off to the same control center — a double click, a page opened before a colleague
handed it off, a retried API call — is refused with a clear message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.org.choices import Role
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import EventKind
from propdesk.tickets.services import ticket_assign, ticket_hand_off

from .helpers import control_center, error_codes, local, new_ticket, snapshot

NOW = local(2026, 11, 22, 10, 0)
LATER = local(2026, 11, 22, 10, 7)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def handed(world, clock, reception_a):
    """A repair the receptionist recorded at 10:00 and handed to the control center at 10:07."""
    control = control_center(world.center_a)
    clock.move_to(NOW)
    ticket = new_ticket(reception_a, household=world.household_a, content="卫生间下水道堵了")
    clock.move_to(LATER)
    ticket_hand_off(actor=reception_a, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.team == control
    return ticket


def hand_offs(ticket) -> int:
    return ticket.events.filter(kind=EventKind.HANDED_OFF).count()


def test_a_second_hand_off_is_refused_and_changes_nothing(handed, reception_a):
    before = snapshot(handed)

    with pytest.raises(ValidationError) as refused:
        ticket_hand_off(actor=reception_a, ticket=handed, reason="再转一次")

    assert error_codes(refused.value) == {"already_handed_off"}
    assert refused.value.message_dict == {"team": ["该工单已于 11-22 10:07 转交控制中心，无需再次转交"]}
    assert snapshot(handed) == before
    assert hand_offs(handed) == 1


def test_a_ticket_given_to_an_operator_is_not_handed_off_again(world, handed, reception_a):
    # given the control center gave the ticket to one of its operators
    operator = staff_user("operator-a", Role.CONTROL_OPERATOR, center=world.center_a, department=handed.team)
    ticket_assign(actor=operator, ticket=handed, assignee=operator)
    handed.refresh_from_db()
    before = snapshot(handed)

    with pytest.raises(ValidationError) as refused:
        ticket_hand_off(actor=reception_a, ticket=handed)

    assert error_codes(refused.value) == {"already_handed_off"}
    assert snapshot(handed) == before


def test_a_ticket_the_control_center_passed_to_another_department_may_come_back(handed, reception_a, technician_a):
    # given the control center gave it to a technician, who finds it is not his to do
    ticket_assign(actor=reception_a, ticket=handed, assignee=technician_a)

    ticket_hand_off(actor=technician_a, ticket=handed, reason="不属于维修，请重新派单")

    handed.refresh_from_db()
    assert (handed.team.kind, handed.assignee) == ("control_center", None)
    assert hand_offs(handed) == 2


def test_the_ticket_page_stops_offering_the_hand_off(client, world, clock, reception_a):
    control_center(world.center_a)
    clock.move_to(NOW)
    ticket = new_ticket(reception_a, household=world.household_a)
    client.force_login(reception_a)
    url = reverse("tickets:hand_off", args=[ticket.pk])
    assert url in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    # when she hands it off from the page
    clock.move_to(LATER)
    response = client.post(url, {}, follow=True)

    # then the page she lands on no longer offers the button and says where the ticket is
    page = response.content.decode()
    assert url not in page
    assert ">转交控制中心</button>" not in page
    assert "已于 11-22 10:07 转交控制中心" in page


def test_pressing_it_again_from_an_old_page_says_why_and_logs_nothing(client, handed, reception_a):
    client.force_login(reception_a)
    before = snapshot(handed)

    response = client.post(reverse("tickets:hand_off", args=[handed.pk]), {}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["该工单已于 11-22 10:07 转交控制中心，无需再次转交"]
    assert snapshot(handed) == before
    assert hand_offs(handed) == 1


def test_the_api_refuses_a_second_hand_off_on_the_field(handed, reception_a):
    from propdesk.api.tests.conftest import bearer

    before = snapshot(handed)

    response = bearer(reception_a).post(f"/api/v1/tickets/{handed.pk}/hand-off", {})

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"field": "team", "message": "该工单已于 11-22 10:07 转交控制中心，无需再次转交"}
    ]
    assert snapshot(handed) == before
