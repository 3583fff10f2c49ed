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
        follow=True,
    )
    # then one ticket exists, owned by the control center, with him as first responder
    assert response.redirect_chain == [(URL, 302)]
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
    assert "翠湖花园没有楼栋“99”（已登记的楼栋：3栋）" in response.content.decode()
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


# --- a walk-through as receptionist: the form says what it does, and does it once ---------------------------


@pytest.fixture
def second_community(world):
    """A second community of center A, so that center staff serve two."""
    from propdesk.testing.factories import CommunityFactory

    return CommunityFactory(service_center=world.center_a, name="翠湖二期", code="cuihu2")


def community_options(page: str) -> str:
    return page.split('name="community"', 1)[1].split("</select>", 1)[0]


def test_with_two_communities_none_is_chosen_for_the_user(client, world, control, second_community):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    options = community_options(client.get(URL).content.decode())

    assert '<option value="" selected>请选择小区</option>' in options
    assert " selected>翠湖花园" not in options
    assert " selected>翠湖二期" not in options


def test_with_one_community_it_is_chosen(client, world, control):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, community=world.community_a))

    options = community_options(client.get(URL).content.decode())

    assert f'<option value="{world.community_a.pk}" selected>翠湖花园</option>' in options
    assert "请选择小区" not in options


def test_no_community_chosen_is_refused(client, world, control, second_community):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    response = client.post(URL, {"community": "", "room": "3-2-1202", "content": "楼道灯不亮"})

    assert response.status_code == 400
    assert "请选择小区" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_after_success_the_form_is_empty_and_a_reload_sends_nothing(client, world, control, second_community):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))
    post = {
        "community": world.community_a.pk,
        "room": "3-2-1202",
        "content": "楼道灯不亮",
        "contact_name": "张伟",
        "contact_phone": "13812345678",
    }

    response = client.post(URL, post, follow=True)

    page = response.content.decode()
    ticket = Ticket.objects.get()
    assert f"已转交控制中心：{ticket.number}" in page
    # the fields are empty again: nothing to send a second time by accident
    for value in ("3-2-1202", "楼道灯不亮", "张伟", "13812345678"):
        assert f'value="{value}"' not in page and f">{value}</textarea>" not in page
    assert '<option value="" selected>请选择小区</option>' in page
    # reloading the page (a GET) neither records again nor repeats the banner
    again = client.get(URL).content.decode()
    assert Ticket.objects.count() == 1
    assert "已转交控制中心：" not in again


@pytest.mark.parametrize(
    ("room", "message"),
    [
        # written the right way, but the room is not in this community: say so, not "write it as 3-2-1202"
        ("3-2-1203", "翠湖花园没有房号“3-2-1203”，请核对单元和房号"),
        ("3栋2单元1203", "翠湖花园没有房号“3栋2单元1203”，请核对单元和房号"),
        ("7-1-101", "翠湖花园没有楼栋“7”（已登记的楼栋：3栋）"),
        ("楼下大门", "房号“楼下大门”无法识别，请写成 3-2-1202 或 3栋2单元1202"),
    ],
)
def test_a_room_error_says_what_is_wrong(client, world, control, room, message):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    response = client.post(URL, {"community": world.community_a.pk, "room": room, "content": "楼道灯不亮"})

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "请写成 3-2-1202）" not in page
    assert Ticket.objects.count() == 0


def test_a_room_of_another_community_is_named_as_missing_there(client, world, control, second_community):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    response = client.post(URL, {"community": second_community.pk, "room": "3-2-1202", "content": "楼道灯不亮"})

    assert "翠湖二期没有楼栋“3”" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_public_place_is_recorded_as_the_location(client, world, control):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    client.post(
        URL, {"community": world.community_a.pk, "location": "地库 B2 层", "kind": "repair", "content": "照明灯不亮"}
    )

    ticket = Ticket.objects.get()
    assert (ticket.community, ticket.unit, ticket.household, ticket.location) == (
        world.community_a,
        None,
        None,
        "地库 B2 层",
    )
    assert ticket.team == control
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "翠湖花园 地库 B2 层" in page


def test_neither_room_nor_place_is_refused(client, world, control):
    client.force_login(staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a))

    response = client.post(URL, {"community": world.community_a.pk, "content": "照明灯不亮"})

    assert response.status_code == 400
    assert "请填写房号，或公共区域的位置（如：地库 B2、3栋大堂、全小区）" in response.content.decode()
    assert Ticket.objects.count() == 0
