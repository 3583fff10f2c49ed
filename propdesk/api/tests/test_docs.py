"""The OpenAPI schema and the docs page, which must work on a LAN without internet access."""

import re

import pytest

API = "/api/v1"


def test_the_openapi_schema_lists_the_endpoints(client, db):
    # when
    response = client.get(f"{API}/openapi.json")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["info"]["title"] == "PropDesk API"
    assert set(schema["paths"]) >= {
        f"{API}/tickets",
        f"{API}/tickets/{{ticket_id}}",
        f"{API}/tickets/by-number/{{number}}",
        f"{API}/tickets/{{ticket_id}}/events",
        f"{API}/tickets/{{ticket_id}}/transitions",
        f"{API}/tickets/{{ticket_id}}/hand-off",
        f"{API}/tickets/{{ticket_id}}/assign",
        f"{API}/tickets/{{ticket_id}}/replies",
        f"{API}/tickets/{{ticket_id}}/attachments",
        f"{API}/interactions",
        f"{API}/lookup",
    }
    assert set(schema["paths"][f"{API}/tickets"]) == {"get", "post"}
    create = schema["paths"][f"{API}/tickets"]["post"]
    assert {p["name"] for p in create["parameters"]} == {"Idempotency-Key"}
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create["responses"])
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    ticket = schema["components"]["schemas"]["TicketOut"]["properties"]
    assert ticket["received_at"]["format"] == "date-time"


def test_the_docs_page_loads_nothing_from_outside(client, db):
    # when
    response = client.get(f"{API}/docs")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
    assert "http://" not in html
    assert '"validatorUrl": null' in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("swagger-ui-init.js", "text/javascript"),
    ],
)
def test_the_swagger_files_are_served_locally(client, db, name, content_type):
    # when
    response = client.get(f"{API}/docs/assets/{name}")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "name", ["../__init__.py", "..%2F__init__.py", "swagger-ui-bundle.js.map", "redoc.standalone.js"]
)
def test_only_the_swagger_files_are_served(client, db, name):
    # when
    response = client.get(f"{API}/docs/assets/{name}")

    # then
    assert response.status_code == 404
