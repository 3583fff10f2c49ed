"""The registers over the API: the page's rows as JSON (same filters, scoping, masking and permission) and the
page's .xlsx export, byte for byte the same sheet."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.intake.services import interaction_record
from propdesk.org.choices import Role
from propdesk.testing.clock import SHANGHAI
from propdesk.testing.factories import CommunityFactory, staff_user
from propdesk.tickets.choices import Channel, Kind, Status
from propdesk.tickets.services import ticket_create, ticket_transition

REGISTERS = "/api/v1/registers"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def new_ticket(clock, now):
    def make(*, actor, kind=Kind.REPAIR, content="厨房水管漏水", at=NOW, **kwargs):
        clock.move_to(at)
        try:
            return ticket_create(actor=actor, kind=kind, content=content, channel=Channel.PHONE, **kwargs)
        finally:
            clock.move_to(NOW)

    return make


def person(user) -> dict:
    return {"id": user.pk, "name": user.staff_profile.name}


def sheet_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_the_five_registers(reception_a, now):
    # when
    response = bearer(reception_a).get(REGISTERS)

    # then
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "repair", "title": "业主报修记录表", "kinds": ["repair"]},
        {"slug": "complaints", "title": "业主投诉及建议记录表", "kinds": ["complaint", "suggestion"]},
        {"slug": "feedback", "title": "信息反馈记录表", "kinds": ["feedback"]},
        {"slug": "special", "title": "特约服务记录表", "kinds": ["special_service"]},
        {"slug": "calls", "title": "来电来访记录", "kinds": []},
    ]


def test_a_ticket_register_lists_its_kinds_of_this_month_with_phones_masked(world, reception_a, new_ticket):
    # given: a repair this month, one last month, and a complaint
    repair = new_ticket(
        actor=reception_a, household=world.household_a, contact_name="张先生", contact_phone="13900001111"
    )
    new_ticket(actor=reception_a, household=world.household_a, at=NOW - dt.timedelta(days=30))
    new_ticket(actor=reception_a, kind=Kind.COMPLAINT, content="噪音", household=world.household_a)

    # when
    response = bearer(reception_a).get(f"{REGISTERS}/repair")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("slug", "title", "summary", "count", "count_exact")} == {
        "slug": "repair",
        "title": "业主报修记录表",
        "summary": "小区：全部；状态：全部；接报日期：2026-11-01 至 2026-11-30",
        "count": 1,
        "count_exact": True,
    }
    (row,) = body["items"]
    assert (row["id"], row["number"], row["kind"], row["status"]) == (repair.pk, repair.number, "repair", "new")
    assert (row["contact_name"], row["contact_phone"]) == ("张先生", "139****1111")
    assert row["first_responder"] == person(reception_a)
    assert row["received_at"] == "2026-11-20T10:00:00+08:00"
    assert "13900001111" not in response.content.decode()


def test_the_calls_register(world, reception_a, now):
    # given
    call = interaction_record(
        actor=reception_a, channel=Channel.PHONE, kind=Kind.REPAIR, content="卫生间漏水", resident=world.resident_a
    )

    # when
    response = bearer(reception_a).get(f"{REGISTERS}/calls")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["slug"], body["title"], body["count"]) == ("calls", "来电来访记录", 1)
    assert body["summary"] == "小区：全部；接报日期：2026-11-01 至 2026-11-30"
    (row,) = body["items"]
    assert (row["id"], row["caller_name"], row["caller_phone"], row["content"]) == (
        call.pk,
        "张伟",
        "138****5678",
        "卫生间漏水",
    )
    assert (row["outcome"], row["ticket"]) == ("ticket", {"id": call.ticket.pk, "number": call.ticket.number})
    assert row["received_by"] == person(reception_a)


def test_the_page_filters(world, reception_a, new_ticket):
    # given
    other_community = CommunityFactory(service_center=world.center_a, name="翠湖二期", code="CH2")
    old = new_ticket(actor=reception_a, household=world.household_a, at=NOW - dt.timedelta(days=30))
    leak = new_ticket(actor=reception_a, household=world.household_a, contact_phone="13900001111")
    door = new_ticket(actor=reception_a, content="门禁坏了", community=other_community)
    ticket_transition(actor=reception_a, ticket=door, to_status=Status.IN_PROGRESS)
    api = bearer(reception_a)

    def rows(**params):
        return set(ids(api.get(f"{REGISTERS}/repair", params)))

    # then
    assert rows() == {leak.pk, door.pk}
    assert rows(community_id=other_community.pk) == {door.pk}
    assert rows(status="in_progress") == {door.pk}
    assert rows(q="门禁") == {door.pk}
    assert rows(q="13900001111") == {leak.pk}
    assert rows(received_from="2026-10-01", received_to="2026-10-31") == {old.pk}
    # an empty date is no bound, as on the page
    assert rows(received_from="", received_to="") == {old.pk, leak.pk, door.pk}
    assert rows(received_to="2026-10-31") == {old.pk}
    summary = api.get(f"{REGISTERS}/repair", {"q": "13900001111", "received_from": ""}).json()["summary"]
    assert summary == "小区：全部；状态：全部；接报日期：不限；关键词：139****1111"


@pytest.mark.parametrize(
    ("params", "status", "field", "message"),
    [
        ({"received_from": "2026-11-30", "received_to": "2026-11-01"}, 400, "received_to", "结束日期不能早于开始日期"),
        # a date outside the input layer's range does not fit the schema (core.inputs, api.schemas.InputDate)
        ({"received_from": "1999-12-31"}, 422, "received_from", "日期超出范围（2000-01-01 至 2099-12-31）"),
    ],
)
def test_bad_filters_are_refused_on_the_api_names(reception_a, now, params, status, field, message):
    # when
    response = bearer(reception_a).get(f"{REGISTERS}/repair", params)

    # then
    assert response.status_code == status
    assert response.json()["errors"] == [{"field": field, "message": message}]


def test_malformed_filters_are_422(reception_a, now):
    api = bearer(reception_a)
    assert api.get(f"{REGISTERS}/repair", {"status": "lost"}).json()["errors"][0]["field"] == "status"
    assert api.get(f"{REGISTERS}/repair", {"received_from": "11/01"}).status_code == 422
    assert api.get(f"{REGISTERS}/repair", {"limit": 101}).status_code == 422
    assert api.get(f"{REGISTERS}/planets").status_code == 422


def test_another_centers_rows_and_community_are_out_of_reach(world, reception_a, reception_b, new_ticket):
    # given
    new_ticket(actor=reception_a, household=world.household_a)
    api = bearer(reception_b)

    # when
    rows = api.get(f"{REGISTERS}/repair")
    community = api.get(f"{REGISTERS}/repair", {"community_id": world.community_a.pk})
    export = api.get(f"{REGISTERS}/repair/export.xlsx", {"community_id": world.community_a.pk})

    # then
    assert (rows.json()["count"], rows.json()["items"]) == (0, [])
    assert community.status_code == 400
    assert community.json()["errors"] == [{"field": "community_id", "message": "所选小区不存在或您无权查看"}]
    assert export.status_code == 400


def test_field_staff_and_residents_are_refused(world, technician_a, resident_user_a, now):
    # given
    resident = ApiClient()
    resident.client.force_login(resident_user_a)
    message = "登记表仅限物业服务中心的客服、前台和管理人员查看"

    # then
    for api in (bearer(technician_a), resident):
        for path in (REGISTERS, f"{REGISTERS}/repair", f"{REGISTERS}/calls", f"{REGISTERS}/calls/export.xlsx"):
            response = api.get(path)
            assert response.status_code == 403, path
            assert response.json() == {"detail": message, "errors": []}


def test_register_query_count_does_not_depend_on_page_size(
    world, reception_a, technician_a, new_ticket, django_assert_num_queries
):
    # given repairs with assignees, teams and different first responders
    desk = staff_user("desk-2", Role.CS_ASSISTANT, center=world.center_a)
    for i in range(6):
        new_ticket(actor=desk if i % 2 else reception_a, content=f"第{i}件", household=world.household_a)
    api = bearer(reception_a)
    assert api.get(f"{REGISTERS}/repair").status_code == 200  # token's last_used_at is written once

    # when / then: token, scope (4), the community filter's choices are not read without a community, count, page
    with django_assert_num_queries(7):
        small = api.get(f"{REGISTERS}/repair", {"limit": 2})
    with django_assert_num_queries(7):
        large = api.get(f"{REGISTERS}/repair", {"limit": 50})
    assert (len(small.json()["items"]), len(large.json()["items"])) == (2, 6)


@pytest.mark.parametrize(
    ("slug", "api_params", "page_params"),
    [
        ("repair", {}, {}),
        ("complaints", {"status": "new", "q": "噪音"}, {"status": "new", "q": "噪音"}),
        ("calls", {"received_from": "", "received_to": ""}, {"from": "", "to": ""}),
    ],
)
def test_the_export_is_the_pages_file(client, world, reception_a, new_ticket, slug, api_params, page_params):
    # given
    new_ticket(actor=reception_a, household=world.household_a, contact_phone="13900001111")
    new_ticket(actor=reception_a, kind=Kind.COMPLAINT, content="楼上噪音", household=world.household_a)
    interaction_record(
        actor=reception_a, channel=Channel.PHONE, kind=Kind.REPAIR, content="卫生间漏水", resident=world.resident_a
    )
    client.force_login(reception_a)

    # when
    from_api = bearer(reception_a).get(f"{REGISTERS}/{slug}/export.xlsx", api_params)
    from_page = client.get(reverse("intake:register_export", args=[slug]), page_params)

    # then
    assert from_api.status_code == 200
    assert from_api["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert from_api["Content-Disposition"] == from_page["Content-Disposition"]
    rows = sheet_rows(from_api)
    assert rows == sheet_rows(from_page)
    assert len(rows) > 4
    assert "13900001111" not in str(rows)
