"""Leave (请假/休假, R-IC-2): requested by the person, approved or refused by their department manager (the
center manager on behalf when needed), effective only once approved; cancelled on return (销假) by the person
and confirmed by HR, who keeps the slip; leave ended but not cancelled is flagged. Rest days on the rota are
not leave: they are not counted, and a request covering only rest days is refused."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.people import person_name
from propdesk.core.permissions import require
from propdesk.core.texts import label, t
from propdesk.dispatch.models import RotaEntry
from propdesk.notify.services import Message, notify
from propdesk.sla.rules import day_rules

from ..choices import LEAVE_TRANSITIONS, LeaveEventKind, LeaveKind, LeaveStatus
from ..models import LeaveEvent, LeaveRequest
from .common import department_managers, department_of, hr_admins, lock, superiors

MAX_LEAVE_DAYS = 180
STALE = N_("该请假单已被更新，请刷新后重试")


def leave_days(user, starts_on: dt.date, ends_on: dt.date) -> int:
    """The days of leave in the period: where the person's rota is planned (shifts in the period, or after
    it), the days with a shift — rest days on the rota are not leave; else the working days of the statutory
    calendar."""
    rostered = set(RotaEntry.objects.filter(user=user, date__range=(starts_on, ends_on)).values_list("date", flat=True))
    if rostered:
        return len(rostered)
    if RotaEntry.objects.filter(user=user, date__gt=ends_on).exists():
        return 0  # the rota is planned past the period and has no shift in it: only rest days
    rules = day_rules()
    days = (ends_on - starts_on).days + 1
    return sum(1 for i in range(days) if rules.is_workday(starts_on + dt.timedelta(days=i)))


def _message(leave: LeaveRequest, msgid: str, **extra) -> Message:
    return Message(
        kind="internal.leave",
        subject=t(
            msgid,
            name=person_name(leave.user),
            kind=label(LeaveKind(leave.kind).label),
            start=f"{leave.starts_on:%m-%d}",
            end=f"{leave.ends_on:%m-%d}",
            **extra,
        ),
        url=reverse("internal:leave", args=[leave.pk]),
    )


def _move(leave: LeaveRequest, to: str, actor, kind: str, *, reason: str = "", on_behalf_of=None, **data) -> None:
    if to not in LEAVE_TRANSITIONS[LeaveStatus(leave.status)]:
        raise field_error(
            "status",
            _("请假单“%(s)s”，不能再%(a)s") % {"s": leave.get_status_display(), "a": kind_label(kind)},
            "illegal_transition",
        )
    before = leave.status
    leave.status = to
    leave.version += 1
    leave.save()
    LeaveEvent.record(
        leave, kind, actor, reason=reason, on_behalf_of=on_behalf_of, from_status=before, to_status=to, **data
    )


def kind_label(kind: str) -> str:
    return str(LeaveEventKind(kind).label)


@transaction.atomic
def leave_request(*, actor, kind: str, starts_on: dt.date, ends_on: dt.date, reason: str) -> LeaveRequest:
    """Ask for leave for oneself; the department manager (else the center manager) is told."""
    department = department_of(actor)
    probe = LeaveRequest(user=actor, service_center_id=department.service_center_id, department=department)
    require(actor, "leave.request", probe, _("只能为自己申请请假"))
    if kind not in LeaveKind.values:
        raise field_error("kind", _("请选择假别"), "invalid_choice")
    if starts_on is None:
        raise field_error("starts_on", _("请填写开始日期"), "required")
    if ends_on is None:
        raise field_error("ends_on", _("请填写结束日期"), "required")
    check_date(starts_on, "starts_on")
    check_date(ends_on, "ends_on")
    if ends_on < starts_on:
        raise field_error("ends_on", _("结束日期不能早于开始日期"), "order")
    if (ends_on - starts_on).days + 1 > MAX_LEAVE_DAYS:
        raise field_error("ends_on", _("一次请假不能超过 %(n)s 天") % {"n": MAX_LEAVE_DAYS}, "too_long")
    if starts_on < timezone.localdate() - dt.timedelta(days=7):
        raise field_error("starts_on", _("只能补请最近 7 天内的假"), "past")
    reason = clean_text(reason, "reason", limit=200)
    days = leave_days(actor, starts_on, ends_on)
    if days == 0:
        raise field_error("starts_on", _("所选日期均为排班表上的休息日，无需请假"), "rest_days")
    overlap = LeaveRequest.objects.filter(
        user=actor,
        status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED],
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if overlap.exists():
        raise field_error("starts_on", _("与您已有的请假单日期重叠"), "overlap")
    leave = LeaveRequest.objects.create(
        user=actor,
        service_center_id=department.service_center_id,
        department=department,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        days=days,
        reason=reason,
    )
    LeaveEvent.record(leave, LeaveEventKind.REQUESTED, actor, to_status=LeaveStatus.PENDING, days=days)
    notify(
        recipients=superiors(actor),
        message=_message(leave, N_("%(name)s 申请%(kind)s %(start)s 至 %(end)s，待您审批")),
        dedupe=f"internal.leave_requested:{leave.pk}",
    )
    return leave


@transaction.atomic
def leave_decide(
    *, actor, leave: LeaveRequest, approve: bool, note: str = "", expected_version: int | None = None
) -> LeaveRequest:
    """Approve or refuse: the department manager, or the center manager (recorded as on behalf of the
    department manager when the department has one)."""
    require(actor, "leave.decide", leave, _("只有该部门经理或服务中心经理可以审批此请假"))
    leave = lock(LeaveRequest, leave, expected_version, _(STALE))
    note = clean_text(note, "note", required=not approve, limit=200)
    heads = [u for u in department_managers(leave.department) if u.pk != leave.user_id]
    on_behalf = heads[0] if heads and all(u.pk != actor.pk for u in heads) else None
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.decision_note = note
    to, kind = (
        (LeaveStatus.APPROVED, LeaveEventKind.APPROVED) if approve else (LeaveStatus.REFUSED, LeaveEventKind.REFUSED)
    )
    _move(leave, to, actor, kind, reason=note, on_behalf_of=on_behalf)
    msgid = (
        N_("您的%(kind)s %(start)s 至 %(end)s 已批准") if approve else N_("您的%(kind)s %(start)s 至 %(end)s 未获批准")
    )
    notify(recipients=[leave.user], message=_message(leave, msgid), dedupe=f"internal.leave_decided:{leave.pk}")
    return leave


@transaction.atomic
def leave_withdraw(*, actor, leave: LeaveRequest, expected_version: int | None = None) -> LeaveRequest:
    """The person withdraws a request still pending, or approved leave that has not started."""
    require(actor, "leave.withdraw", leave, _("只能撤回自己的请假单"))
    leave = lock(LeaveRequest, leave, expected_version, _(STALE))
    if leave.status == LeaveStatus.APPROVED and leave.starts_on <= timezone.localdate():
        raise field_error("status", _("假期已开始，请在返岗后销假"), "started")
    _move(leave, LeaveStatus.WITHDRAWN, actor, LeaveEventKind.WITHDRAWN)
    return leave


@transaction.atomic
def leave_return(*, actor, leave: LeaveRequest, expected_version: int | None = None) -> LeaveRequest:
    """Back at work (销假): the person cancels their started leave; HR is told to confirm. Ends the leave for
    dispatch at once, even before its last day."""
    require(actor, "leave.return", leave, _("只能为自己的请假销假"))
    leave = lock(LeaveRequest, leave, expected_version, _(STALE))
    if leave.status == LeaveStatus.APPROVED and leave.starts_on > timezone.localdate():
        raise field_error("status", _("假期尚未开始，如不休假请撤回"), "not_started")
    leave.returned_at = timezone.now()
    _move(leave, LeaveStatus.RETURNED, actor, LeaveEventKind.RETURNED)
    notify(
        recipients=hr_admins(leave.service_center),
        message=_message(leave, N_("%(name)s 已销假（%(kind)s %(start)s 至 %(end)s），请确认")),
        dedupe=f"internal.leave_returned:{leave.pk}",
    )
    return leave


@transaction.atomic
def leave_confirm(*, actor, leave: LeaveRequest, expected_version: int | None = None) -> LeaveRequest:
    """HR confirms the return and files the slip."""
    require(actor, "leave.confirm", leave, _("只有人事管理员可以确认销假"))
    leave = lock(LeaveRequest, leave, expected_version, _(STALE))
    leave.confirmed_by = actor
    leave.confirmed_at = timezone.now()
    _move(leave, LeaveStatus.CONFIRMED, actor, LeaveEventKind.CONFIRMED)
    return leave


def flag_unreturned_leave(*, today: dt.date | None = None) -> int:
    """Approved leave whose last day has passed but that nobody cancelled: tell the person, their superior and
    HR, once per request."""
    today = today or timezone.localdate()
    flagged = 0
    due = LeaveRequest.objects.filter(status=LeaveStatus.APPROVED, ends_on__lt=today, not_returned_at__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            leave = LeaveRequest.objects.select_for_update().select_related("user", "service_center").get(pk=pk)
            if leave.status != LeaveStatus.APPROVED or leave.not_returned_at is not None:
                continue
            leave.not_returned_at = timezone.now()
            leave.save(update_fields=["not_returned_at"])
            LeaveEvent.record(leave, LeaveEventKind.NOT_RETURNED, None)
            recipients = {u.pk: u for u in [leave.user, *superiors(leave.user), *hr_admins(leave.service_center)]}
            notify(
                recipients=list(recipients.values()),
                message=_message(leave, N_("%(name)s 的%(kind)s %(start)s 至 %(end)s 已结束，尚未销假")),
                dedupe=f"internal.leave_not_returned:{leave.pk}",
            )
            flagged += 1
    return flagged
