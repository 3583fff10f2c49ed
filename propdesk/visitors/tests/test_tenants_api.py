"""The tenant register over the API: register (masked answer), list by state, renew with its version (409 when
stale), move out, let households, the rate per community; clear 4xx for bad input, another center and the wrong
role; a resident reads their own household's registrations with their session."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.api.tests.conftest import bearer
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.visitors.models import TenantRegistration

from .conftest import ID_A

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/visitors"


@pytest.fixture
def desk_api(world):
    return bearer(role_user(Role.RECEPTIONIST, world.center_a, username="desk-a"))


def body(world, **overrides) -> dict:
    data = {
        "community_id": world.community_a.pk,
        "room": "3-2-1202",
        "name": "周杰",
        "document_type": "id_card",
        "id_number": ID_A,
        "phone": "13912345678",
        "lease_start": "2026-09-01",
        "lease_end": "2026-12-01",
        "police_reference": "GA-2026-0918",
    }
    return {**data, **overrides}


def test_register_list_renew_and_end(world, desk_api, clock):
    created = desk_api.post(f"{API}/tenants", body(world))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["id_number"] == "4403**********1234" and data["phone"] == "139****5678"
    assert data["state"] == "current" and data["room"] == "3栋2单元1202"
    assert ID_A not in created.content.decode() and "13912345678" not in created.content.decode()
    rid = data["id"]
    assert desk_api.get(f"{API}/tenants", {"state": "current"}).json()["count"] == 1
    clock.move_to(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
    assert [t["id"] for t in desk_api.get(f"{API}/tenants", {"state": "expired"}).json()["items"]] == [rid]
    stale = desk_api.post(f"{API}/tenants/{rid}/renew", {"lease_end": "2027-12-01", "expected_version": 3})
    assert stale.status_code == 409
    renewed = desk_api.post(f"{API}/tenants/{rid}/renew", {"lease_end": "2027-12-01", "expected_version": 0})
    assert renewed.status_code == 200 and renewed.json()["state"] == "current"
    ended = desk_api.post(f"{API}/tenants/{rid}/end", {"expected_version": 1})
    assert ended.json()["state"] == "ended"
    assert desk_api.get(f"{API}/tenants", {"state": "open"}).json()["count"] == 0


def test_bad_input_is_a_4xx_naming_the_field(world, desk_api):
    bad_id = desk_api.post(f"{API}/tenants", body(world, id_number="440308199901011235"))
    assert bad_id.status_code == 400 and "id_number" in bad_id.content.decode()
    order = desk_api.post(f"{API}/tenants", body(world, lease_end="2026-08-01"))
    assert order.status_code == 400 and "lease_end" in order.content.decode()
    assert desk_api.post(f"{API}/tenants", body(world, lease_end="not a date")).status_code == 422
    assert TenantRegistration.objects.count() == 0


def test_other_center_and_wrong_role(world, desk_api):
    rid = desk_api.post(f"{API}/tenants", body(world)).json()["id"]
    desk_b = bearer(role_user(Role.RECEPTIONIST, world.center_b, username="desk-b"))
    assert desk_b.post(f"{API}/tenants", body(world)).status_code == 404
    assert desk_b.get(f"{API}/tenants/{rid}").status_code == 404
    assert desk_b.post(f"{API}/tenants/{rid}/end", {}).status_code == 404
    technician = bearer(role_user(Role.TECHNICIAN, world.center_a))
    assert technician.post(f"{API}/tenants", body(world)).status_code == 404
    assert technician.get(f"{API}/tenants").json()["count"] == 0


def test_lettings_and_the_rate(world, desk_api):
    let = desk_api.post(f"{API}/lettings", {"community_id": world.community_a.pk, "room": "3-2-1202"})
    assert let.status_code == 201
    assert (
        desk_api.post(f"{API}/lettings", {"community_id": world.community_a.pk, "room": "3-2-1202"}).status_code == 400
    )
    rates = desk_api.get(f"{API}/tenants/rates").json()
    assert rates == [
        {
            "community": {"id": world.community_a.pk, "name": "翠湖花园"},
            "let_households": 1,
            "registered": 0,
            "rate": 0.0,
            "unregistered_rooms": ["3栋2单元1202"],
        }
    ]
    desk_api.post(f"{API}/tenants", body(world))
    assert desk_api.get(f"{API}/tenants/rates").json()[0]["rate"] == 1.0
    quality = bearer(role_user(Role.QUALITY_DEPT, world.company))
    assert [r["rate"] for r in quality.get(f"{API}/tenants/rates").json()] == [1.0, None]
    assert [x["room"] for x in desk_api.get(f"{API}/lettings").json()] == ["3栋2单元1202"]
    lid = let.json()["id"]
    assert desk_api.post(f"{API}/lettings/{lid}/end", {"expected_version": 0}).status_code == 400  # tenant living


def test_a_resident_reads_their_own_household(world, desk_api, resident_user_a):
    desk_api.post(f"{API}/tenants", body(world))
    client = Client()
    client.force_login(resident_user_a)
    items = client.get(f"{API}/tenants").json()["items"]
    assert [(t["name"], t["id_number"]) for t in items] == [("周杰", "4403**********1234")]
    assert client.get(f"{API}/tenants/rates").json() == []
