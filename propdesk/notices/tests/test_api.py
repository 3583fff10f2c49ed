"""The notices API: the same chain, rules and refusals as the pages."""

import datetime as dt

import pytest

from propdesk.api.tests.conftest import bearer
from propdesk.notices.models import BroadcastTask, Notice

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("clock")


def _body(world, **overrides) -> dict:
    starts = NOW + dt.timedelta(hours=72)
    base = {
        "service_center_id": world.center_a.pk,
        "kind": "outage_planned",
        "title": "3栋计划停电通知",
        "body": "<p>配电房检修</p><img src=x onerror=alert(1)>",
        "audience": "buildings",
        "community_id": world.community_a.pk,
        "building_ids": [world.household_a.unit.building_id],
        "valid_from": NOW.isoformat(),
        "valid_until": (starts + dt.timedelta(days=1)).isoformat(),
        "utility": "power",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
        "answer_text": "配电房检修停电 2 小时",
    }
    return {**base, **overrides}


def test_the_chain_over_the_api(world, info_a, manager_a, sealed_center):
    info, boss = bearer(info_a), bearer(manager_a)
    created = info.post("/api/v1/notices", _body(world))
    assert created.status_code == 201, created.content
    notice = created.json()
    assert "onerror" not in notice["body"] and notice["status"] == "draft"
    pk = notice["id"]
    assert info.post(f"/api/v1/notices/{pk}/approve", {}).status_code == 403
    assert boss.post(f"/api/v1/notices/{pk}/approve", {}).status_code == 400  # not submitted yet
    assert info.post(f"/api/v1/notices/{pk}/submit", {"expected_version": 0}).status_code == 200
    assert [n["id"] for n in boss.get("/api/v1/notices/approvals").json()] == [pk]
    stale = boss.post(f"/api/v1/notices/{pk}/approve", {"expected_version": 0})
    assert stale.status_code == 409
    assert boss.post(f"/api/v1/notices/{pk}/approve", {}).json()["status"] == "approved"
    assert info.post(f"/api/v1/notices/{pk}/seal", {}).json()["status"] == "sealed"
    posted = info.post(f"/api/v1/notices/{pk}/schedule", {})
    assert posted.json()["status"] == "posted"


def test_the_72_hours_over_the_api(world, info_a):
    info = bearer(info_a)
    late = NOW + dt.timedelta(hours=71, minutes=59)
    pk = info.post(
        "/api/v1/notices", _body(world, starts_at=late.isoformat(), ends_at=(late + dt.timedelta(hours=2)).isoformat())
    ).json()["id"]
    refused = info.post(f"/api/v1/notices/{pk}/submit", {})
    assert refused.status_code == 400
    assert "72 小时" in str(refused.json())
    assert Notice.objects.get(pk=pk).status == "draft"


def test_another_centers_staff_sees_nothing(world, info_a, manager_b):
    pk = bearer(info_a).post("/api/v1/notices", _body(world)).json()["id"]
    other = bearer(manager_b)
    assert other.get(f"/api/v1/notices/{pk}").status_code == 404
    assert other.post("/api/v1/notices", _body(world)).status_code == 404


def test_warnings_acknowledgements_and_broadcast_over_the_api(world, operator_a, manager_a):
    operator = bearer(operator_a)
    made = operator.post(
        "/api/v1/notices/warnings", {"service_center_id": world.center_a.pk, "hazard": "typhoon", "level": 3}
    )
    assert made.status_code == 201 and made.json()["broadcast"] == "mandatory"
    pk = made.json()["id"]
    assert bearer(manager_a).post(f"/api/v1/notices/warnings/{pk}/acknowledge", {}).status_code == 200
    acks = operator.get(f"/api/v1/notices/warnings/{pk}/acknowledgements").json()
    assert [a["acknowledged_at"] is None for a in acks] == [True, False]
    task = operator.get("/api/v1/notices/broadcasts/tasks").json()[0]
    assert task["status"] == "open"
    assert operator.post(f"/api/v1/notices/broadcasts/tasks/{task['id']}/done", {"methods": []}).status_code == 422
    done = operator.post(f"/api/v1/notices/broadcasts/tasks/{task['id']}/done", {"methods": ["loudspeaker"]})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert BroadcastTask.objects.get().done_by == operator_a


def test_a_resident_reads_the_notices_of_their_household(
    world, info_a, manager_a, sealed_center, resident_user_a, client
):
    info = bearer(info_a)
    pk = info.post("/api/v1/notices", _body(world)).json()["id"]
    info.post(f"/api/v1/notices/{pk}/submit", {})
    bearer(manager_a).post(f"/api/v1/notices/{pk}/approve", {})
    info.post(f"/api/v1/notices/{pk}/seal", {})
    info.post(f"/api/v1/notices/{pk}/schedule", {})
    client.force_login(resident_user_a)
    assert [n["id"] for n in client.get(f"/api/v1/notices/households/{world.household_a.pk}").json()] == [pk]
    assert client.get(f"/api/v1/notices/households/{world.household_b.pk}").status_code == 404


def test_times_without_an_offset_are_local_time(world, info_a):
    body = _body(world, valid_from="2026-11-16T09:00:00", valid_until="2026-12-30T09:00:00")
    body["starts_at"], body["ends_at"] = "2026-11-19T09:00:00", "2026-11-19T13:00:00"
    made = bearer(info_a).post("/api/v1/notices", body)
    assert made.status_code == 201, made.content
    assert made.json()["starts_at"] == "2026-11-19T09:00:00+08:00"
    # exactly 72 hours after NOW (2026-11-16 09:00 local): accepted
    assert bearer(info_a).post(f"/api/v1/notices/{made.json()['id']}/submit", {}).status_code == 200
