"""The input layer over the API: characters no database can keep (a NUL anywhere, a lone surrogate in JSON),
ids, offsets and limits beyond what a column holds, and dates at the edge of the calendar are refused with
4xx in the API's error body — never a 500 — and change nothing."""

import datetime as dt
import json

import pytest

from propdesk.intake.models import Interaction
from propdesk.tickets.models import Reply, Ticket, TicketEvent
from propdesk.tickets.services import ticket_create

API = "/api/v1"
TICKETS = f"{API}/tickets"
NUL = "不能包含空字符（\\0）"
SURROGATE = "包含无效的字符（不成对的 UTF-16 代理项）"
DATE_RANGE = "日期超出范围（2000-01-01 至 2099-12-31）"


def error(field: str, message: str) -> dict:
    return {"detail": f"{field}: {message}", "errors": [{"field": field, "message": message}]}


@pytest.fixture
def ticket(receptionist_a, world):
    return ticket_create(
        actor=receptionist_a, kind="repair", content="厨房水管漏水", channel="phone", household=world.household_a
    )


def snapshot() -> tuple:
    return (
        list(Ticket.objects.values_list("pk", "status", "version", "content")),
        TicketEvent.objects.count(),
        Reply.objects.count(),
        Interaction.objects.count(),
    )


# --------------------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (TICKETS, {"q": "a\x00b"}, "q"),
        (f"{API}/lookup", {"q": "a\x00b"}, "q"),
        (f"{API}/registers/repair", {"q": "\x00"}, "q"),
        (f"{API}/interactions", {"kind\x00": "repair"}, "kind\\0"),
    ],
)
def test_a_nul_in_the_query_string_is_a_400_on_its_field(api_a, ticket, path, params, field):
    response = api_a.get(path, params)
    assert response.status_code == 400, response.content
    assert response.json() == error(field, NUL)


def test_a_nul_in_the_path_is_a_400(api_a, ticket):
    response = api_a.get(f"{TICKETS}/by-number/%00")
    assert response.status_code == 400
    assert response.json() == error("path", NUL)


@pytest.mark.parametrize(
    ("suffix", "body", "field"),
    [
        ("", {"kind": "repair", "content": "a\x00b", "channel": "phone"}, "content"),
        ("/{id}/replies", {"method": "phone", "content": "已答复\x00"}, "content"),
        ("/{id}/transitions", {"to_status": "cancelled", "reason": "重复\x00"}, "reason"),
        ("/{id}/notes", {"text": "x", "nested": {"deep": ["ok", "\x00"]}}, "nested.deep.1"),
        ("/{id}/links", {"kind": "related", "number\x00": "BX"}, "number\\0"),
    ],
)
def test_a_nul_in_a_json_body_is_a_400_on_its_field_and_changes_nothing(api_a, ticket, suffix, body, field):
    before = snapshot()
    response = api_a.post(TICKETS + suffix.format(id=ticket.pk), body)
    assert response.status_code == 400, response.content
    assert response.json() == error(field.replace("\x00", "\\0"), NUL)
    assert snapshot() == before


def test_a_nul_in_an_interactions_caller_name_is_a_400(api_a, world):
    body = {"channel": "phone", "kind": "consultation", "content": "咨询", "caller_name": "张\x00三"}
    response = api_a.post(f"{API}/interactions", body)
    assert response.status_code == 400
    assert response.json() == error("caller_name", NUL)
    assert Interaction.objects.count() == 0


