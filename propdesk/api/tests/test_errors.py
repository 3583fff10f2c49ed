"""Bad input: always the same JSON error body, the right status, field names, Chinese by default — never a 500,
and nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from propdesk.tickets.models import Ticket

TICKETS = "/api/v1/tickets"


@pytest.fixture
def valid(world) -> dict:
    return {"kind": "repair", "content": "卫生间漏水", "channel": "phone", "household_id": world.household_a.pk}


def errors_of(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    return body["errors"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"unit_id": 999999}, "unit_id", "房号不存在或您无权访问"),
        ({"resident_id": 999999}, "resident_id", "住户成员不存在或您无权访问"),
        ({"contact_phone": "12345"}, "contact_phone", None),
        ({"content": "   "}, "content", "不能为空"),
        (
            {"received_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()},
            "received_at",
            "接报时间不能晚于当前时间",
        ),
    ],
)
def test_refused_input_is_400_on_the_field(api_a, valid, change, field, message):
    # when
    response = api_a.post(TICKETS, {**valid, **change})

    # then
    assert response.status_code == 400
    errors = errors_of(response)
    assert [e["field"] for e in errors] == [field]
    if message:
        assert errors[0]["message"] == message
    assert response.json()["detail"] == errors[0]["message"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [({"content": ""}, "不能为空"), ({"content": "长" * 5001}, "不能超过 5000 个字符")],
)
def test_text_outside_the_schemas_lengths_is_422_on_the_field(api_a, valid, change, message):
    # when: the limits the service enforces are in the schema (minLength, maxLength)
    response = api_a.post(TICKETS, {**valid, **change})

    # then
    assert response.status_code == 422
    assert errors_of(response) == [{"field": "content", "message": message}]
    assert not Ticket.objects.exists()


def test_a_malformed_phone_says_what_is_wrong(api_a, valid):
    # when
    response = api_a.post(TICKETS, {**valid, "contact_phone": "139-abc"})

    # then
    assert response.status_code == 400
    assert errors_of(response) == [
        {"field": "contact_phone", "message": "电话号码格式不正确：139-abc（手机应为 11 位数字，座机如 0755-12345678）"}
    ]


@pytest.mark.parametrize("body", ["{not json", '{"kind": "repair",}', b"\xff\xfe\x00", "kind=repair&content=x"])
def test_malformed_json_is_400(api_a, body):
    # when
    response = api_a.post(TICKETS, body)

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON", "errors": []}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"community_id": "abc"}, ["community_id"]),
        ({"household_id": [1]}, ["household_id"]),
        ({"hand_off": "maybe"}, ["hand_off"]),
        ({"received_at": "yesterday"}, ["received_at"]),
        ({"kind": "leak"}, ["kind"]),
        ({"content": 42}, ["content"]),
        ({"kind": None, "channel": None}, ["kind", "channel"]),
    ],
)
def test_wrong_types_are_422_with_field_names(api_a, valid, change, fields):
    # when
    response = api_a.post(TICKETS, {**valid, **change})

    # then
    assert response.status_code == 422
    assert [e["field"] for e in errors_of(response)] == fields
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object_is_422(api_a, body):
    # when
    response = api_a.post(TICKETS, body)

    # then
    assert response.status_code == 422
    assert errors_of(response)


def test_a_missing_body_is_422(api_a):
    # when
    response = api_a.post(TICKETS, "")

    # then
    assert response.status_code == 422
    assert errors_of(response) == [{"field": "body", "message": "必填"}]


def test_missing_fields_are_named(api_a):
    # when
    response = api_a.post(TICKETS, {"content": "x"})

    # then
    assert response.status_code == 422
    assert errors_of(response) == [{"field": "kind", "message": "必填"}, {"field": "channel", "message": "必填"}]
    assert response.json()["detail"] == "kind: 必填"


def test_schema_messages_are_english_when_asked(api_a):
    # when
    response = api_a.post(TICKETS, {"content": "x", "channel": "phone"}, headers={"Accept-Language": "en"})

    # then
    assert response.status_code == 422
    assert errors_of(response) == [{"field": "kind", "message": "Field required"}]
    assert response["Content-Language"] == "en"


def test_unknown_api_paths_get_the_json_body(api_a):
    # when
    response = api_a.get("/api/v1/no-such-thing")

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在或您无权查看", "errors": []}


def test_a_lookup_without_a_query_is_422(api_a):
    # when
    response = api_a.get("/api/v1/lookup")

    # then
    assert response.status_code == 422
    assert errors_of(response) == [{"field": "q", "message": "必填"}]
