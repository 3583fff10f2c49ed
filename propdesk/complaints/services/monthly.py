"""Monthly work on complaints (R-CP-8): training cases (anonymised), the public-interest notice (approved, then
published by the 30th), corrective/preventive actions (issued, progress, done; the assignee told), the quarterly
developer-legacy statistics (compiled, reviewed, submitted). Each write checks the rule set and the version and
appends a ``core.Event`` row."""

import calendar
import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Resident
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.events import record_event
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import render, t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.tickets.models import Reply

from .. import permissions  # noqa: F401  (declares the rules)
from ..models import Complaint
from ..models_monthly import CorrectiveAction, NoticeStatus, PublicNotice, TrainingCase
from .collective import _for_message

PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})(?!\d)")
ROOM = re.compile(r"\d+\s*(?:栋|幢|号楼|单元|室|楼|层|号)|(?<!\d)\d{1,3}-\d{1,3}-\d{2,4}(?!\d)")


def anonymise(text: str, complaint: Complaint) -> str:
    """The text without the customer's name, phone numbers or room numbers (names of the household's residents
    and the ticket's contact become "业户", numbers become "***")."""
    names = {complaint.ticket.contact_name}
    if complaint.household_id:
        names |= set(Resident.objects.filter(household_id=complaint.household_id).values_list("name", flat=True))
    for name in sorted((n for n in names if n and len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, "业户")
        text = text.replace(name[0] + "先生", "业户").replace(name[0] + "女士", "业户")
    text = PHONE.sub("***", text)
    return ROOM.sub("***", text)


def _lock(model, obj, expected_version):
    row = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(_("已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": row.version}, code="stale_version")
    return row


def _bump(row, fields: list[str]) -> None:
    row.version = F("version") + 1
    row.save(update_fields=[*fields, "version"])
    row.refresh_from_db(fields=["version"])


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def notice_due(month: dt.date) -> dt.date:
    """The 30th of the month (the last day of a shorter month)."""
    return month.replace(day=min(30, calendar.monthrange(month.year, month.month)[1]))


# ----------------------------------------------------------------------------- training cases


@transaction.atomic
def training_case_write(*, actor, complaint: Complaint, title: str, lessons: str = "") -> TrainingCase:
    """Write a handled complaint up as a training case: its content and handling, anonymised."""
    case = TrainingCase(service_center_id=complaint.service_center_id, complaint=complaint)
    require(actor, "complaint_monthly.write_case", case, _("您无权编写投诉案例"))
    title = clean_text(title, "title", limit=100)
    lessons = clean_text(lessons, "lessons", required=False, limit=2000)
    ticket = complaint.ticket
    replies = "；".join(render(r.content) for r in Reply.objects.filter(ticket=ticket).order_by("at", "pk"))
    story = _("投诉：%(content)s\n处理：%(handling)s\n客户意见：%(opinion)s") % {
        "content": ticket.content,
        "handling": replies or "—",
        "opinion": complaint.customer_opinion or "—",
    }
    case.title, case.lessons, case.written_by = anonymise(title, complaint), anonymise(lessons, complaint), actor
    case.story = anonymise(story, complaint)
    case.save()
    record_event(actor=actor, verb="complaint_case.written", target=case, data={"complaint": complaint.pk})
    return case


# ----------------------------------------------------------------------------- the public-interest notice


@transaction.atomic
def notice_draft(*, actor, service_center, month: dt.date, title: str, body: str, complaints: list[Complaint]):
    """Draft the month's public-interest notice from chosen complaints of the center in that month."""
    month = month_start(month)
    notice = PublicNotice(service_center=service_center, month=month, due_on=notice_due(month), drafted_by=actor)
    require(actor, "complaint_monthly.draft_notice", notice, _("您无权拟写月度投诉公告"))
    if PublicNotice.objects.filter(service_center=service_center, month=month).exists():
        raise field_error("month", _("本月的公告已拟写"), "exists")
    if not complaints:
        raise field_error("complaints", _("请选择至少一宗投诉"), "required")
    for c in complaints:
        if c.service_center_id != service_center.pk or month_start(timezone.localdate(c.created_at)) != month:
            raise field_error("complaints", _("只能选择本中心本月的投诉：%(n)s") % {"n": c.ticket.number}, "invalid")
    notice.title = clean_text(title, "title", limit=100)
    notice.body = clean_text(body, "body", limit=10000)
    notice.save()
    notice.complaints.set(complaints)
    record_event(
        actor=actor, verb="complaint_notice.drafted", target=notice, data={"complaints": [c.pk for c in complaints]}
    )
    return notice


@transaction.atomic
def notice_approve(*, actor, notice: PublicNotice, expected_version: int | None = None) -> PublicNotice:
    notice = _lock(PublicNotice, notice, expected_version)
    require(actor, "complaint_monthly.approve_notice", notice, _("月度投诉公告须由部门负责人审批"))
    if notice.status != NoticeStatus.DRAFT:
        raise field_error("status", _("该公告已审批"), "approved")
    notice.status, notice.approved_by, notice.approved_at = NoticeStatus.APPROVED, actor, timezone.now()
    _bump(notice, ["status", "approved_by", "approved_at"])
    record_event(actor=actor, verb="complaint_notice.approved", target=notice)
    return notice


@transaction.atomic
def notice_publish(*, actor, notice: PublicNotice, how: str, expected_version: int | None = None) -> PublicNotice:
    """Record the publication to all customers (notice boards, the resident portal …); after the 30th it is late."""
    notice = _lock(PublicNotice, notice, expected_version)
    require(actor, "complaint_monthly.publish_notice", notice, _("您无权公布月度投诉公告"))
    if notice.status != NoticeStatus.APPROVED:
        raise field_error(
            "status",
            _("公告须先经部门负责人审批才能公布") if notice.status == NoticeStatus.DRAFT else _("该公告已公布"),
            "status",
        )
    notice.published_how = clean_text(how, "how", limit=100)
    notice.status, notice.published_by, notice.published_at = NoticeStatus.PUBLISHED, actor, timezone.now()
    _bump(notice, ["status", "published_by", "published_at", "published_how"])
    record_event(
        actor=actor,
        verb="complaint_notice.published",
        target=notice,
        data={"late": notice.late, "how": notice.published_how},
    )
    return notice


# ----------------------------------------------------------------------------- corrective / preventive actions


def center_managers(service_center) -> list:
    """The active managers of the service center itself (not of its communities, branch or company)."""
    members = RoleMembership.objects.filter(is_active=True, role=Role.CENTER_MANAGER, service_center=service_center)
    return list(get_user_model().objects.filter(is_active=True, pk__in=members.values("user")).order_by("pk"))


def _tell_center(action: CorrectiveAction, subject, dedupe: str) -> None:
    managers = center_managers(action.service_center)
    notify(
        recipients=managers,
        message=Message(
            kind="complaint.action",
            subject=_for_message(subject),
            body=_for_message(
                t(N_("%(title)s，完成期限 %(due)s"), title=action.title, due=f"{action.due_on:%Y-%m-%d}")
            ),
            url=reverse("complaints:monthly"),
        ),
        dedupe=dedupe,
    )


@transaction.atomic
def action_issue(*, actor, service_center, month: dt.date, kind: str, title: str, due_on: dt.date, detail: str = ""):
    """The business-management department issues an action from the monthly analysis to a center."""
    action = CorrectiveAction(
        service_center=service_center, month=month_start(month), kind=kind, due_on=due_on, issued_by=actor
    )
    require(actor, "complaint_monthly.issue_action", action, _("纠正预防措施由业务管理部下达"))
    if kind not in ("corrective", "preventive"):
        raise field_error("kind", _("请选择纠正措施或预防措施"), "invalid")
    if not isinstance(due_on, dt.date) or due_on < timezone.localdate():
        raise field_error("due_on", _("完成期限不能早于今天"), "past")
    action.title = clean_text(title, "title", limit=100)
    action.detail = clean_text(detail, "detail", required=False, limit=2000)
    action.save()
    record_event(actor=actor, verb="complaint_action.issued", target=action, data={"due_on": due_on.isoformat()})
    _tell_center(action, t(N_("纠正预防措施：%(title)s"), title=action.title), f"complaint-action-issued:{action.pk}")
    return action


@transaction.atomic
def action_progress(*, actor, action: CorrectiveAction, note: str, expected_version: int | None = None):
    action = _lock(CorrectiveAction, action, expected_version)
    require(actor, "complaint_monthly.progress_action", action, _("您无权记录该措施的进展"))
    if action.done_at is not None:
        raise field_error("note", _("该措施已完成"), "done")
    note = clean_text(note, "note", limit=1000)
    action.progress = [*action.progress, {"at": timezone.now().isoformat(), "by": actor.pk, "note": note}]
    _bump(action, ["progress"])
    record_event(actor=actor, verb="complaint_action.progress", target=action, reason=note)
    return action


@transaction.atomic
def action_finish(*, actor, action: CorrectiveAction, note: str, expected_version: int | None = None):
    action = _lock(CorrectiveAction, action, expected_version)
    require(actor, "complaint_monthly.finish_action", action, _("措施完成须由服务中心经理确认"))
    if action.done_at is not None:
        raise field_error("note", _("该措施已完成"), "done")
    action.done_note = clean_text(note, "note", limit=2000)
    action.done_at, action.done_by = timezone.now(), actor
    _bump(action, ["done_note", "done_at", "done_by"])
    record_event(
        actor=actor, verb="complaint_action.done", target=action, data={"late": timezone.localdate() > action.due_on}
    )
    return action


def remind_overdue_actions(now=None) -> int:
    """Tell the center manager once about each action past its due date and not done; returns how many."""
    now = now or timezone.now()
    told = 0
    for action in CorrectiveAction.objects.filter(
        done_at__isnull=True, overdue_notified_at__isnull=True, due_on__lt=timezone.localdate(now)
    ):
        with transaction.atomic():
            row = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
            if row.overdue_notified_at is not None or row.done_at is not None:
                continue
            row.overdue_notified_at = now
            row.save(update_fields=["overdue_notified_at"])
            _tell_center(
                row, t(N_("纠正预防措施已超期：%(title)s"), title=row.title), f"complaint-action-overdue:{row.pk}"
            )
            told += 1
    return told
