"""Meetings (R-RP-6, 002 §七): the morning meeting (8:20–8:30), the weekly meeting and others are recorded with
their attendees and minutes; each action item has an owner and a due date and is tracked to done; an action
item past its due date is flagged once to its owner and the chair."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from ..choices import ActionStatus, MeetingEventKind, MeetingKind
from ..models import ActionItem, Circular, Meeting, MeetingEvent
from .common import lock

MAX_ACTIONS = 30


def _center_staff(center, ids, field: str) -> list:
    ids = list(dict.fromkeys(ids or []))
    users = list(
        get_user_model().objects.filter(pk__in=ids, is_active=True, staff_profile__department__service_center=center)
    )
    if len(users) != len(ids):
        raise field_error(field, _("只能选择本服务中心的员工"), "invalid_choice")
    return users


def _clean_actions(center, day: dt.date, actions) -> list[ActionItem]:
    if len(actions or []) > MAX_ACTIONS:
        raise field_error("actions", _("待办事项最多 30 项"), "too_many")
    items = []
    for row in actions or []:
        [owner] = _center_staff(center, [row.get("user_id")], "actions")
        due_on = row.get("due_on")
        if not isinstance(due_on, dt.date):
            raise field_error("actions", _("请填写每项待办的完成期限"), "required")
        check_date(due_on, "actions")
        if due_on < day:
            raise field_error("actions", _("完成期限不能早于会议日期"), "past")
        text = clean_text(row.get("text"), "actions", limit=200)
        items.append(ActionItem(service_center=center, user=owner, text=text, due_on=due_on))
    return items


@transaction.atomic
def meeting_record(
    *, actor, center, kind: str, day: dt.date, minutes: str, attendee_ids, actions=(), circular_ids=()
) -> Meeting:
    """Record a meeting held (the actor chairs it) with its action items; each owner is told of theirs. Circulars
    at "meeting" level relayed there (``circular_ids``) point to it."""
    require(actor, "meeting.record", Meeting(service_center=center), _("只有经理或信息管理员可以登记会议记录"))
    if kind not in MeetingKind.values:
        raise field_error("kind", _("请选择会议类型"), "invalid_choice")
    if not isinstance(day, dt.date):
        raise field_error("day", _("请填写会议日期"), "required")
    check_date(day, "day")
    if day > timezone.localdate():
        raise field_error("day", _("会议日期不能晚于今天"), "future")
    minutes = clean_text(minutes, "minutes", limit=10000)
    attendees = _center_staff(center, attendee_ids, "attendee_ids")
    if not attendees:
        raise field_error("attendee_ids", _("请选择参会人员"), "required")
    items = _clean_actions(center, day, actions)
    circulars = list(Circular.objects.filter(pk__in=list(circular_ids or []), service_center=center))
    if len(circulars) != len(set(circular_ids or [])):
        raise field_error("circular_ids", _("只能选择本服务中心的信息传达"), "invalid_choice")
    meeting = Meeting.objects.create(service_center=center, kind=kind, day=day, chair=actor, minutes=minutes)
    meeting.attendees.set(attendees)
    for item in items:
        item.meeting = meeting
    ActionItem.objects.bulk_create(items)
    Circular.objects.filter(pk__in=[c.pk for c in circulars]).update(meeting=meeting)
    MeetingEvent.record(meeting, MeetingEventKind.RECORDED, actor, attendees=len(attendees), actions=len(items))
    for item in ActionItem.objects.filter(meeting=meeting).select_related("user"):
        notify(
            recipients=[item.user],
            message=Message(
                kind="internal.action_item",
                subject=t(N_("会议待办：%(text)s（%(due)s 前完成）"), text=item.text, due=f"{item.due_on:%m-%d}"),
                url=reverse("internal:meeting", args=[meeting.pk]),
            ),
            dedupe=f"internal.action_item:{item.pk}",
        )
    return meeting


@transaction.atomic
def action_item_complete(*, actor, item: ActionItem, note: str = "", expected_version=None) -> ActionItem:
    """Its owner (or a manager) marks an action item done (once)."""
    require(actor, "action_item.complete", item, _("只有负责人或经理可以完成会议待办"))
    item = lock(ActionItem, item, expected_version, _("该待办已被更新，请刷新后重试"))
    if item.status == ActionStatus.DONE:
        raise field_error("item", _("该待办已完成"), "done")
    item.status = ActionStatus.DONE
    item.done_at = timezone.now()
    item.done_note = clean_text(note, "note", required=False, limit=200)
    item.version += 1
    item.save(update_fields=["status", "done_at", "done_note", "version"])
    MeetingEvent.record(item.meeting, MeetingEventKind.ACTION_DONE, actor, item=item.pk, reason=item.done_note)
    return item


def flag_overdue_actions(*, today: dt.date | None = None) -> int:
    """Tell the owner and the chair, once, of every open action item past its due date."""
    today = today or timezone.localdate()
    flagged = 0
    due = ActionItem.objects.filter(status=ActionStatus.OPEN, overdue_at__isnull=True, due_on__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            item = ActionItem.objects.select_for_update().select_related("user", "meeting__chair").get(pk=pk)
            if item.status != ActionStatus.OPEN or item.overdue_at is not None:
                continue
            item.overdue_at = timezone.now()
            item.save(update_fields=["overdue_at"])
            MeetingEvent.record(item.meeting, MeetingEventKind.ACTION_OVERDUE, None, item=item.pk)
            notify(
                recipients=[item.user, item.meeting.chair],
                message=Message(
                    kind="internal.action_overdue",
                    subject=t(N_("会议待办逾期：%(text)s（%(due)s 到期）"), text=item.text, due=f"{item.due_on:%m-%d}"),
                    url=reverse("internal:meeting", args=[item.meeting_id]),
                ),
                dedupe=f"internal.action_overdue:{item.pk}",
            )
            flagged += 1
    return flagged
