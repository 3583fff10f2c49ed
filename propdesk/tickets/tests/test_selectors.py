"""ticket_list: who sees what (scoping), the filters, and the one search box (number, phone, room, text)."""

import datetime as dt

import pytest

from propdesk.core.scoping import invalidate_scope
from propdesk.testing.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
    UserFactory,
)
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.selectors import ticket_list
from propdesk.tickets.services import ticket_assign, ticket_transition

from .helpers import local, new_ticket

NOW = local(2026, 11, 23, 12, 0)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def neighbour(world):
    """A second household of 翠湖花园: 5栋1单元101, 赵敏 13600000002."""
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="5栋"), entrance="1单元", number="101"
    )
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name="赵敏", phone="13600000002")
    return household


@pytest.fixture
def tickets(world, now, reception_a, reception_b, neighbour):
    """Tickets of both centers, all received today (23 November) except where stated."""
    return {
        "a_leak": new_ticket(
            reception_a, household=world.household_a, resident=world.resident_a, content="厨房水龙头漏水"
        ),
        "a_noise": new_ticket(
            reception_a,
            household=world.household_a,
            resident=world.resident_a,
            kind=Kind.COMPLAINT,
            content="楼上装修噪音扰民",
        ),
        "a_neighbour": new_ticket(
            reception_a, household=neighbour, contact_phone="13600000002", content="门禁卡失灵，进不了单元门"
        ),
        # The same caller phone and the same words in the other center: search must not cross over.
        "b_leak": new_ticket(
            reception_b, household=world.household_b, contact_phone="13812345678", content="卫生间水管漏水"
        ),
    }


def numbers(queryset) -> list[str]:
    return sorted(queryset.values_list("number", flat=True))


# --- scoping ------------------------------------------------------------------------------------------


def test_numbers_of_the_fixture(tickets):
    assert {k: t.number for k, t in tickets.items()} == {
        "a_leak": "BX-20261123-0001",
        "a_noise": "TS-20261123-0001",
        "a_neighbour": "BX-20261123-0002",
        "b_leak": "BX-20261123-0001",
    }


def test_receptionist_sees_own_center_only(tickets, reception_a, reception_b):
    assert list(ticket_list(user=reception_b)) == [tickets["b_leak"]]
    assert {t.pk for t in ticket_list(user=reception_a)} == {
        tickets["a_leak"].pk,
        tickets["a_noise"].pk,
        tickets["a_neighbour"].pk,
    }


def test_technician_sees_only_tickets_assigned_to_them(tickets, reception_a, technician_a):
    assert list(ticket_list(user=technician_a)) == []

    ticket_assign(actor=reception_a, ticket=tickets["a_leak"], assignee=technician_a)

    assert list(ticket_list(user=technician_a)) == [tickets["a_leak"]]


def test_resident_sees_only_their_household(world, tickets):
    user = UserFactory(username="zhaomin")
    resident = world.household_a.residents.get()
    resident.user = user
    resident.save(update_fields=["user"])

    assert numbers(ticket_list(user=user)) == ["BX-20261123-0001", "TS-20261123-0001"]
    assert {t.household_id for t in ticket_list(user=user)} == {world.household_a.pk}


def test_newest_received_first(world, tickets, reception_a):
    late_paper = new_ticket(
        reception_a, household=world.household_a, content="昨天的纸质记录", received_at=local(2026, 11, 22, 18, 0)
    )

    assert list(ticket_list(user=reception_a)) == [
        tickets["a_neighbour"],
        tickets["a_noise"],
        tickets["a_leak"],
        late_paper,
    ]


# --- filters ------------------------------------------------------------------------------------------


def test_filter_by_status(tickets, reception_a):
    ticket_transition(actor=reception_a, ticket=tickets["a_noise"], to_status=Status.IN_PROGRESS)

    assert list(ticket_list(user=reception_a, status=Status.IN_PROGRESS)) == [tickets["a_noise"]]
    assert numbers(ticket_list(user=reception_a, status=[Status.NEW])) == ["BX-20261123-0001", "BX-20261123-0002"]
    assert list(ticket_list(user=reception_a, status=Status.CLOSED)) == []


def test_filter_by_kind(tickets, reception_a):
    assert list(ticket_list(user=reception_a, kind=Kind.COMPLAINT)) == [tickets["a_noise"]]
    assert numbers(ticket_list(user=reception_a, kind=[Kind.REPAIR])) == ["BX-20261123-0001", "BX-20261123-0002"]


def test_filter_by_community(world, tickets, reception_a):
    # given a second community run by center A
    lakeside = CommunityFactory(service_center=world.center_a, name="翠湖二期", code="cuihu2")
    unit = UnitFactory(building=BuildingFactory(community=lakeside, name="1栋"), entrance="", number="301")
    invalidate_scope(reception_a)  # the scope cached on the user predates the new community
    lakeside_ticket = new_ticket(reception_a, household=HouseholdFactory(unit=unit), content="电梯异响")

    assert list(ticket_list(user=reception_a, community_id=lakeside.pk)) == [lakeside_ticket]
    assert len(ticket_list(user=reception_a, community_id=world.community_a.pk)) == 3
    # a community the user cannot see yields nothing, not the other center's tickets
    assert list(ticket_list(user=reception_a, community_id=world.community_b.pk)) == []


