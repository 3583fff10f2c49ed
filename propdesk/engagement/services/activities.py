"""Community cultural activities (R-EN-5, 001 §4.6.3): planned (title, date, place, organiser), announced to the
residents by a notice drafted through ``core.publishing``, then recorded as held (attendance, feedback) or
cancelled. Each change leaves an event."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core import publishing
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require

from ..choices import ActivityStatus, EngagementEventKind
from ..models import ActivityEvent, CommunityActivity
from .common import lock

PLAN_AHEAD_DAYS = 366
RECORD_WITHIN_DAYS = 62


def _day(value, field: str) -> dt.date:
    check_date(value, field)
    if not isinstance(value, dt.date):
        raise field_error(field, _("请填写日期"), "required")
    return value


@transaction.atomic
def activity_plan(
    *,
    actor,
    community: Community,
    title: str,
    held_on: dt.date,
    place: str,
    organiser: str,
    description: str = "",
    activity: CommunityActivity | None = None,
    expected_version: int | None = None,
) -> CommunityActivity:
    """Plan an activity (or enter one held in the last 62 days, to record it), or change a planned one (not once
    it is held or cancelled)."""
    require(actor, "activity.plan", CommunityActivity(community=community), _("您无权安排该小区的社区活动"))
    held_on = _day(held_on, "held_on")
    today = timezone.localdate()
    if activity is None and held_on < today - dt.timedelta(days=RECORD_WITHIN_DAYS):
        # An activity already held may be entered afterwards, to record it, within the same window.
        raise field_error("held_on", _("只能补登 %(n)s 天内的活动") % {"n": RECORD_WITHIN_DAYS}, "past")
    if held_on > today + dt.timedelta(days=PLAN_AHEAD_DAYS):
        raise field_error("held_on", _("只能安排一年内的活动"), "too_far")
    values = {
        "title": clean_text(title, "title", limit=100),
        "held_on": held_on,
        "place": clean_text(place, "place", limit=100),
        "organiser": clean_text(organiser, "organiser", limit=100),
        "description": clean_text(description, "description", required=False, limit=2000),
    }
    if activity is None:
        activity = CommunityActivity.objects.create(community=community, created_by=actor, **values)
        ActivityEvent.record(activity, EngagementEventKind.CREATED, actor, held_on=held_on.isoformat())
        return activity
    activity = lock(CommunityActivity, activity, expected_version, _("活动已被他人修改，请刷新后重试"))
    if activity.status != ActivityStatus.PLANNED or activity.community_id != community.pk:
        raise field_error("status", _("活动已举办或已取消，不能再修改"), "read_only")
    for name, value in values.items():
        setattr(activity, name, value)
    activity.version += 1
    activity.save()
    ActivityEvent.record(activity, EngagementEventKind.CHANGED, actor, held_on=held_on.isoformat())
    return activity


def activity_notice_body(activity: CommunityActivity) -> str:
    lines = [
        _("活动名称：%(v)s") % {"v": activity.title},
        _("活动时间：%(v)s") % {"v": activity.held_on.isoformat()},
        _("活动地点：%(v)s") % {"v": activity.place},
        _("组织者：%(v)s") % {"v": activity.organiser},
    ]
    if activity.description:
        lines += ["", activity.description]
    lines += ["", _("欢迎各位业主、住户踊跃参加。")]
    return "\n".join(lines)


@transaction.atomic
def activity_announce(*, actor, activity: CommunityActivity, expected_version: int | None = None) -> int:
    """Draft the notice inviting the community's residents (source ``engagement.activity:<id>``)."""
    require(actor, "activity.announce", activity, _("您无权发布活动公告"))
    activity = lock(CommunityActivity, activity, expected_version, _("活动已被他人修改，请刷新后重试"))
    if activity.status != ActivityStatus.PLANNED:
        raise field_error("status", _("只能为计划中的活动发布公告"), "invalid_status")
    if activity.notice_id:
        raise field_error("notice", _("该活动已发布公告"), "already_announced")
    if not publishing.can_publish():
        raise field_error("notice", _("公告功能未启用，暂不能发布为公告"), "unavailable")
    draft = publishing.NoticeDraft(
        service_center_id=activity.community.service_center_id,
        community_id=activity.community_id,
        title=_("社区活动通知：%(title)s") % {"title": activity.title},
        body=activity_notice_body(activity),
        source=f"engagement.activity:{activity.pk}",
        valid_days=max(1, (activity.held_on - timezone.localdate()).days + 1),
    )
    notice_id = publishing.draft_notice(actor=actor, draft=draft)
    activity.notice_id = notice_id
    activity.version += 1
    activity.save(update_fields=["notice_id", "version"])
    ActivityEvent.record(activity, EngagementEventKind.ANNOUNCED, actor, notice=notice_id)
    return notice_id


@transaction.atomic
def activity_record(
    *,
    actor,
    activity: CommunityActivity,
    held: bool = True,
    attendance: int | None = None,
    feedback: str = "",
    expected_version: int | None = None,
) -> CommunityActivity:
    """Record a planned activity as held (on or after its day: attendance, the residents' feedback) or cancelled."""
    require(actor, "activity.plan", activity, _("您无权登记该活动"))
    activity = lock(CommunityActivity, activity, expected_version, _("活动已被他人修改，请刷新后重试"))
    if activity.status != ActivityStatus.PLANNED:
        raise field_error("status", _("活动已登记，不能重复登记"), "invalid_status")
    today = timezone.localdate()
    if held:
        if activity.held_on > today:
            raise field_error("held_on", _("活动尚未举办，不能登记参加情况"), "future")
        if activity.held_on < today - dt.timedelta(days=RECORD_WITHIN_DAYS):
            raise field_error("held_on", _("只能补登 %(n)s 天内的活动") % {"n": RECORD_WITHIN_DAYS}, "too_old")
        if not isinstance(attendance, int) or isinstance(attendance, bool) or not 0 <= attendance <= 100000:
            raise field_error("attendance", _("请填写参加人数（0 至 100000）"), "invalid")
        activity.attendance = attendance
        activity.feedback = clean_text(feedback, "feedback", required=False, limit=5000)
        activity.status = ActivityStatus.HELD
    else:
        activity.feedback = clean_text(feedback, "feedback", limit=500)
        activity.status = ActivityStatus.CANCELLED
    activity.version += 1
    activity.save()
    ActivityEvent.record(
        activity,
        EngagementEventKind.HELD if held else EngagementEventKind.STATUS,
        actor,
        to_status=activity.status,
        attendance=activity.attendance,
    )
    return activity
