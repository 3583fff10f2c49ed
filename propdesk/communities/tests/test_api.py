"""Communities over the API: directory, households (masked), audited reveal, import, my households."""

import io
import json

import pytest
from django.test import Client
from openpyxl import Workbook

from propdesk.api.services import api_token_create
from propdesk.communities.models import Household, Resident
from propdesk.core.models import PersonalDataAccess
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user


def _bearer(user) -> Client:
    _token, secret = api_token_create(actor=user, name="测试")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "单元", "房号", "住户姓名", "电话"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_directory_lists_only_visible_communities(world, reception_a):
    response = _bearer(reception_a).get("/api/v1/communities")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [world.community_a.pk]
    assert response.json()[0]["name"] == world.community_a.name


def test_households_are_listed_with_masked_phones_and_searchable(world, reception_a):
    client = _bearer(reception_a)

    response = client.get(f"/api/v1/communities/{world.community_a.pk}/households", {"q": world.household_a.unit.code})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    resident = body["items"][0]["residents"][0]
    assert resident["name"] == world.resident_a.name
    assert resident["phone"] != world.resident_a.phone
    assert "****" in resident["phone"]
    assert world.resident_a.phone not in response.content.decode()


def test_another_centers_community_and_household_are_not_found(world, reception_a):
    client = _bearer(reception_a)

    assert client.get(f"/api/v1/communities/{world.community_b.pk}/households").status_code == 404
    assert client.get(f"/api/v1/households/{world.household_b.pk}").status_code == 404


def test_reveal_gives_the_number_and_writes_an_audit_row(world, reception_a):
    response = _post(
        _bearer(reception_a),
        f"/api/v1/residents/{world.resident_a.pk}/reveal",
        {"field": "phone", "reason": "回访维修结果"},
    )

    assert response.status_code == 200
    assert response.json() == {"resident_id": world.resident_a.pk, "field": "phone", "value": world.resident_a.phone}
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.reason, access.field) == (reception_a, "回访维修结果", "phone")


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.TECHNICIAN, Role.REPAIR_MANAGER])
def test_reveal_is_refused_without_the_right_and_leaves_no_row(world, role):
    response = _post(
        _bearer(role_user(role, world.center_a)),
        f"/api/v1/residents/{world.resident_a.pk}/reveal",
        {"field": "phone", "reason": "想看看"},
    )

    assert response.status_code in (403, 404)
    assert world.resident_a.phone not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_reveal_needs_a_reason(world, reception_a):
    response = _post(
        _bearer(reception_a), f"/api/v1/residents/{world.resident_a.pk}/reveal", {"field": "phone", "reason": ""}
    )

    assert response.status_code in (400, 422)
    assert PersonalDataAccess.objects.count() == 0


def test_import_writes_every_row_or_none(world):
    manager = role_user(Role.CENTER_MANAGER, world.center_a)
    client = _bearer(manager)
    before = Household.objects.count()

    bad = client.post(
        f"/api/v1/communities/{world.community_a.pk}/import",
        {"file": io.BytesIO(_sheet([["9", "1", "101", "新住户", "13800009999"], ["9", "1", "", "无房号", ""]]))},
    )
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["row:3"]
    assert Household.objects.count() == before

    upload = io.BytesIO(_sheet([["9", "1", "101", "新住户", "13800009999"]]))
    upload.name = "households.xlsx"
    good = client.post(f"/api/v1/communities/{world.community_a.pk}/import", {"file": upload})
    assert good.status_code == 200
    assert good.json()["households_created"] == 1
    assert Resident.objects.filter(name="新住户").exists()


def test_import_is_refused_to_the_front_desk(world, reception_a):
    response = _bearer(reception_a).post(
        f"/api/v1/communities/{world.community_a.pk}/import",
        {"file": io.BytesIO(_sheet([["9", "1", "101", "新住户", "13800009999"]]))},
    )

    assert response.status_code == 403
    assert not Resident.objects.filter(name="新住户").exists()


def test_a_resident_sees_their_own_households(world, resident_user_a):
    client = Client()
    client.force_login(resident_user_a)

    response = client.get("/api/v1/households/mine")

    assert response.status_code == 200
    assert [h["id"] for h in response.json()] == [world.household_a.pk]
    assert client.get("/api/v1/communities").status_code == 403