@pytest.fixture
def around_midnight(world, now, reception_a):
    """Four paper records around the night of 21/22 and 22/23 November, entered at noon on the 23rd."""
    made = {}
    for key, at in {
        "21_2350": local(2026, 11, 21, 23, 50),
        "22_0010": local(2026, 11, 22, 0, 10),  # still 21 November in UTC
        "22_2350": local(2026, 11, 22, 23, 50),
        "23_0005": local(2026, 11, 23, 0, 5),  # still 22 November in UTC
    }.items():
        made[key] = new_ticket(reception_a, household=world.household_a, content=f"补录 {key}", received_at=at)
    return made


def test_date_range_is_in_local_days(around_midnight, reception_a):
    day = dt.date(2026, 11, 22)

    found = ticket_list(user=reception_a, received_from=day, received_to=day)

    assert list(found) == [around_midnight["22_2350"], around_midnight["22_0010"]]


def test_date_range_open_ends(around_midnight, reception_a):
    assert list(ticket_list(user=reception_a, received_from=dt.date(2026, 11, 23))) == [around_midnight["23_0005"]]
    assert list(ticket_list(user=reception_a, received_to=dt.date(2026, 11, 21))) == [around_midnight["21_2350"]]


# --- search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["BX-20261123-0001", "bx-20261123-0001", " BX-20261123-0001 "])
def test_search_by_full_number(tickets, reception_a, query):
    assert list(ticket_list(user=reception_a, query=query)) == [tickets["a_leak"]]


def test_search_by_number_prefix(world, tickets, reception_a):
    assert numbers(ticket_list(user=reception_a, query="BX-2026")) == ["BX-20261123-0001", "BX-20261123-0002"]
    assert numbers(ticket_list(user=reception_a, query="TS-2026")) == ["TS-20261123-0001"]
    assert numbers(ticket_list(user=reception_a, query="BX-20261122")) == []


@pytest.mark.parametrize("query", ["13812345678", "1381234", "138 1234 5678", "138-1234-5678"])
def test_search_by_phone(tickets, reception_a, query):
    assert numbers(ticket_list(user=reception_a, query=query)) == ["BX-20261123-0001", "TS-20261123-0001"]


@pytest.mark.parametrize("query", ["+86 138 1234 5678", "+8613812345678"])
def test_search_by_phone_with_country_code(tickets, reception_a, query):
    assert numbers(ticket_list(user=reception_a, query=query)) == ["BX-20261123-0001", "TS-20261123-0001"]


def test_search_by_resident_phone_when_contact_phone_differs(world, now, reception_a):
    # the caller gave another number, but the ticket is about resident 张伟 (13812345678)
    ticket = new_ticket(
        reception_a, household=world.household_a, resident=world.resident_a, contact_phone="13900001111"
    )

    assert list(ticket_list(user=reception_a, query="1381234")) == [ticket]
    assert list(ticket_list(user=reception_a, query="13900001111")) == [ticket]


@pytest.mark.parametrize("query", ["3-2-1202", "3栋2单元1202", "3/2/1202"])
def test_search_by_room(tickets, reception_a, query):
    assert numbers(ticket_list(user=reception_a, query=query)) == ["BX-20261123-0001", "TS-20261123-0001"]


def test_search_by_room_with_seven_digits(world, now, reception_a):
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="12栋"), entrance="2单元", number="1202"
    )
    ticket = new_ticket(reception_a, household=HouseholdFactory(unit=unit), content="空调外机滴水")

    assert list(ticket_list(user=reception_a, query="12栋2单元1202")) == [ticket]
    assert list(ticket_list(user=reception_a, query="12-2-1202")) == [ticket]


def test_search_by_chinese_text(tickets, reception_a):
    assert list(ticket_list(user=reception_a, query="漏水")) == [tickets["a_leak"]]
    assert list(ticket_list(user=reception_a, query="门禁卡")) == [tickets["a_neighbour"]]
    assert list(ticket_list(user=reception_a, query="停车位")) == []


@pytest.mark.parametrize("query", ["漏水", "13812345678", "1381234", "BX-2026", "BX-20261123-0001"])
def test_search_never_crosses_scope(tickets, reception_a, reception_b, query):
    found_b = list(ticket_list(user=reception_b, query=query))
    found_a = list(ticket_list(user=reception_a, query=query))

    assert found_b == [tickets["b_leak"]]
    assert tickets["b_leak"] not in found_a
    assert all(t.service_center_id == tickets["a_leak"].service_center_id for t in found_a)
    assert found_a != []


def test_search_combines_with_filters(tickets, reception_a):
    assert list(ticket_list(user=reception_a, query="13812345678", kind=Kind.COMPLAINT)) == [tickets["a_noise"]]


def test_a_building_alone_finds_the_buildings_tickets(world, now, reception_a, neighbour):
    # given tickets of rooms in 3栋, 5栋 and 13栋, and one of 3栋's lobby (a public place, no room)
    in_3 = new_ticket(reception_a, household=world.household_a, content="厨房水龙头漏水")
    in_5 = new_ticket(reception_a, household=neighbour, content="门禁卡失灵")
    unit_13 = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="13栋"), entrance="1单元", number="301"
    )
    in_13 = new_ticket(reception_a, household=HouseholdFactory(unit=unit_13), content="阳台漏水")
    lobby = new_ticket(reception_a, community=world.community_a, location="3栋大堂", content="大堂吊灯不亮")

    def found(query: str) -> set:
        return set(ticket_list(user=reception_a, query=query))

    # then "3栋" alone finds the rooms of 3栋 and its lobby, not 13栋; other ways of writing a building work too
    assert found("3栋") == {in_3, lobby}
    assert found("3号楼") == {in_3}
    assert found("５栋") == {in_5}
    assert found("13栋") == {in_13}
    # a building and an entrance narrow it to that entrance
    assert found("3栋2单元") == {in_3}
    assert found("3栋1单元") == set()
