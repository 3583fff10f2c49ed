"""A JSON body must be sent as JSON: another Content-Type is 415 in the API's error body, for every
operation that reads a JSON body; multipart uploads stay allowed."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_create

TICKETS = "/api/v1/tickets"
MESSAGE = "请求内容须为 JSON，请设置请求头 Content-Type: application/json"


@pytest.fixture
def body(world) -> str:
    return json.dumps(
        {"kind": "repair", "content": "厨房水管漏水", "channel": "phone", "household_id": world.household_a.pk}
    )


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_a_json_body_with_another_content_type_is_415(api_a, body, content_type):
    response = api_a.client.post(TICKETS, body, content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {"detail": MESSAGE, "errors": [{"field": "Content-Type", "message": MESSAGE}]}
    assert Ticket.objects.count() == 0


def test_every_operation_with_a_json_body_checks_it(api_a, receptionist_a, world):
    ticket = ticket_create(
        actor=receptionist_a, kind="repair", content="漏水", channel="phone", household=world.household_a
    )
    routes = {(route, method) for route, method in _json_body_operations()}
    assert routes, "the API has operations with JSON bodies"
    checked = []
    for path, method in sorted(routes):
        url = path.replace("{ticket_id}", str(ticket.pk)).replace("{id}", str(ticket.pk))
        if "{" in url:
            continue
        response = getattr(api_a.client, method)(url, "{}", content_type="text/plain")
        assert response.status_code == 415, (method, url, response.status_code)
        checked.append((method, url))
    assert len(checked) >= 5, checked


def _json_body_operations():
    """(path, method) of every operation whose OpenAPI schema takes an application/json body."""
    from config.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield path, method


def test_json_with_a_charset_or_a_json_suffix_is_accepted(api_a, body):
    assert api_a.client.post(TICKETS, body, content_type="application/json; charset=utf-8").status_code == 201
    assert api_a.client.post(TICKETS, body, content_type="application/vnd.propdesk+json").status_code == 201


def test_the_message_follows_accept_language(api_a, body):
    response = api_a.client.post(TICKETS, body, content_type="text/plain", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 415
    assert response.json()["detail"] == "The request body must be JSON: send the header Content-Type: application/json"


def test_multipart_uploads_stay_allowed(api_a, receptionist_a, world):
    ticket = ticket_create(
        actor=receptionist_a, kind="repair", content="漏水", channel="phone", household=world.household_a
    )
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    response = api_a.upload(
        f"{TICKETS}/{ticket.pk}/attachments", {"file": SimpleUploadedFile("a.png", buffer.getvalue(), "image/png")}
    )
    assert response.status_code == 201, response.content


def test_authentication_comes_first(client, body, world):
    assert client.post(TICKETS, body, content_type="text/plain").status_code == 401
