"""The internal API's routine part (``/api/v1/internal/…``): ad-hoc reassignments and the unreported ones,
meetings with action items, optional sign-in times, circular attachments and forwarded important emails —
the same services, selectors and rules as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id
from propdesk.core.errors import field_error
from propdesk.core.permissions import can
from propdesk.org.models import ServiceCenter

from . import selectors, services
from .api_routine_schemas import (
    InternalActionDoneIn,
    InternalActionOut,
    InternalEmailTaskIn,
    InternalEmailTaskOut,
    InternalMeetingIn,
    InternalMeetingOut,
    InternalReassignmentIn,
    InternalReassignmentOut,
    InternalSettingsIn,
    InternalSettingsOut,
    InternalSignInOut,
    InternalTodayOut,
    InternalUnreportedOut,
    action_body,
    email_task_body,
    meeting_body,
    reassignment_body,
    sign_in_body,
    unreported_body,
)
from .api_schemas import InternalVersionIn
from .downloads import attachment_response
from .models import ActionItem, EmailTask, Meeting, Reassignment

router = Router(tags=["内部沟通 Internal"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _center(center_id: int) -> ServiceCenter:
    center = ServiceCenter.objects.filter(pk=center_id).first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权查看"))
    return center


def _get(getter, missing, message, **kwargs):
    try:
        return getter(**kwargs)
    except missing.DoesNotExist as exc:
        raise Http404(message) from exc


@router.get("/internal/reassignments", response={200: list[InternalReassignmentOut], **COMMON_ERRORS})
def list_reassignments(request: HttpRequest):
    """临时调动报告（本人的；部门经理看本部门；服务中心经理看全部）/ Reported reassignments."""
    return [reassignment_body(r) for r in selectors.reassignments(user=request.auth).order_by("-starts_at")[:100]]


@router.post("/internal/reassignments", response={201: InternalReassignmentOut, **COMMON_ERRORS})
def report_reassignment(request: HttpRequest, payload: InternalReassignmentIn):
    """报告临时调动：谁、从何岗位/班次、调往何处、时间、原因；通知部门经理 / Report a reassignment."""
    data = payload.dict()
    user = selectors.center_staff_member(user=request.auth, pk=data.pop("user_id"))
    if user is None:
        raise Http404(_("员工不存在或您无权查看"))
    item = services.reassignment_report(actor=request.auth, user=user, **data)
    return Status(201, reassignment_body(selectors.reassignment_get(user=request.auth, pk=item.pk)))


@router.post(
    "/internal/reassignments/{reassignment_id}/acknowledge", response={200: InternalReassignmentOut, **CONFLICT}
)
def acknowledge_reassignment(request: HttpRequest, reassignment_id: Id, payload: InternalVersionIn):
    """部门经理确认知悉 / The department manager acknowledges."""
    item = _get(
        selectors.reassignment_get, Reassignment, _("调动报告不存在或您无权查看"), user=request.auth, pk=reassignment_id
    )
    item = services.reassignment_acknowledge(
        actor=request.auth, reassignment=item, expected_version=payload.expected_version
    )
    return reassignment_body(selectors.reassignment_get(user=request.auth, pk=item.pk))


@router.get("/internal/reassignments/unreported", response={200: list[InternalUnreportedOut], **COMMON_ERRORS})
def unreported(request: HttpRequest, center_id: Id):
    """未报告的调动：近 7 天在排班外或派往其他部门、且无调动报告的派工 / Unreported reassignments."""
    center = _center(center_id)
    if not can(request.auth, "internal_desk.unreported", center):
        raise PermissionDenied(_("仅限部门经理和服务中心经理查看"))
    return [unreported_body(r) for r in selectors.unreported_reassignments(user=request.auth, center_id=center.pk)]


@router.get("/internal/meetings", response={200: list[InternalMeetingOut], **COMMON_ERRORS})
def list_meetings(request: HttpRequest):
    """会议记录（本服务中心）/ Meetings."""
    qs = selectors.meetings(user=request.auth).prefetch_related(
        "attendees__staff_profile", "actions__user__staff_profile", "circulars"
    )
    return [meeting_body(m) for m in qs[:50]]


@router.post("/internal/meetings", response={201: InternalMeetingOut, **COMMON_ERRORS})
def record_meeting(request: HttpRequest, payload: InternalMeetingIn):
    """登记晨会、周例会或其他会议：参会人员、记录、待办（负责人、期限）/ Record a meeting."""
    data = payload.dict()
    center = _center(data.pop("center_id"))
    meeting = services.meeting_record(actor=request.auth, center=center, **data)
    return Status(201, meeting_body(selectors.meeting_get(user=request.auth, pk=meeting.pk)))


@router.get("/internal/meetings/{meeting_id}", response={200: InternalMeetingOut, **COMMON_ERRORS})
def get_meeting(request: HttpRequest, meeting_id: Id):
    """一次会议 / One meeting."""
    return meeting_body(
        _get(selectors.meeting_get, Meeting, _("会议记录不存在或您无权查看"), user=request.auth, pk=meeting_id)
    )


@router.get("/internal/actions", response={200: list[InternalActionOut], **COMMON_ERRORS})
def my_actions(request: HttpRequest):
    """我的会议待办（未完成）/ My open action items."""
    return [action_body(a) for a in selectors.my_actions(user=request.auth).select_related("user__staff_profile")]


@router.post("/internal/actions/{action_id}/done", response={200: InternalActionOut, **CONFLICT})
def complete_action(request: HttpRequest, action_id: Id, payload: InternalActionDoneIn):
    """完成会议待办 / Mark an action item done."""
    item = _get(selectors.action_get, ActionItem, _("会议待办不存在或您无权查看"), user=request.auth, pk=action_id)
    item = services.action_item_complete(actor=request.auth, item=item, **payload.dict())
    return action_body(item)


@router.get("/internal/settings", response={200: InternalSettingsOut, **COMMON_ERRORS})
def get_settings(request: HttpRequest, center_id: Id):
    """本服务中心的签到设置 / The center's sign-in setting."""
    center = _center(center_id)
    if not can(request.auth, "internal_desk.dashboard", center):
        raise PermissionDenied(_("仅限服务中心的经理和人事管理员"))
    row = services.center_settings(center.pk)
    return {"center_id": center.pk, "sign_in_enabled": row.sign_in_enabled, "sign_in_by": f"{row.sign_in_by:%H:%M}"}


