"""An address under /api/v1/ that matches no endpoint answers a JSON 404, whatever the method and the cookies."""

import pytest
from django.test import Client

from propdesk.org.choices import Role
from propdesk.testing.roles import role_user


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_address_is_a_json_404_even_for_a_signed_in_browser_without_csrf(world, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user(Role.RECEPTIONIST, world.center_a, username="rec-a"))

    response = getattr(client, method)("/api/v1/no-such-thing/-5", content_type="application/json")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "记录不存在或您无权查看"


def test_a_negative_notice_id_is_refused_as_json(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user(Role.INFO_MANAGER, world.center_a, username="info-a"))

    response = client.post("/api/v1/notices/-5/submit", {"expected_version": None}, content_type="application/json")

    assert response["Content-Type"].startswith("application/json")
    assert response.status_code in (403, 404, 422)