def test_a_nul_in_a_multipart_field_is_a_400(api_a, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = api_a.upload(f"{TICKETS}/{ticket.pk}/attachments", {"file": upload, "note": "扫描件\x00"})
    assert response.status_code == 400
    assert response.json() == error("note", NUL)
    assert ticket.attachments.count() == 0


def test_a_nul_in_a_header_is_a_400(api_a, ticket):
    body = {"kind": "repair", "content": "漏水", "channel": "phone", "household_id": ticket.household_id}
    response = api_a.post(TICKETS, body, headers={"Idempotency-Key": "k\x00"})
    assert response.status_code == 400
    assert response.json() == error("Idempotency-Key", NUL)
    assert Ticket.objects.count() == 1


def test_the_message_follows_accept_language(api_a, ticket):
    response = api_a.get(TICKETS, {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "q", "message": "must not contain NUL characters (\\0)"}]


# --------------------------------------------------------------------------- lone surrogates


def raw_json(**values) -> str:
    """JSON text with a lone surrogate escape (``\\ud800``), which json.dumps of a str cannot write."""
    return json.dumps(values).replace("SURROGATE", "\\ud800")


def test_a_lone_surrogate_in_a_json_string_is_a_400_and_changes_nothing(api_a, ticket, world):
    before = snapshot()
    body = raw_json(kind="repair", content="xSURROGATEy", channel="phone", household_id=world.household_a.pk)
    response = api_a.post(TICKETS, body)
    assert response.status_code == 400, response.content
    assert response.json() == error("content", SURROGATE)
    assert snapshot() == before


def test_a_lone_surrogate_in_a_reply_and_a_key_is_a_400(api_a, ticket):
    before = snapshot()
    response = api_a.post(f"{TICKETS}/{ticket.pk}/replies", raw_json(method="phone", content="okSURROGATE"))
    assert response.status_code == 400
    assert response.json() == error("content", SURROGATE)
    response = api_a.post(f"{TICKETS}/{ticket.pk}/notes", '{"text": "x", "a\\udfff": 1}')
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == SURROGATE
    assert snapshot() == before


# --------------------------------------------------------------------------- integers


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 9223372036854775808}, "offset"),
        ({"offset": 1_000_001}, "offset"),
        ({"limit": 2**64}, "limit"),
        ({"community_id": 2**63}, "community_id"),
        ({"assignee_id": 99999999999999999999}, "assignee_id"),
        ({"household_id": 0}, "household_id"),
    ],
)
def test_integers_beyond_a_column_are_422_on_their_field(api_a, ticket, params, field):
    response = api_a.get(TICKETS, params)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/interactions?offset=9223372036854775808",
        f"{API}/notifications?offset=9223372036854775808",
        f"{API}/escalations?offset=9223372036854775808",
        f"{API}/work-orders?offset=9223372036854775808",
        f"{API}/work-orders?service_center_id=9223372036854775808",
        f"{API}/registers/calls?offset=9223372036854775808",
        f"{API}/tickets/mine?offset=9223372036854775808",
    ],
)
def test_every_list_bounds_its_paging_and_ids(api_a, ticket, path):
    assert api_a.get(path).status_code == 422


@pytest.mark.parametrize("ticket_id", [2**31, 2**63 - 1])
def test_an_id_in_range_that_names_nothing_is_404(api_a, ticket, ticket_id):
    assert api_a.get(f"{TICKETS}/{ticket_id}").status_code == 404


@pytest.mark.parametrize("ticket_id", [2**63, 2**64, 10**30])
def test_an_id_beyond_64_bits_is_422(api_a, ticket, ticket_id):
    for path in (f"{TICKETS}/{ticket_id}", f"{TICKETS}/{ticket_id}/events", f"{API}/work-orders/{ticket_id}"):
        response = api_a.get(path)
        assert response.status_code == 422, (path, response.content)


def test_an_id_beyond_64_bits_in_a_body_is_422_and_changes_nothing(api_a, ticket):
    before = snapshot()
    response = api_a.post(TICKETS, {"kind": "repair", "content": "漏水", "channel": "phone", "unit_id": 2**63})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit_id"
    response = api_a.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "in_progress", "expected_version": 2**40})
    assert response.status_code == 422
    assert snapshot() == before


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (TICKETS, {"received_from": "0001-01-01"}, "received_from"),
        (TICKETS, {"received_to": "9999-12-31"}, "received_to"),
        (f"{API}/interactions", {"received_to": "9999-12-31"}, "received_to"),
        (f"{API}/registers/repair", {"received_from": "1999-12-31"}, "received_from"),
        (f"{API}/sla/timeliness", {"date_to": "9999-12-31"}, "date_to"),
        (f"{API}/sla/timeliness", {"date_from": "0001-01-01"}, "date_from"),
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_422_with_the_range(api_a, ticket, path, params, field):
    response = api_a.get(path, params)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [{"field": field, "message": DATE_RANGE}]


def test_the_edges_of_the_range_are_accepted(api_a, ticket):
    response = api_a.get(TICKETS, {"received_from": "2000-01-01", "received_to": "2099-12-31"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    response = api_a.get(f"{API}/sla/timeliness", {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_a_datetime_at_the_edge_of_the_calendar_is_422_and_changes_nothing(api_a, ticket, world, moment):
    before = snapshot()
    body = {"kind": "repair", "content": "补录", "channel": "phone", "received_at": moment}
    response = api_a.post(TICKETS, {**body, "household_id": world.household_a.pk})
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [{"field": "received_at", "message": DATE_RANGE}]
    assert snapshot() == before


# --------------------------------------------------------------------------- the safety net


def test_an_overflow_an_endpoint_forgot_to_bound_is_a_422_not_a_500(db, receptionist_a):
    from ninja import Router
    from ninja.testing import TestClient

    from propdesk.api.router import build_api

    # given an endpoint that takes an unbounded number of days and adds them to a date
    router = Router()

    @router.get("/overflow")
    def overflow(request, n: int):
        return {"day": str(dt.date.max + dt.timedelta(days=n))}

    api = build_api([router])
    api.urls_namespace = "api-v1-overflow-test"
    response = TestClient(api).get("/overflow?n=1", user=receptionist_a)
    assert response.status_code == 422
    assert response.json() == {"detail": "数值超出范围", "errors": []}
