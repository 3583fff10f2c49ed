"""Searching by phone is no oracle for masked numbers, and every search by phone is recorded.

A page shows ``138****5678``. Whoever may not reveal that resident's phone (``resident.reveal``) must not
find the hidden digits by searching for the start of the number one digit at a time: they search by the
whole number only. Every search by phone (the desk's lookup page and API, the calls register) leaves a
``core.PhoneSearch`` row with the number masked and digested, read in the admin under ``audit.view``.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.core.masking import phone_digest
from propdesk.core.models import PhoneSearch
from propdesk.intake.selectors import desk_lookup
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.tests.helpers import local

pytestmark = pytest.mark.usefixtures("clock")

NOW = local(2026, 11, 22, 10, 0)
HIDDEN = "13812345678"  # world.resident_a, shown as 138****5678


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def desk_elsewhere(world):
    """Works the desk of community B (may reveal there) and manages a department of center A: sees center A's
    households, may not reveal their phones."""
    user = role_user(Role.RECEPTIONIST, world.community_b, username="desk-b")
    RoleMembership.objects.create(user=user, role=Role.DEPARTMENT_MANAGER, service_center=world.center_a)
    return user


# --- the oracle ---------------------------------------------------------------------------------------


def test_the_desk_api_is_no_oracle_for_a_user_who_may_not_reveal(world, now, desk_elsewhere):
    api = bearer(desk_elsewhere)

    def found(q: str) -> bool:
        response = api.get("/api/v1/lookup", {"q": q})
        assert response.status_code == 200, response.content
        return any(h["id"] == world.household_a.pk for h in response.json()["households"])

    # the household is visible to them (by room) …
    assert found("3-2-1202")
    # … but no start of its phone number finds it, so the hidden digits cannot be guessed one at a time
    assert [n for n in range(7, 11) if found(HIDDEN[:n])] == []
    # while the whole number does
    assert found(HIDDEN)
    assert found("138-1234-5678")


def test_the_desk_page_is_no_oracle_either(client, world, now, desk_elsewhere):
    client.force_login(desk_elsewhere)

    def found(q: str) -> bool:
        response = client.get(reverse("intake:lookup"), {"q": q})
        assert response.status_code == 200
        return f'data-household="{world.household_a.pk}"' in response.content.decode()

    assert not found("1381234")
    assert found(HIDDEN)


def test_the_start_of_a_number_still_searches_where_the_user_may_reveal(world, now, desk_elsewhere):
    # desk-b may reveal community B's phones: 1398765 finds 李娜 (13987654321) there
    result = desk_lookup(user=desk_elsewhere, query="1398765")
    assert result.households == [world.household_b]
    assert result.needs_whole_number is False


def test_someone_who_may_reveal_nowhere_is_told_to_type_the_whole_number(world, now, staff):
    # the system allows the desk only to those who may reveal; a manager-only login is the case in the rules
    manager = staff(Role.DEPARTMENT_MANAGER)

    partial = desk_lookup(user=manager, query="1381234")
    whole = desk_lookup(user=manager, query=HIDDEN)

    assert (partial.kind, partial.households, partial.needs_whole_number) == ("phone", [], True)
    assert whole.households == [world.household_a]
    assert whole.needs_whole_number is False


def test_the_partial_number_message_is_shown_on_the_desk(client, world, now, desk_elsewhere, monkeypatch):
    monkeypatch.setattr("propdesk.intake.selectors.may_search_partial", lambda user: False)
    client.force_login(desk_elsewhere)

    response = client.get(reverse("intake:lookup"), {"q": "1381234"})

    assert "按电话查询请输入完整的手机号码（11 位）或座机号码。" in response.content.decode()


def test_a_whole_landline_is_found_however_it_was_typed(world, now, staff):
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="8栋"), entrance="1单元", number="301"
    )
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name="陈静", phone="0755-26881234")
    manager = staff(Role.DEPARTMENT_MANAGER)

    for query in ("0755-26881234", "075526881234", "0755 2688 1234"):
        assert desk_lookup(user=manager, query=query).households == [household], query
    assert desk_lookup(user=manager, query="0755268").households == []


# --- the record of every search -----------------------------------------------------------------------


def test_every_phone_search_on_the_desk_is_recorded_without_the_number_in_clear(client, world, now, reception_a):
    client.force_login(reception_a)

    client.get(reverse("intake:lookup"), {"q": HIDDEN}, REMOTE_ADDR="203.0.113.9")
    client.get(reverse("intake:lookup"), {"q": "1381234"})
    client.get(reverse("intake:lookup"), {"q": "3-2-1202"})  # a room: not a phone search
    bearer(reception_a).get("/api/v1/lookup", {"q": "13900000000"})

    rows = list(PhoneSearch.objects.order_by("pk"))
    assert [(r.source, r.number_masked, r.complete, r.refused, r.matches) for r in rows] == [
        (PhoneSearch.Source.DESK, "138****5678", True, False, 1),
        (PhoneSearch.Source.DESK, "138****", False, False, 1),
        (PhoneSearch.Source.DESK, "139****0000", True, False, 0),
    ]
    assert {r.actor_id for r in rows} == {reception_a.pk}
    assert {r.service_center_id for r in rows} == {world.center_a.pk}
    assert rows[0].ip_address == "203.0.113.9"
    assert rows[0].number_digest == phone_digest(HIDDEN) != phone_digest("13812345679")
    assert rows[0].at == now
    for row in rows:
        assert "12345678" not in " ".join(str(v) for v in row.__dict__.values())


def test_a_refused_search_is_recorded_too(world, now, staff):
    manager = staff(Role.DEPARTMENT_MANAGER)

    desk_lookup(user=manager, query="1381234")

    row = PhoneSearch.objects.get()
    assert (row.actor, row.number_masked, row.complete, row.refused, row.matches) == (
        manager,
        "138****",
        False,
        True,
        0,
    )


def test_the_calls_register_searches_by_phone_by_the_same_rule(client, world, now, reception_a, staff):
    from propdesk.intake.services import interaction_record

    interaction_record(
        actor=reception_a,
        channel=Channel.PHONE,
        kind=Kind.CONSULTATION,
        content="物业费怎么交",
        household=world.household_a,
        resident=world.resident_a,
        outcome="answered",
        outcome_note="已答复",
    )
    manager = staff(Role.DEPARTMENT_MANAGER)  # reads the registers, may not reveal
    client.force_login(manager)
    url = reverse("intake:register", args=["calls"])

    partial = client.get(url, {"q": "1381234"}).content.decode()
    whole = client.get(url, {"q": HIDDEN}).content.decode()

    assert "物业费怎么交" not in partial
    assert "物业费怎么交" in whole
    assert [(r.source, r.refused, r.matches) for r in PhoneSearch.objects.order_by("pk")] == [
        (PhoneSearch.Source.CALLS, True, 0),
        (PhoneSearch.Source.CALLS, False, 1),
    ]


# --- reading the record -------------------------------------------------------------------------------


def admin_login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_phonesearch"))
    client.force_login(user)


def test_the_audit_admin_lists_the_searches_of_the_own_center_and_finds_a_number(
    client, world, now, reception_a, reception_b, staff
):
    desk_lookup(user=reception_a, query=HIDDEN)
    desk_lookup(user=reception_a, query="13900000000")
    desk_lookup(user=reception_b, query="13987654321")
    manager_a = staff(Role.CENTER_MANAGER)
    admin_login(client, manager_a)
    url = reverse("admin:core_phonesearch_changelist")

    listed = client.get(url).context["cl"].result_list
    found = client.get(url, {"q": "138 1234 5678"}).context["cl"].result_list

    assert [r.number_masked for r in listed] == ["139****0000", "138****5678"]
    assert [r.number_masked for r in found] == ["138****5678"]


def test_who_may_not_audit_reads_no_search(client, world, now, reception_a, staff):
    desk_lookup(user=reception_a, query=HIDDEN)
    technician = staff(Role.TECHNICIAN)
    admin_login(client, technician)

    response = client.get(reverse("admin:core_phonesearch_changelist"))

    assert list(response.context["cl"].result_list) == []
