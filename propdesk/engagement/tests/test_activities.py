"""Community cultural activities (R-EN-5, 001 §4.6.3): planned, announced by a notice through core.publishing,
recorded as held with the attendance and feedback (not before the day) or cancelled; the year's totals per
community; the pages and the API; who may do what."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from propdesk.core import publishing
from propdesk.engagement import selectors, services
from propdesk.engagement.models import ActivityEvent, CommunityActivity
from propdesk.org.choices import Role

pytestmark = pytest.mark.usefixtures("clock")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan(actor, world, day=dt.date(2026, 3, 14), **extra):
    return services.activity_plan(
        actor=actor,
        community=world.community_a,
        title=extra.pop("title", "亲子植树活动"),
        held_on=day,
        place="中心花园",
        organiser="客服部",
        **extra,
    )


def test_plan_announce_and_record_an_activity(world, cs_sup, assistant, clock, monkeypatch):
    drafts = []
    monkeypatch.setattr(publishing, "_drafter", lambda *, actor, draft: drafts.append(draft) or 77)
    activity = plan(assistant, world, description="每户一棵树苗")
    assert services.activity_announce(actor=cs_sup, activity=activity) == 77
    (draft,) = drafts
    assert draft.source == f"engagement.activity:{activity.pk}" and draft.community_id == world.community_a.pk
    assert "2026-03-14" in draft.body and "中心花园" in draft.body
    activity.refresh_from_db()
    with pytest.raises(ValidationError) as early:
        services.activity_record(actor=assistant, activity=activity, attendance=30)
    assert early.value.error_dict["held_on"][0].code == "future"
    clock.move_to(dt.datetime(2026, 3, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    activity = services.activity_record(actor=assistant, activity=activity, attendance=42, feedback="希望每年举办")
    assert (activity.status, activity.attendance, activity.notice_id) == ("held", 42, 77)
    assert [e.kind for e in ActivityEvent.objects.filter(activity=activity).order_by("pk")] == [
        "created",
        "announced",
        "held",
    ]
    totals = selectors.activity_year(world.community_a, 2026)
    assert (totals["held"], totals["attendance"], totals["planned"]) == (1, 42, 0)
    with pytest.raises(ValidationError):
        plan(assistant, world, activity=activity, expected_version=activity.version)


def test_bad_input_and_rights(world, cs_sup, assistant, staff, monkeypatch):
    with pytest.raises(ValidationError) as past:
        plan(assistant, world, day=dt.date(2026, 1, 1))
    assert past.value.error_dict["held_on"][0].code == "past"
    with pytest.raises(PermissionDenied):
        plan(staff(Role.TECHNICIAN), world)
    activity = plan(assistant, world)
    with pytest.raises(PermissionDenied):
        services.activity_announce(actor=assistant, activity=activity)
    monkeypatch.setattr(publishing, "_drafter", None)
    with pytest.raises(ValidationError) as off:
        services.activity_announce(actor=cs_sup, activity=activity)
    assert off.value.error_dict["notice"][0].code == "unavailable"
    with pytest.raises(ValidationError) as stale:
        plan(assistant, world, activity=activity, expected_version=activity.version + 1)
    assert stale.value.code == "stale_version"
    cancelled = services.activity_record(actor=assistant, activity=activity, held=False, feedback="雨天取消")
    assert cancelled.status == "cancelled" and CommunityActivity.objects.get().feedback == "雨天取消"


def test_the_pages(world, assistant, staff):
    client = login(assistant)
    response = client.post(
        "/engagement/activities/new/",
        {
            "community": world.community_a.pk,
            "title": "中秋游园会",
            "held_on": "2026-03-20",
            "place": "会所",
            "organiser": "客服部",
        },
    )
    activity = CommunityActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/engagement/activities/{activity.pk}/"
    listing = client.get(f"/engagement/activities/?community={world.community_a.pk}&year=2026").content.decode()
    assert "中秋游园会" in listing and "会所" in listing
    refused = client.post(
        "/engagement/activities/new/", {"community": world.community_a.pk, "title": "", "held_on": "2026-03-20"}
    )
    assert refused.status_code == 400 and CommunityActivity.objects.count() == 1
    early = client.post(
        f"/engagement/activities/{activity.pk}/held/", {"attendance": "10", "version": activity.version}
    )
    assert early.status_code == 400 and "活动尚未举办" in early.content.decode()
    other = staff(Role.CS_ASSISTANT, world.center_b)
    assert login(other).get(f"/engagement/activities/{activity.pk}/").status_code == 404


def test_the_api(world, assistant):
    client = login(assistant)
    made = client.post(
        "/api/v1/engagement/activities",
        {
            "community_id": world.community_a.pk,
            "title": "广场舞比赛",
            "held_on": "2026-03-21",
            "place": "东广场",
            "organiser": "业委会",
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["status"] == "planned"
    pk = made.json()["id"]
    listed = client.get(f"/api/v1/engagement/activities?community_id={world.community_a.pk}&year=2026").json()
    assert [a["title"] for a in listed] == ["广场舞比赛"]
    stale = client.put(
        f"/api/v1/engagement/activities/{pk}",
        {"title": "广场舞大赛", "held_on": "2026-03-21", "place": "东广场", "organiser": "业委会", "version": 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
