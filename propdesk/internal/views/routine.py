"""The routine pages: ad-hoc reassignments (report, acknowledge), meetings with action items, one-tap sign-in and
sign-out, the center's sign-in setting, forwarded important emails, and circular attachments to download."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import local_input, parse_id
from propdesk.core.permissions import can, condition
from propdesk.org.models import ServiceCenter

from .. import selectors, services
from ..choices import MeetingKind
from ..downloads import attachment_response
from ..models import ActionItem, EmailTask, Reassignment
from .common import date_input, errors_of, first_error, version


def _my_center_id(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.department.service_center_id if profile and profile.department_id else None


def _ids(values) -> list[int]:
    return [i for i in (parse_id(v) for v in values) if i is not None]


@login_required
def reassignments(request: HttpRequest) -> HttpResponse:
    """The phone-first report form (oneself by default) and the reports the user may read."""
    center_id = _my_center_id(request.user)
    if center_id is None:
        raise PermissionDenied(_("只有服务中心的员工可以报告临时调动"))
    data = request.POST if request.method == "POST" else {}
    errors: dict = {}
    if request.method == "POST":
        user = selectors.center_staff_member(user=request.user, pk=parse_id(data.get("user")) or request.user.pk)
        try:
            if user is None:
                raise ValidationError({"user": _("请选择本服务中心的员工")})
            services.reassignment_report(
                actor=request.user,
                user=user,
                from_post=data.get("from_post", ""),
                to_post=data.get("to_post", ""),
                starts_at=local_input(data.get("starts_at"), "starts_at"),
                ends_at=local_input(data.get("ends_at"), "ends_at"),
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        except PermissionDenied as exc:
            errors = {"user": [str(exc)]}
        else:
            messages.success(request, _("已报告，部门经理已收到通知"))
            return redirect("internal:reassignments")
    probe = Reassignment(service_center_id=center_id, user_id=0)
    context = {
        "items": selectors.reassignments(user=request.user).order_by("-starts_at")[:50],
        "errors": errors,
        "values": data,
        "staff": selectors.center_staff(center_id=center_id) if can(request.user, "reassignment.report", probe) else [],
    }
    return render(request, "internal/reassignments.html", context, status=400 if errors else 200)


@login_required
@require_POST
def reassignment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.reassignment_get(user=request.user, pk=pk)
        services.reassignment_acknowledge(
            actor=request.user, reassignment=item, expected_version=version(request.POST.get("version"))
        )
    except Reassignment.DoesNotExist as exc:
        raise Http404(_("调动报告不存在或您无权查看")) from exc
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    return redirect("internal:dashboard" if request.POST.get("next") == "dashboard" else "internal:reassignments")


def _actions_of(data) -> list[dict]:
    rows = []
    for owner, text, due in zip(
        data.getlist("action_user"), data.getlist("action_text"), data.getlist("action_due"), strict=False
    ):
        if not (text or "").strip():
            continue
        rows.append({"user_id": parse_id(owner), "text": text, "due_on": date_input(due, "actions")})
    return rows


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    """The meetings of the user's center and, for those who record them, the form (three action item rows)."""
    where = condition(request.user, "meeting.record", paths={"center": "pk"})
    centers = list(ServiceCenter.objects.filter(where).order_by("name"))
    data = request.POST if request.method == "POST" else {}
    center = next((c for c in centers if c.pk == parse_id(data.get("center"))), centers[0] if centers else None)
    errors: dict = {}
    if request.method == "POST":
        if center is None:
            raise PermissionDenied(_("只有经理或信息管理员可以登记会议记录"))
        try:
            meeting = services.meeting_record(
                actor=request.user,
                center=center,
                kind=data.get("kind", ""),
                day=date_input(data.get("day"), "day"),
                minutes=data.get("minutes", ""),
                attendee_ids=_ids(data.getlist("attendee_ids")),
                actions=_actions_of(data),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("会议记录已保存，待办负责人已收到通知"))
            return redirect("internal:meeting", meeting.pk)
    context = {
        "items": selectors.meetings(user=request.user)[:50],
        "center": center,
        "kinds": MeetingKind.choices,
        "staff": list(selectors.center_staff(center_id=center.pk)) if center else [],
        "errors": errors,
        "values": data,
        "today": timezone.localdate(),
        "rows": range(3),
    }
    return render(request, "internal/meetings.html", context, status=400 if errors else 200)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from ..models import Meeting

    try:
        meeting = selectors.meeting_get(user=request.user, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("会议记录不存在或您无权查看")) from exc
    return render(request, "internal/meeting_detail.html", {"meeting": meeting, "today": timezone.localdate()})


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.action_get(user=request.user, pk=pk)
    except ActionItem.DoesNotExist as exc:
        raise Http404(_("会议待办不存在或您无权查看")) from exc
    try:
        services.action_item_complete(
            actor=request.user,
            item=item,
            note=request.POST.get("note", ""),
            expected_version=version(request.POST.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    if request.POST.get("next") == "meeting":
        return redirect("internal:meeting", item.meeting_id)
    return redirect("internal:my_day")


@login_required
@require_POST
def sign(request: HttpRequest, action: str) -> HttpResponse:
    """One tap from "my day": sign in, or sign out."""
    service = {"in": services.sign_in, "out": services.sign_out}.get(action)
    if service is None:
        raise Http404
    try:
        row = service(actor=request.user)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        if action == "in" and row.late:
            messages.warning(request, _("已签到（迟到）"))
        else:
            messages.success(request, _("已签到") if action == "in" else _("已签退"))
    return redirect("internal:my_day")


@login_required
@require_POST
def center_settings(request: HttpRequest) -> HttpResponse:
    center = ServiceCenter.objects.filter(pk=parse_id(request.POST.get("center"))).first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权查看"))
    raw = (request.POST.get("sign_in_by") or "").strip()
    try:
        by = dt.time.fromisoformat(raw) if raw else None
        services.settings_update(
            actor=request.user,
            center=center,
            sign_in_enabled=request.POST.get("sign_in_enabled") == "on",
            sign_in_by=by,
        )
    except ValueError:
        messages.error(request, _("时间格式不正确"))
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("设置已保存"))
    return redirect(f"{reverse('internal:dashboard')}?center={center.pk}")


@login_required
def email_tasks(request: HttpRequest) -> HttpResponse:
    """Forwarded important emails: the forward form (information manager) and the tasks the user may read."""
    where = condition(request.user, "email_task.forward", paths={"center": "pk"})
    centers = list(ServiceCenter.objects.filter(where).order_by("name"))
    data = request.POST if request.method == "POST" else {}
    center = next((c for c in centers if c.pk == parse_id(data.get("center"))), centers[0] if centers else None)
    errors: dict = {}
    if request.method == "POST":
        if center is None:
            raise PermissionDenied(_("只有信息管理员可以转入重要邮件"))
        try:
            services.email_forward(
                actor=request.user,
                center=center,
                sender=data.get("sender", ""),
                subject=data.get("subject", ""),
                body=data.get("body", ""),
                received_at=local_input(data.get("received_at"), "received_at"),
                owner_id=parse_id(data.get("owner")) or 0,
                due_at=local_input(data.get("due_at"), "due_at"),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("已生成待办，负责人已收到通知"))
            return redirect("internal:email_tasks")
    context = {
        "items": selectors.email_tasks(user=request.user).order_by("done_at", "due_at")[:100],
        "center": center,
        "staff": list(selectors.center_staff(center_id=center.pk)) if center else [],
        "errors": errors,
        "values": data,
    }
    return render(request, "internal/email_tasks.html", context, status=400 if errors else 200)


@login_required
@require_POST
def email_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.email_tasks(user=request.user).get(pk=pk)
        services.email_task_complete(
            actor=request.user, task=task, expected_version=version(request.POST.get("version"))
        )
    except EmailTask.DoesNotExist as exc:
        raise Http404(_("任务不存在或您无权查看")) from exc
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    return redirect("internal:email_tasks")


@login_required
def circular_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    return attachment_response(request.user, pk, file_pk)
