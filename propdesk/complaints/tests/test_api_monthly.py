"""The monthly-work endpoints: the summary, a training case, the notice from draft to publication, an action to
done, the legacy statistics; scope (404), stale versions (409), refusals (403)."""

import datetime as dt

import pytest

from propdesk.api.tests.conftest import bearer
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time as local
from propdesk.testing.roles import role_user

API = "/api/v1/complaints"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def at_ten(clock):
    clock.move_to(local(2026, 11, 18, 10))


def test_summary_case_and_notice(record, cast, world):
    complaint = record(content="小区路灯不亮，电话13812345678")
    api = bearer(cast.supervisor)
    summary = api.get(f"{API}/monthly/summary", {"month": "2026-11"}).json()
    assert summary["total"] == 1 and {"label": "翠湖花园", "count": 1} in summary["by_community"]
    assert api.get(f"{API}/monthly/summary", {"month": "2026-13"}).status_code == 422
    case = api.post(f"{API}/{complaint.pk}/case", {"title": "路灯"}).json()
    assert "13812345678" not in case["story"]
    body = {"service_center_id": world.center_a.pk, "month": "2026-11", "title": "公告", "body": "已修复"}
    notice = api.post(f"{API}/monthly/notices", body | {"complaint_ids": [complaint.pk]}).json()
    assert (notice["status"], notice["due_on"], notice["late"]) == ("draft", "2026-11-30", False)
    assert api.post(f"{API}/monthly/notices/{notice['id']}/approve", {}).status_code == 403
    head = bearer(role_user(Role.DEPARTMENT_MANAGER, world.center_a, username="head-a"))
    assert head.post(f"{API}/monthly/notices/{notice['id']}/approve", {"expected_version": 3}).status_code == 409
    assert head.post(f"{API}/monthly/notices/{notice['id']}/approve", {}).json()["status"] == "approved"
    done = api.post(f"{API}/monthly/notices/{notice['id']}/publish", {"how": "公告栏"}).json()
    assert done["status"] == "published" and done["late"] is False
    assert bearer(cast.reception_b).get(f"{API}/monthly/notices").json() == []


def test_actions_and_legacy(record, cast, world):
    business = bearer(role_user(Role.BUSINESS_DEPT, world.company, username="business"))
    body = {"service_center_id": world.center_a.pk, "month": "2026-11", "kind": "corrective", "title": "增加清运"}
    assert bearer(cast.manager).post(f"{API}/monthly/actions", body | {"due_on": "2026-12-10"}).status_code == 403
    action = business.post(f"{API}/monthly/actions", body | {"due_on": "2026-12-10"}).json()
    api = bearer(cast.manager)
    api.post(f"{API}/monthly/actions/{action['id']}/progress", {"note": "已签协议"})
    finished = api.post(f"{API}/monthly/actions/{action['id']}/done", {"note": "已落实"}).json()
    assert finished["done_at"] is not None and [p["note"] for p in finished["progress"]] == ["已签协议"]
    world.community_a.handover_date = dt.date(2026, 6, 1)
    world.community_a.save(update_fields=["handover_date"])
    report = api.post(
        f"{API}/monthly/legacy", {"community_id": world.community_a.pk, "year": 2026, "quarter": 4}
    ).json()
    assert report["figures"]["total"] == 0
    api.post(f"{API}/monthly/legacy/{report['id']}/review", {"note": "无"})
    assert api.post(f"{API}/monthly/legacy/{report['id']}/submit", {}).json()["submitted_at"] is not None
    assert bearer(cast.reception_b).post(f"{API}/monthly/legacy/{report['id']}/submit", {}).status_code == 404
