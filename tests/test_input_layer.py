"""The input layer on the pages: a NUL in a query string, a form field, the path or a cookie is a 400 page naming
the field (nothing changes), and dates at the edge of the calendar (``?week=9999-12-31``, ``?to=9999-12-31``)
are a clear field error, never a 500."""

import pytest
from django.urls import reverse

from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import Material, RotaEntry
from propdesk.dispatch.tests.helpers import BUILT_AT, NOW, advance, build_crew, new_ticket, work_order_of
from propdesk.tickets.models import Ticket, TicketEvent

NUL = "不能包含空字符（\\0）"
DATE_RANGE = "日期超出范围（2000-01-01 至 2099-12-31）"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    return BUILT_AT


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def as_receptionist(client, crew):
    client.force_login(crew.receptionist)
    return client


def refused(response, field: str) -> str:
    """The 400 page's text, after checking that it names the field and the problem."""
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    assert f"“{field}”{NUL}" in html
    return html


# --------------------------------------------------------------------------- NUL in what the pages read


@pytest.mark.parametrize(
    "url",
    [
        "/tickets/?q=%00",
        "/tickets/?q=a%00b&status=open",
        "/desk/?q=%00",
        "/desk/lookup/?q=%00",
        "/dispatch/rota/?week=%00",
    ],
)
def test_a_nul_in_a_query_string_is_a_400_page(as_receptionist, url):
    refused(as_receptionist.get(url), "q" if "q=" in url else "week")


def test_a_nul_in_the_community_page_search_is_a_400_page(as_receptionist, world):
    refused(as_receptionist.get(f"/communities/{world.community_a.pk}/?q=%00"), "q")


def test_a_nul_in_the_hand_off_form_is_a_400_page_and_records_nothing(as_receptionist, world, crew):
    # when a form with a NUL in its content is posted to the quick hand-off page
    response = as_receptionist.post(
        reverse("tickets:quick_hand_off"),
        {"community": world.community_a.pk, "room": "3栋2单元1202", "kind": "repair", "content": "灯\x00不亮"},
    )
    # then it is refused and no ticket exists
    refused(response, "content")
    assert Ticket.objects.count() == 0


def test_a_nul_in_the_material_form_is_a_400_page_and_records_nothing(client, world, crew):
    # given a job assigned to the plumber, on site
    wo = advance(work_order_of(new_ticket(crew.receptionist, world)), crew, Status.ARRIVED)
    client.force_login(crew.plumber)
    events = TicketEvent.objects.count()
    # when he records a material whose name holds a NUL
    response = client.post(
        reverse("dispatch:action", args=[wo.pk, "material"]), {"name": "阀芯\x00", "quantity": "1", "unit": "个"}
    )
    # then it is refused and nothing is recorded
    refused(response, "name")
    assert Material.objects.count() == 0
    assert TicketEvent.objects.count() == events


def test_a_nul_in_the_path_is_a_400_page(as_receptionist):
    refused(as_receptionist.get("/tickets/%00/"), "path")


def test_a_nul_in_the_session_cookie_is_a_400_page_not_a_500(client, crew):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"  # sent quoted: "abcdefgh\000ijkl"
    response = client.get("/tickets/")
    refused(response, "sessionid")


def test_the_400_page_follows_the_chosen_language(as_receptionist):
    as_receptionist.cookies["django_language"] = "en"
    response = as_receptionist.get("/tickets/?q=%00")
    assert response.status_code == 400
    assert '"q" must not contain NUL characters (\\0). The request was refused; nothing was changed.' in (
        response.content.decode().replace("&quot;", '"')
    )


# --------------------------------------------------------------------------- ids in query strings and forms


@pytest.mark.parametrize("community", ["99999999999999999999", "²", "0"])
def test_a_community_id_no_key_can_hold_is_a_400_on_the_ticket_list(as_receptionist, community):
    response = as_receptionist.get("/tickets/", {"community": community})
    assert response.status_code == 400
    assert "小区参数不正确" in response.content.decode()


@pytest.mark.parametrize("center", ["99999999999999999999", "²"])
def test_a_center_id_no_key_can_hold_is_not_found(client, world, crew, center):
    client.force_login(crew.operator)
    assert client.get(reverse("dispatch:rota"), {"center": center}).status_code == 404


def test_marking_messages_read_ignores_ids_no_key_can_hold(as_receptionist):
    response = as_receptionist.post(reverse("notify:read"), {"id": ["99999999999999999999", "²", "x"]})
    assert response.status_code == 302


# --------------------------------------------------------------------------- dates at the edge


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2100-01-05"])
@pytest.mark.parametrize("page", ["dispatch:rota", "dispatch:weekly"])
def test_a_week_outside_the_range_is_said_and_this_week_is_shown(client, world, crew, page, week):
    client.force_login(crew.repair_manager)
    response = client.get(reverse(page), {"center": world.center_a.pk, "week": week})
    assert response.status_code == 200
    html = response.content.decode()
    assert DATE_RANGE in html
    assert "11-16" in html or "2026-11-16" in html  # the Monday of this week (18 November 2026)


def test_a_rota_entry_outside_the_range_is_a_field_error(client, world, crew):
    client.force_login(crew.repair_manager)
    entries = RotaEntry.objects.count()
    response = client.post(
        f"{reverse('dispatch:rota')}?center={world.center_a.pk}",
        {"center": world.center_a.pk, "user": crew.plumber.pk, "shift": crew.day_shift.pk, "date": "9999-12-31"},
    )
    assert response.status_code == 400
    assert DATE_RANGE in response.content.decode()
    assert RotaEntry.objects.count() == entries


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"from": "1999-12-31"}])
def test_the_timeliness_page_refuses_dates_outside_the_range(client, crew, params):
    client.force_login(crew.manager)
    response = client.get(reverse("sla:timeliness"), params)
    assert response.status_code == 400
    assert DATE_RANGE in response.content.decode()


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"from": "0001-01-01"}])
def test_the_register_pages_refuse_dates_outside_the_range(as_receptionist, params):
    for url in (reverse("intake:register", args=["repair"]), reverse("intake:register", args=["calls"])):
        response = as_receptionist.get(url, params)
        assert response.status_code == 400
        assert DATE_RANGE in response.content.decode()


def test_a_backfilled_call_far_in_the_past_is_a_field_error(as_receptionist, world):
    response = as_receptionist.post(
        reverse("intake:record"),
        {
            "household": world.household_a.pk,
            "channel": "phone",
            "source": "customer",
            "kind": "consultation",
            "content": "咨询",
            "received_at": "0001-01-01T00:00",
        },
    )
    assert response.status_code == 400
    assert DATE_RANGE in response.content.decode()
