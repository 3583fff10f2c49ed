"""The ticket search by phone follows the desk's rule: the start of a number only where the user may reveal
residents' phones, the whole number otherwise; every search by phone is recorded (page and API)."""

import pytest
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.core.masking import phone_digest
from propdesk.core.models import PhoneSearch
from propdesk.org.choices import Role
from propdesk.tickets.selectors import ticket_list

from .helpers import local, new_ticket

pytestmark = pytest.mark.usefixtures("clock")

NOW = local(2026, 11, 23, 12, 0)
HIDDEN = "13812345678"  # world.resident_a


@pytest.fixture
def leak(world, clock, reception_a):
    clock.move_to(NOW)
    return new_ticket(reception_a, household=world.household_a, resident=world.resident_a, contact_phone="13900001111")


@pytest.fixture
def manager(staff):
    """A department manager of center A: browses tickets, may not reveal residents' phones."""
    return staff(Role.DEPARTMENT_MANAGER)


@pytest.mark.parametrize("prefix", [HIDDEN[:n] for n in range(7, 11)] + ["1390000", "1390000111"])
def test_the_start_of_a_number_finds_nothing_for_who_may_not_reveal(leak, manager, prefix):
    assert list(ticket_list(user=manager, query=prefix)) == []


@pytest.mark.parametrize("number", [HIDDEN, "138 1234 5678", "+86 138-1234-5678", "13900001111"])
def test_the_whole_number_finds_the_ticket(leak, manager, number):
    assert list(ticket_list(user=manager, query=number)) == [leak]


def test_who_may_reveal_still_searches_by_the_start(leak, reception_a):
    assert list(ticket_list(user=reception_a, query="1381234")) == [leak]
    assert list(ticket_list(user=reception_a, query="1390000")) == [leak]


def test_the_ticket_list_page_and_api_record_each_phone_search(client, leak, manager):
    client.force_login(manager)

    page = client.get(reverse("tickets:list"), {"q": "1381234"}, REMOTE_ADDR="198.51.100.4")
    api = bearer(manager).get("/api/v1/tickets", {"q": HIDDEN})
    client.get(reverse("tickets:list"), {"q": "漏水"})  # text: not a phone search

    assert leak.number not in page.content.decode()
    assert "按电话查询请输入完整的手机号码（11 位）或座机号码。" in page.content.decode()
    assert [t["number"] for t in api.json()["items"]] == [leak.number]
    rows = list(PhoneSearch.objects.order_by("pk"))
    assert [(r.source, r.number_masked, r.complete, r.refused, r.matches, r.actor) for r in rows] == [
        (PhoneSearch.Source.TICKETS, "138****", False, True, 0, manager),
        (PhoneSearch.Source.TICKETS, "138****5678", True, False, 1, manager),
    ]
    assert rows[0].ip_address == "198.51.100.4"
    assert rows[1].number_digest == phone_digest(HIDDEN)
    assert {r.service_center_id for r in rows} == {leak.service_center_id}


def test_a_company_wide_searcher_is_recorded_at_the_center_of_what_was_found(leak, staff):
    quality = staff(Role.QUALITY_DEPT)

    assert list(ticket_list(user=quality, query=HIDDEN)) == [leak]
    assert list(ticket_list(user=quality, query="13000000000")) == []

    assert [r.service_center_id for r in PhoneSearch.objects.order_by("pk")] == [leak.service_center_id, None]
