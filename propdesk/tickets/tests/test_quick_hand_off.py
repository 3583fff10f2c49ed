"""Any employee passes a resident's request to the control center in one step (R-IN-2, R-IN-5)."""

import pytest

from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket

URL = "/tickets/hand-off/"


@pytest.fixture
def control(world):
    return Department.objects.create(
        company=world.company, service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )


def test_a_technician_hands_a_request_to_the_control_center(client, world, control):
    # given a technician who is told about a broken light by a resident
    tech = staff_user("tech-a", Role.TECHNICIAN, center=world.center_a)
    client.force_login(tech)
    # when he records it on the hand-off page
    response = client.post(
        URL,
        {"community": world.community_a.pk, "room": "3栋2单元1202", "kind": "repair", "content": "楼道灯不亮"},
    )
    # then one ticket exists, owned by the control center, with him as first responder
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.first_responder == tech
    assert ticket.assignee is None
    assert ticket.team == control
    assert ticket.unit == world.household_a.unit
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.HANDED_OFF]
    assert ticket.number in response.content.decode()


def test_an_unknown_room_is_refused_and_nothing_is_recorded(client, world, control):
    client.force_login(staff_user("tech-a", Role.TECHNICIAN, center=world.center_a))
    response = client.post(URL, {"community": world.community_a.pk, "room": "99-9-999", "content": "楼道灯不亮"})
    assert response.status_code == 400
    assert "该小区没有这个房号" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_another_centers_community_cannot_be_chosen(client, world, control):
    client.force_login(staff_user("tech-a", Role.TECHNICIAN, center=world.center_a))
    response = client.post(URL, {"community": world.community_b.pk, "content": "楼道灯不亮"})
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_residents_cannot_use_the_page(client, world):
    # given a resident with a login
    from propdesk.testing.factories import UserFactory

    resident_login = UserFactory(username="owner-a")
    world.resident_a.user = resident_login
    world.resident_a.save(update_fields=["user"])
    client.force_login(resident_login)
    # when / then
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"community": world.community_a.pk, "content": "x"}).status_code == 403
    assert Ticket.objects.count() == 0


def test_staff_are_offered_only_their_own_communities(client, world):
    client.force_login(staff_user("rec-b", Role.RECEPTIONIST, center=world.center_b))
    page = client.get(URL).content.decode()
    assert world.community_b.name in page
    assert world.community_a.name not in page
