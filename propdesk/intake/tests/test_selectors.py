"""desk_lookup: a phone, a room or a name → households with residents, open tickets and recent contacts,
scoped to the user, in a constant number of queries (R-IN-4, R-CV-1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.core.scoping import invalidate_scope
from propdesk.intake.choices import Outcome
from propdesk.intake.selectors import desk_lookup
from propdesk.intake.services import interaction_record
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.tickets.choices import Channel, Kind, Status
from propdesk.tickets.tests.helpers import local, new_ticket, walk_to

NOW = local(2026, 11, 22, 10, 0)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


def consultation(actor, household, resident, content: str, *, received_at=None):
    return interaction_record(
        actor=actor,
        channel=Channel.PHONE,
        kind=Kind.CONSULTATION,
        content=content,
        household=household,
        resident=resident,
        outcome=Outcome.ANSWERED,
        outcome_note="已答复",
        received_at=received_at,
    )


def add_household(community, building: str, entrance: str, number: str, name: str, phone: str):
    unit = UnitFactory(building=BuildingFactory(community=community, name=building), entrance=entrance, number=number)
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name=name, phone=phone)
    return household


# --- what a query finds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("13812345678", "phone"),
        ("1381234", "phone"),
        ("+86 138 1234 5678", "phone"),
        ("138-1234-5678", "phone"),
        ("3-2-1202", "room"),
        ("3栋2单元1202", "room"),
        ("1202", "room"),
        ("张伟", "name"),
    ],
)
def test_lookup_finds_the_household(world, now, reception_a, query, kind):
    result = desk_lookup(user=reception_a, query=query)

    assert result.kind == kind
    assert result.households == [world.household_a]
    assert result.truncated is False
    household = result.households[0]
    assert household.lookup_residents == [world.resident_a]
    assert household.unit.building.community == world.community_a


def test_lookup_lists_every_resident_of_the_household(world, now, reception_a):
    spouse = ResidentFactory(household=world.household_a, name="王芳", phone="13700000003", relation="family")

    household = desk_lookup(user=reception_a, query="3-2-1202").households[0]

    assert {r.pk for r in household.lookup_residents} == {world.resident_a.pk, spouse.pk}


@pytest.mark.parametrize("query", ["", "   ", "13900000000", "9-9-999", "无名氏"])
def test_lookup_without_match_returns_nothing(world, now, reception_a, query):
    result = desk_lookup(user=reception_a, query=query)

    assert result.households == []


def test_lookup_returns_open_tickets_only(world, now, reception_a):
    # given one open, one in progress, one resolved and one closed ticket of the household
    fresh = new_ticket(reception_a, household=world.household_a, content="厨房水龙头漏水")
    working = walk_to(
        new_ticket(reception_a, household=world.household_a, content="门铃坏了"), Status.IN_PROGRESS, reception_a
    )
    walk_to(new_ticket(reception_a, household=world.household_a, content="灯不亮"), Status.RESOLVED, reception_a)
    walk_to(new_ticket(reception_a, household=world.household_a, content="窗户漏风"), Status.CLOSED, reception_a)

    household = desk_lookup(user=reception_a, query="13812345678").households[0]

    assert {t.pk for t in household.lookup_open_tickets} == {fresh.pk, working.pk}
    assert household.lookup_open_total == 2


def test_lookup_shows_at_most_five_open_tickets_but_counts_all(world, clock, now, reception_a):
    made = []
    for minute in range(7):
        clock.move_to(NOW + dt.timedelta(minutes=minute))
        made.append(new_ticket(reception_a, household=world.household_a, content=f"报修 {minute}"))

    household = desk_lookup(user=reception_a, query="3-2-1202").households[0]

    assert household.lookup_open_tickets == list(reversed(made))[:5]
    assert household.lookup_open_total == 7


def test_lookup_returns_the_five_most_recent_interactions(world, clock, now, reception_a):
    made = []
    for hour in range(7):
        clock.move_to(NOW + dt.timedelta(hours=hour))
        made.append(consultation(reception_a, world.household_a, world.resident_a, f"第 {hour} 次来电"))

    household = desk_lookup(user=reception_a, query="13812345678").households[0]

    assert household.lookup_recent == list(reversed(made))[:5]


def test_each_household_gets_its_own_recent_interactions(world, clock, now, reception_a):
    # given two households with room number 1202; the other one called ten times after 张伟's two calls
    other = add_household(world.community_a, "6栋", "1单元", "1202", "周杰", "13500000006")
    resident = other.residents.get()
    invalidate_scope(reception_a)
    mine = [consultation(reception_a, world.household_a, world.resident_a, f"张伟 {i}") for i in range(2)]
    for i in range(10):
        clock.move_to(NOW + dt.timedelta(minutes=10 + i))
        consultation(reception_a, other, resident, f"周杰 {i}")

    result = desk_lookup(user=reception_a, query="1202")

    by_pk = {h.pk: h for h in result.households}
    assert len(by_pk[other.pk].lookup_recent) == 5
    assert {i.pk for i in by_pk[world.household_a.pk].lookup_recent} == {i.pk for i in mine}


# --- scope and moved-out households --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["13812345678", "1381234", "3-2-1202", "3栋2单元1202", "1202", "张伟"])
def test_another_center_finds_nothing(world, now, reception_b, query):
    assert desk_lookup(user=reception_b, query=query).households == []


def test_other_center_lookup_sees_no_tickets_or_contacts_of_shared_phone(world, now, reception_a, reception_b):
    # given 李娜 of center B calls center A's desk about her own flat: nothing of B leaks to A
    new_ticket(reception_b, household=world.household_b, content="阳台漏水")

    assert desk_lookup(user=reception_a, query="13987654321").households == []
    household = desk_lookup(user=reception_b, query="13987654321").households[0]
    assert household == world.household_b
    assert household.lookup_open_total == 1


@pytest.fixture
def moved_out(world):
    """9栋1单元902: 王芳 moved out in October; 赵敏 lives there now."""
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="9栋"), entrance="1单元", number="902"
    )
    old = HouseholdFactory(unit=unit, is_active=False, moved_out=dt.date(2026, 10, 15))
    ResidentFactory(household=old, name="王芳", phone="13700000001")
    new = HouseholdFactory(unit=unit)
    ResidentFactory(household=new, name="赵敏", phone="13600000002")
    return old, new


@pytest.mark.parametrize("query", ["13700000001", "1370000", "王芳"])
def test_moved_out_household_is_not_returned(world, now, reception_a, moved_out, query):
    assert desk_lookup(user=reception_a, query=query).households == []


def test_room_of_a_moved_out_household_shows_the_current_one(world, now, reception_a, moved_out):
    _old, new = moved_out
    invalidate_scope(reception_a)

    assert desk_lookup(user=reception_a, query="9-1-902").households == [new]


def test_room_code_with_seven_digits(world, now, reception_a):
    household = add_household(world.community_a, "12栋", "2单元", "1202", "孙丽", "13500000012")

    assert desk_lookup(user=reception_a, query="12栋2单元1202").households == [household]
    result = desk_lookup(user=reception_a, query="12-2-1202")
    assert (result.kind, result.households) == ("room", [household])
    # a mobile written in groups is still a phone
    assert desk_lookup(user=reception_a, query="135-0000-0012").households == [household]


def test_more_than_ten_households_are_truncated(world, now, reception_a):
    for i in range(11):
        add_household(world.community_a, f"{20 + i}栋", "1单元", "501", f"住户{i}", f"1390000{i:04d}")

    result = desk_lookup(user=reception_a, query="1390000")

    assert len(result.households) == 10
    assert result.truncated is True


# --- query count --------------------------------------------------------------------------------------


def count_queries(user, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = desk_lookup(user=user, query=query)
    assert result.households
    return len(captured)


def test_query_count_does_not_grow_with_open_tickets(world, now, reception_a, django_assert_num_queries):
    # given one open ticket and one recent contact
    new_ticket(reception_a, household=world.household_a, content="报修 0")
    consultation(reception_a, world.household_a, world.resident_a, "来电 0")
    desk_lookup(user=reception_a, query="13812345678")  # the user's scope is computed once, then cached
    with_one = count_queries(reception_a, "13812345678")

    # when the household has eight open tickets and more contacts
    for i in range(1, 8):
        new_ticket(reception_a, household=world.household_a, content=f"报修 {i}")
        consultation(reception_a, world.household_a, world.resident_a, f"来电 {i}")

    # then
    with django_assert_num_queries(with_one):
        household = desk_lookup(user=reception_a, query="13812345678").households[0]
    assert household.lookup_open_total == 8


def test_query_count_does_not_grow_with_households(world, now, reception_a, django_assert_num_queries):
    def add(i: int) -> None:
        household = add_household(world.community_a, f"{20 + i}栋", "1单元", "501", f"住户{i}", f"1390000{i:04d}")
        resident = household.residents.get()
        invalidate_scope(reception_a)
        new_ticket(reception_a, household=household, resident=resident, content=f"报修 {i}")
        consultation(reception_a, household, resident, f"来电 {i}")

    # given two matching households
    for i in range(2):
        add(i)
    desk_lookup(user=reception_a, query="1390000")
    with_two = count_queries(reception_a, "1390000")

    # when there are nine
    for i in range(2, 9):
        add(i)
    desk_lookup(user=reception_a, query="1390000")  # scope recomputed after invalidation, then cached

    # then
    with django_assert_num_queries(with_two):
        result = desk_lookup(user=reception_a, query="1390000")
    assert len(result.households) == 9
    assert all(h.lookup_open_total == 1 and len(h.lookup_recent) == 1 for h in result.households)