@router.post("/internal/settings", response={200: InternalSettingsOut, **COMMON_ERRORS})
def set_settings(request: HttpRequest, payload: InternalSettingsIn):
    """开启或关闭签到签退时间记录（服务中心经理）/ Turn sign-in times on or off."""
    center = _center(payload.center_id)
    by = None
    if payload.sign_in_by:
        try:
            by = dt.time.fromisoformat(payload.sign_in_by)
        except ValueError as exc:
            raise field_error("sign_in_by", _("时间格式不正确"), "invalid") from exc
    row = services.settings_update(
        actor=request.auth, center=center, sign_in_enabled=payload.sign_in_enabled, sign_in_by=by
    )
    return {"center_id": center.pk, "sign_in_enabled": row.sign_in_enabled, "sign_in_by": f"{row.sign_in_by:%H:%M}"}


@router.post("/internal/sign-in", response={201: InternalSignInOut, **COMMON_ERRORS})
def post_sign_in(request: HttpRequest):
    """签到（本服务中心启用时；截止时间后为迟到）/ Sign in (when the center keeps sign-in times)."""
    return Status(201, sign_in_body(services.sign_in(actor=request.auth)))


@router.post("/internal/sign-out", response={200: InternalSignInOut, **COMMON_ERRORS})
def post_sign_out(request: HttpRequest):
    """签退 / Sign out."""
    return sign_in_body(services.sign_out(actor=request.auth))


@router.get("/internal/sign-ins/late", response={200: list[InternalSignInOut], **COMMON_ERRORS})
def late(request: HttpRequest, center_id: Id):
    """今天迟到签到的人员 / Late sign-ins today."""
    center = _center(center_id)
    if not can(request.auth, "internal_desk.late_sign_ins", center):
        raise PermissionDenied(_("仅限服务中心的经理和人事管理员"))
    return [sign_in_body(r) for r in selectors.late_sign_ins(user=request.auth, center_id=center.pk)]


@router.get("/internal/circulars/{circular_id}/attachments/{attachment_id}", response={200: None, **COMMON_ERRORS})
def download_attachment(request: HttpRequest, circular_id: Id, attachment_id: Id):
    """下载传达附件（传达对象和跟踪者）/ Download an attachment of a circular."""
    return attachment_response(request.auth, circular_id, attachment_id)


@router.get("/internal/email-tasks", response={200: list[InternalEmailTaskOut], **COMMON_ERRORS})
def list_email_tasks(request: HttpRequest, open_only: bool = True):
    """重要邮件待办（本人的；信息管理员看全部）/ Tasks from forwarded emails."""
    qs = selectors.email_tasks(user=request.auth)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return [email_task_body(t) for t in qs.order_by("due_at")[:100]]


@router.post("/internal/email-tasks", response={201: InternalEmailTaskOut, **COMMON_ERRORS})
def forward_email(request: HttpRequest, payload: InternalEmailTaskIn):
    """信息管理员转入重要邮件，生成待办（24 小时与节前提醒）/ Forward an important email into a task."""
    data = payload.dict()
    center = _center(data.pop("center_id"))
    return Status(201, email_task_body(services.email_forward(actor=request.auth, center=center, **data)))


@router.post("/internal/email-tasks/{task_id}/done", response={200: InternalEmailTaskOut, **CONFLICT})
def complete_email_task(request: HttpRequest, task_id: Id, payload: InternalVersionIn):
    """完成邮件待办 / Mark it done."""
    try:
        task = selectors.email_tasks(user=request.auth).get(pk=task_id)
    except EmailTask.DoesNotExist as exc:
        raise Http404(_("任务不存在或您无权查看")) from exc
    task = services.email_task_complete(actor=request.auth, task=task, expected_version=payload.expected_version)
    return email_task_body(task)


@router.get("/internal/my-day/routine", response={200: InternalTodayOut, **COMMON_ERRORS})
def my_day_routine(request: HttpRequest):
    """我的一天（续）：会议待办、邮件待办、今日签到 / My day: action items, email tasks, sign-in."""
    user = request.auth
    if not can(user, "internal_desk.my_day"):
        raise PermissionDenied(_("“我的一天”仅限员工使用"))
    row = selectors.sign_in_today(user=user)
    return {
        "actions": [action_body(a) for a in selectors.my_actions(user=user).select_related("user__staff_profile")],
        "email_tasks": [email_task_body(t) for t in selectors.my_email_tasks(user=user)],
        "sign_in_enabled": selectors.sign_in_enabled_for(user=user),
        "sign_in": sign_in_body(row) if row else None,
        "today": timezone.localdate().isoformat(),
    }
