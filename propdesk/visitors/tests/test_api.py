"""The visitor API: check-in by form and by code, check-out with its version, the register with filters
(masked), overstays, invitations (the code only to the household and its maker), the audited reveal, and
clear 4xx answers for bad input, another center's records and the wrong role."""

import datetime as dt

import pytest

from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.core.models import PersonalDataAccess
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.visitors.models import Invitation, Visit

from .conftest import ID_A, NOW

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/visitors"


def visit_body(world, **overrides) -> dict:
    body = {
        "community_id": world.community_a.pk,
        "visitor_name": "王强",
        "document_type": "id_card",
        "id_number": ID_A,
        "purpose": "visit",
        "phone": "13912345678",
        "room": "3-2-1202",
        "plate": "粤B12345",
        "people": 2,
    }
    return {**body, **overrides}


def invitation_body(world, **overrides) -> dict:
    body = {
        "community_id": world.community_a.pk,
        "visitor_name": "刘洋",
        "room": "3-2-1202",
        "valid_from": (NOW + dt.timedelta(minutes=30)).isoformat(),
        "valid_until": (NOW + dt.timedelta(hours=3)).isoformat(),
    }
    return {**body, **overrides}


def session(user) -> ApiClient:
    """Residents have no API tokens: they use the portal's login session."""
    client = ApiClient()
    client.client.force_login(user)
    return client


@pytest.fixture
def gate(guard_a):
    return bearer(guard_a)


