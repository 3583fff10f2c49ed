"""The OpenAPI document is valid OpenAPI and describes every operation in Chinese."""

import re

import pytest
from openapi_spec_validator import validate

API = "/api/v1"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_the_schema_is_valid_openapi(schema):
    # then: raises on the first violation of the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_operation_has_a_chinese_summary_or_description(schema):
    # then
    missing = [
        name
        for name, operation in operations(schema)
        if not CHINESE.search(operation.get("summary", "")) and not CHINESE.search(operation.get("description", ""))
    ]
    assert missing == []


def test_the_page_capabilities_are_in_the_schema(schema):
    # then: tickets, deadlines and escalations, the inbox and the registers
    assert set(schema["paths"]) >= {
        f"{API}/tickets/mine",
        f"{API}/tickets/{{ticket_id}}/notes",
        f"{API}/tickets/{{ticket_id}}/links",
        f"{API}/tickets/{{ticket_id}}/request-decision",
        f"{API}/tickets/{{ticket_id}}/replies",
        f"{API}/tickets/{{ticket_id}}/attachments",
        f"{API}/tickets/{{ticket_id}}/attachments/{{attachment_id}}",
        f"{API}/tickets/{{ticket_id}}/assignable-staff",
        f"{API}/tickets/{{ticket_id}}/deadlines",
        f"{API}/escalations",
        f"{API}/escalations/{{step_id}}/acknowledge",
        f"{API}/notifications",
        f"{API}/notifications/unread-count",
        f"{API}/notifications/read-all",
        f"{API}/notifications/{{notification_id}}/read",
        f"{API}/registers",
        f"{API}/registers/calls",
        f"{API}/registers/{{slug}}",
        f"{API}/registers/{{slug}}/export.xlsx",
    }
    for path in ("notes", "links", "request-decision"):
        operation = schema["paths"][f"{API}/tickets/{{ticket_id}}/{path}"]["post"]
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}, path
    export = schema["paths"][f"{API}/registers/{{slug}}/export.xlsx"]["get"]["responses"]["200"]
    assert set(export["content"]) == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
