"""The planner and the interview register over the API: a plan with its progress, my households, an interview
whose findings become tickets, a finding after the fact, stale versions (409), bad input and other scopes (4xx)."""

import pytest

from propdesk.api.tests.conftest import bearer
from propdesk.org.choices import Role

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/engagement"


def test_plan_then_my_households_then_an_interview_with_a_ticket(world, cs_sup, assistant):
    boss = bearer(cs_sup)
    plan = boss.post(f"{API}/plans", {"community_id": world.community_a.pk, "year": 2026, "member_ids": [assistant.pk]})
    assert plan.status_code == 200, plan.content
    body = plan.json()
    assert (body["target"], body["members"][0]["id"], body["months"][0]) == (
        500,
        assistant.pk,
        {"month": 3, "planned": 1, "done": 0},
    )
    stale = boss.post(
        f"{API}/plans",
        {"community_id": world.community_a.pk, "year": 2026, "member_ids": [assistant.pk], "version": 0},
    )
    assert stale.status_code == 409
    client = bearer(assistant)
    mine = client.get(f"{API}/my-households").json()
    assert [(m["room"], m["done"]) for m in mine] == [("3栋2单元1202", False)]
    created = client.post(
        f"{API}/interviews",
        {
            "household_id": world.household_a.pk,
            "kind": "home_visit",
            "satisfaction": 3,
            "findings": [{"kind": "repair", "text": "阳台地漏堵塞"}],
        },
    )
    assert created.status_code == 201, created.content
    interview = created.json()
    assert interview["findings"][0]["ticket_number"].startswith("BX-")
    assert client.get(f"{API}/my-households").json()[0]["done"] is True
    more = client.post(
        f"{API}/interviews/{interview['id']}/tickets", {"kind": "suggestion", "text": "增加垃圾分类指引"}
    )
    assert more.status_code == 201 and len(more.json()["findings"]) == 2
    listed = client.get(f"{API}/interviews", {"kind": "home_visit"}).json()
    assert listed["count"] == 1
    progress = boss.get(f"{API}/plans/{world.community_a.pk}/2026").json()
    assert (progress["covered"], progress["done_to_date"]) == (1, 1)


def test_bad_input_and_other_scopes(world, assistant, staff):
    client = bearer(assistant)
    assert (
        client.post(
            f"{API}/interviews", {"household_id": world.household_a.pk, "kind": "x", "satisfaction": 3}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{API}/interviews", {"household_id": world.household_b.pk, "kind": "phone", "satisfaction": 3}
        ).status_code
        == 404
    )
    refused = client.post(
        f"{API}/interviews",
        {
            "household_id": world.household_a.pk,
            "kind": "phone",
            "satisfaction": 3,
            "findings": [{"kind": "repair", "text": " "}],
        },
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "finding_text"
    assert (
        client.post(
            f"{API}/plans", {"community_id": world.community_a.pk, "year": 2026, "member_ids": [assistant.pk]}
        ).status_code
        == 404
    )
    assert bearer(staff(Role.TECHNICIAN)).get(f"{API}/my-households").json() == []
    assert client.get(f"{API}/interviews/999999").status_code == 404
