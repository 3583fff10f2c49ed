"""Meetings (R-RP-6, 002 §七): a morning or weekly meeting with attendees, minutes and action items; each owner
is told of theirs and sees it on "my day"; an action item past its due date is flagged once to its owner and
the chair; it is tracked to done by its owner."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import inbox
from propdesk.internal import selectors, services
from propdesk.internal.models import ActionItem, Meeting
from propdesk.testing.clock import shanghai_time

API = "/api/v1/internal"
DAY = dt.date(2026, 11, 18)


def morning(office, **overrides):
    crew = office.crew
    data = {
        "center": crew.plumber.staff_profile.department.service_center,
        "kind": "morning",
        "day": DAY,
        "minutes": "昨日报修 12 单，完成 11 单；今日重点：3 栋水泵检修。",
        "attendee_ids": [crew.plumber.pk, crew.electrician.pk],
        "actions": [{"user_id": crew.plumber.pk, "text": "3 栋水泵检修", "due_on": dt.date(2026, 11, 20)}],
    }
    return services.meeting_record(actor=crew.manager, **{**data, **overrides})


def test_a_morning_meeting_gives_each_owner_their_action_item(client, office):
    meeting = morning(office)
    assert (meeting.chair, meeting.get_kind_display(), meeting.attendees.count()) == (
        office.crew.manager,
        "晨会（8:20–8:30）",
        2,
    )
    assert inbox(office.crew.plumber, "internal.action_item") == ["会议待办：3 栋水泵检修（11-20 前完成）"]
    assert [a.text for a in selectors.my_actions(user=office.crew.plumber)] == ["3 栋水泵检修"]
    assert list(selectors.my_actions(user=office.crew.electrician)) == []
    client.force_login(office.crew.plumber)
    assert "3 栋水泵检修" in client.get(reverse("internal:my_day")).content.decode()


def test_an_overdue_action_item_is_flagged_once_to_owner_and_chair(office, clock):
    morning(office)
    assert services.flag_overdue_actions() == 0
    clock.move_to(shanghai_time(2026, 11, 21, 9))
    assert services.flag_overdue_actions() == 1
    assert services.flag_overdue_actions() == 0
    expected = ["会议待办逾期：3 栋水泵检修（11-20 到期）"]
    assert inbox(office.crew.plumber, "internal.action_overdue") == expected
    assert inbox(office.crew.manager, "internal.action_overdue") == expected


def test_done_by_its_owner_is_never_flagged(office, clock):
    item = ActionItem.objects.get(meeting=morning(office))
    with pytest.raises(PermissionDenied):
        services.action_item_complete(actor=office.crew.electrician, item=item)
    assert ActionItem.objects.get(pk=item.pk).status == "open"
    services.action_item_complete(actor=office.crew.plumber, item=item, note="已更换轴承", expected_version=0)
    assert list(selectors.my_actions(user=office.crew.plumber)) == []
    clock.move_to(shanghai_time(2026, 11, 25, 9))
    assert services.flag_overdue_actions() == 0


def test_bad_meetings_change_nothing(office, world):
    with pytest.raises(ValidationError, match="会议日期不能晚于今天"):
        morning(office, day=dt.date(2026, 11, 19))
    with pytest.raises(ValidationError, match="只能选择本服务中心的员工"):
        morning(office, attendee_ids=[office.crew.tech_b.pk])
    with pytest.raises(ValidationError, match="完成期限不能早于会议日期"):
        morning(office, actions=[{"user_id": office.crew.plumber.pk, "text": "x", "due_on": dt.date(2026, 11, 1)}])
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            actor=office.crew.plumber, center=world.center_a, kind="weekly", day=DAY, minutes="x", attendee_ids=[]
        )
    assert (Meeting.objects.count(), ActionItem.objects.count()) == (0, 0)


def test_meetings_over_the_api(office, world):
    boss = bearer(office.crew.manager)
    body = {
        "center_id": world.center_a.pk,
        "kind": "weekly",
        "day": "2026-11-18",
        "minutes": "本周总结",
        "attendee_ids": [office.crew.plumber.pk],
        "actions": [{"user_id": office.crew.plumber.pk, "text": "整理库存", "due_on": "2026-11-19"}],
    }
    created = boss.post(f"{API}/meetings", body)
    assert created.status_code == 201, created.content
    assert created.json()["kind_label"] == "周例会"
    assert boss.post(f"{API}/meetings", {**body, "kind": "yearly"}).status_code == 422
    assert bearer(office.crew.plumber).post(f"{API}/meetings", body).status_code == 403
    me = bearer(office.crew.plumber)
    [action] = me.get(f"{API}/actions").json()
    assert me.get(f"{API}/my-day/routine").json()["actions"][0]["text"] == "整理库存"
    assert bearer(office.crew.electrician).post(f"{API}/actions/{action['id']}/done", {}).status_code == 403
    done = me.post(f"{API}/actions/{action['id']}/done", {"expected_version": 0, "note": "完成"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert me.get(f"{API}/actions").json() == []


def test_a_meeting_level_circular_points_to_the_meeting_where_it_was_relayed(office, world):
    from propdesk.internal.choices import Level

    circular = services.circular_register(
        actor=office.crew.manager,
        center=world.center_a,
        title="春节值班安排",
        source="公司行政部",
        level=Level.MEETING,
        user_ids=[office.crew.plumber.pk],
    )
    meeting = morning(office, circular_ids=[circular.pk])
    assert list(meeting.circulars.all()) == [circular]