def test_check_in_answers_masked_and_stores_encrypted(world, gate):
    response = gate.post(f"{API}/visits", visit_body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id_number"] == "4403**********1234"
    assert data["phone"] == "139****5678"
    assert data["room"] == "3栋2单元1202"
    assert data["checked_in_by"]["name"] == "guard-a"
    assert data["inside"] is True and data["checked_in_at"] == "2026-11-18T09:00:00+08:00"
    assert ID_A not in response.content.decode()
    assert Visit.objects.get().id_masked == "4403**********1234"


def test_check_in_is_idempotent_with_a_key(world, gate):
    first = gate.post(f"{API}/visits", visit_body(world), headers={"Idempotency-Key": "k1"})
    again = gate.post(f"{API}/visits", visit_body(world), headers={"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert Visit.objects.count() == 1


def test_a_bad_document_is_a_400_naming_the_fields_and_nothing_is_written(world, gate):
    response = gate.post(f"{API}/visits", visit_body(world, id_number="440308199901011238", room="99-1-1"))
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"id_number", "room"}
    assert Visit.objects.count() == 0


def test_another_centers_community_is_404_and_no_gate_at_all_is_403(world, gate, technician_a):
    response = gate.post(f"{API}/visits", visit_body(world, community_id=world.community_b.pk, room="1-1-101"))
    assert response.status_code == 404
    response = bearer(technician_a).post(f"{API}/visits", visit_body(world))
    assert response.status_code == 403
    assert Visit.objects.count() == 0


def test_check_out_with_the_version_then_again_refused(world, gate, clock):
    visit = gate.post(f"{API}/visits", visit_body(world)).json()
    clock.shift(dt.timedelta(hours=1))
    stale = gate.post(f"{API}/visits/{visit['id']}/check-out", {"expected_version": visit["version"] + 1})
    assert stale.status_code == 409
    out = gate.post(f"{API}/visits/{visit['id']}/check-out", {"expected_version": visit["version"]})
    assert out.status_code == 200
    assert out.json()["inside"] is False and out.json()["checked_out_at"] == "2026-11-18T10:00:00+08:00"
    again = gate.post(f"{API}/visits/{visit['id']}/check-out", {})
    assert again.status_code == 400 and "已于" in again.json()["detail"]


def test_the_register_filters_and_scopes(world, gate, guard_b, resident_user_a):
    gate.post(f"{API}/visits", visit_body(world))
    gate.post(f"{API}/visits", visit_body(world, visitor_name="快递小哥", purpose="delivery", room="", plate=""))
    bearer(guard_b).post(f"{API}/visits", visit_body(world, community_id=world.community_b.pk, room="1-1-101"))
    page = gate.get(f"{API}/visits").json()
    assert page["count"] == 2
    assert [v["visitor_name"] for v in gate.get(f"{API}/visits", {"purpose": "delivery"}).json()["items"]] == [
        "快递小哥"
    ]
    assert gate.get(f"{API}/visits", {"q": "粤B12345"}).json()["count"] == 1
    assert gate.get(f"{API}/visits", {"q": "3-2-1202", "inside": "true"}).json()["count"] == 1
    assert gate.get(f"{API}/visits", {"date_from": "2026-11-19"}).json()["count"] == 0
    mine = session(resident_user_a).get(f"{API}/visits").json()
    assert [v["visitor_name"] for v in mine["items"]] == ["王强"]


def test_overstays_are_listed_after_four_hours(world, gate, clock):
    gate.post(f"{API}/visits", visit_body(world))
    assert gate.get(f"{API}/overstays").json() == []
    clock.shift(dt.timedelta(hours=4))
    assert [v["visitor_name"] for v in gate.get(f"{API}/overstays").json()] == ["王强"]


def test_reveal_is_audited_and_refused_to_a_guard(world, gate, staff):
    visit = gate.post(f"{API}/visits", visit_body(world)).json()
    refused = gate.post(f"{API}/visits/{visit['id']}/reveal", {"reason": "核对"})
    assert refused.status_code == 403
    assert PersonalDataAccess.objects.count() == 0
    manager = bearer(staff(Role.SECURITY_MANAGER))
    response = manager.post(f"{API}/visits/{visit['id']}/reveal", {"reason": "派出所协查"})
    assert response.status_code == 200 and response.json()["id_number"] == ID_A
    assert PersonalDataAccess.objects.get().reason == "派出所协查"


def test_an_invitation_lifecycle_over_the_api(world, resident_user_a, gate, clock):
    resident = session(resident_user_a)
    created = resident.post(f"{API}/invitations", invitation_body(world))
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert len(code) == 6
    # The guard sees the expected visitor, but not the code.
    expected = gate.get(f"{API}/invitations", {"expected_today": "true"}).json()
    assert [(i["visitor_name"], i["code"]) for i in expected["items"]] == [("刘洋", None)]
    early = gate.post(f"{API}/check-in-by-code", {"code": code})
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "code"
    clock.shift(dt.timedelta(minutes=30))
    visit = gate.post(f"{API}/check-in-by-code", {"code": code})
    assert visit.status_code == 201 and visit.json()["host_confirmed"] is True
    reused = gate.post(f"{API}/check-in-by-code", {"code": code})
    assert reused.status_code == 400 and "不能重复使用" in reused.json()["detail"]
    assert Invitation.objects.get().status == "used"


def test_cancel_an_invitation_with_its_version(world, gate):
    created = gate.post(f"{API}/invitations", invitation_body(world)).json()
    stale = gate.post(f"{API}/invitations/{created['id']}/cancel", {"expected_version": 5})
    assert stale.status_code == 409
    done = gate.post(f"{API}/invitations/{created['id']}/cancel", {"expected_version": 0})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_a_resident_cannot_invite_for_another_household(world, resident_user_a):
    response = session(resident_user_a).post(
        f"{API}/invitations", invitation_body(world, community_id=world.community_b.pk, room="1-1-101")
    )
    assert response.status_code == 404
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"people": 0},
        {"people": 10**12},
        {"document_type": "driving"},
        {"community_id": 2**63},
        {"checked_in_at": "9999-01-01T00:00:00"},
        {"visitor_name": "x" * 51},
    ],
)
def test_out_of_range_input_is_a_422(world, gate, body):
    assert gate.post(f"{API}/visits", visit_body(world, **body)).status_code == 422
    assert Visit.objects.count() == 0


def test_someone_elses_visit_is_404(world, gate, guard_b):
    other = bearer(guard_b).post(f"{API}/visits", visit_body(world, community_id=world.community_b.pk, room="1-1-101"))
    visit_id = other.json()["id"]
    assert gate.get(f"{API}/visits/{visit_id}").status_code == 404
    assert gate.post(f"{API}/visits/{visit_id}/check-out", {}).status_code == 404
    assert role_user(Role.SECURITY_GUARD, world.center_a) is not None
