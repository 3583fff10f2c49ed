"""The collective-complaint API (``/api/v1/complaints/collectives…``): list and detail by household, scope (another
center's is a 404), the decision once, stale versions (409), closing refused (400) with the households missing,
home visits, link / unlink / similar from a complaint; bad input changes nothing."""

import pytest

from propdesk.api.tests.conftest import bearer
from propdesk.complaints.models import CollectiveComplaint, CollectiveEvent, Complaint

API = "/api/v1/complaints"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def collective(wave):
    wave(5)
    return CollectiveComplaint.objects.get()


def test_list_and_detail_by_household(collective, cast):
    api = bearer(cast.manager)
    page = api.get(f"{API}/collectives").json()
    assert page["count"] == 1 and page["items"][0]["household_count"] == 5
    body = api.get(f"{API}/collectives/{collective.pk}").json()
    assert len(body["households"]) == 5 and len(body["missing_visits"]) == 5
    assert body["status"] == "open"
    assert bearer(cast.reception_b).get(f"{API}/collectives/{collective.pk}").status_code == 404
    assert api.get(f"{API}/collectives/{collective.pk}/events").json()[0]["kind"] == "opened"


def test_decision_once_and_stale_versions(collective, cast):
    api = bearer(cast.manager)
    url = f"{API}/collectives/{collective.pk}/decision"
    stale = api.post(url, {"notify_general_manager": True, "notify_developer": False, "expected_version": 99})
    assert stale.status_code == 409
    ok = api.post(url, {"notify_general_manager": True, "notify_developer": False, "note": "已电话报告"})
    assert ok.status_code == 200 and ok.json()["notify_general_manager"] is True
    again = api.post(url, {"notify_general_manager": False, "notify_developer": True})
    assert again.status_code == 400 and "不能重复记录" in again.json()["detail"]
    assert (
        bearer(cast.reception).post(url, {"notify_general_manager": True, "notify_developer": True}).status_code == 403
    )
    assert CollectiveEvent.objects.filter(collective=collective, kind="decided").count() == 1


def test_closing_refused_until_every_household_is_visited(collective, cast, homes):
    api = bearer(cast.manager)
    refused = api.post(f"{API}/collectives/{collective.pk}/close", {})
    assert refused.status_code == 400 and str(homes[0].unit) in refused.json()["detail"]
    visit = {"visited_at": "2026-11-18T09:45:00", "customer_said": "满意"}
    for home in homes[:5]:
        answer = bearer(cast.assistant).post(
            f"{API}/collectives/{collective.pk}/home-visits", {**visit, "household_id": home.pk}
        )
        assert answer.status_code == 200, answer.content
    someone = bearer(cast.assistant).post(
        f"{API}/collectives/{collective.pk}/home-visits",
        {**visit, "household_id": homes[5].pk, "visited_by_id": cast.clerk.pk},
    )
    assert someone.status_code == 400
    stranger = bearer(cast.assistant).post(
        f"{API}/collectives/{collective.pk}/home-visits", {**visit, "household_id": homes[6].pk}
    )
    assert stranger.status_code == 400
    closed = api.post(f"{API}/collectives/{collective.pk}/close", {"note": "全部回访"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_similar_link_and_unlink(collective, cast, record, homes):
    member = Complaint.objects.filter(collective=collective).first()
    api = bearer(cast.reception)
    similar = api.get(f"{API}/{member.pk}/similar").json()
    assert collective.pk in similar["collectives"] and similar["nth"] >= 5
    out = api.post(f"{API}/{member.pk}/collective/unlink", {"reason": "不是同一部电梯"})
    assert out.status_code == 200 and out.json()["collective_id"] is None
    back = api.post(f"{API}/{member.pk}/collective", {"collective_id": collective.pk})
    assert back.status_code == 200 and back.json()["collective_id"] == collective.pk
    missing = api.post(f"{API}/{member.pk}/collective", {"collective_id": 2**31 - 1})
    assert missing.status_code == 404
    huge = api.post(f"{API}/{member.pk}/collective", {"collective_id": 10**30})
    assert huge.status_code == 422
    assert Complaint.objects.get(pk=member.pk).collective_id == collective.pk
