"""Every page carries the Content-Security-Policy; nothing with personal data may be stored by a browser or proxy."""

import pytest
from django.urls import reverse

from propdesk.api.services import api_token_create

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")]
    return dict(directives)


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/login/", "/desk/", "/account/tokens/", "/api/v1/docs"])
def test_pages_carry_a_strict_policy_without_inline_script_or_style(client, reception_a, path):
    client.force_login(reception_a)
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_and_api_responses_are_not_stored(client, reception_a):
    client.force_login(reception_a)
    assert_no_store(client.get("/desk/"))
    assert_no_store(client.get("/api/v1/tickets"))
    _token, secret = api_token_create(actor=reception_a, name="集成")
    client.logout()
    assert_no_store(client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"}))
    assert_no_store(client.get("/login/"))


def test_exports_are_not_stored(client, reception_a):
    client.force_login(reception_a)
    response = client.get(reverse("intake:register_export", args=["repair"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_no_store(response)


def test_the_printed_work_order_is_not_stored(client, world):
    from propdesk.dispatch.tests.helpers import build_crew, new_ticket, work_order_of

    crew = build_crew(world)
    wo = work_order_of(new_ticket(crew.receptionist, world))
    client.force_login(crew.operator)
    response = client.get(reverse("dispatch:print", args=[wo.pk]))
    assert response.status_code == 200
    assert_no_store(response)
    assert policy(response) == STRICT


def test_static_files_and_the_api_docs_files_keep_their_caching(client):
    static = client.get("/static/css/propdesk.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    asset = client.get("/api/v1/docs/assets/swagger-ui.css")
    assert asset["Cache-Control"] == "public, max-age=86400"
