"""Dispatch pages: the control-center board, the work order page, the technician's phone pages,
rota, weekly approval, registers and the printable work order / contact sheet."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from propdesk.core.http import safe_next
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter

from . import selectors, services
from .choices import BOARD_COLUMNS, ContactSheetStep, DispatchMode, DutyEventKind, Routing, Status
from .models import FollowUp, Photo, RotaEntry, ShiftTemplate, WeeklyApproval, WorkOrder


def _messages_of(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
        return "；".join(exc.messages)
    return str(exc) or _("您无权执行此操作")


def _center(request: HttpRequest) -> ServiceCenter:
    centers = selectors.dispatch_centers(user=request.user)
    wanted = request.GET.get("center") or request.POST.get("center")
    if wanted and wanted.isdigit():
        center = centers.filter(pk=int(wanted)).first()
        if center is None:
            raise Http404(_("服务中心不存在或您无权派单"))
        return center
    center = centers.first()
    if center is None:
        raise PermissionDenied(_("派单台仅限控制中心、客服和维修管理人员使用"))
    return center


def _wo(request: HttpRequest, pk: int) -> WorkOrder:
    try:
        return selectors.work_order_get(user=request.user, pk=pk)
    except WorkOrder.DoesNotExist as exc:
        raise Http404(_("工作单不存在或您无权查看")) from exc


# ----------------------------------------------------------------------------- board


@login_required
def board(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    return render(
        request,
        "dispatch/board.html",
        {
            "center": center,
            "centers": selectors.dispatch_centers(user=request.user),
            "mode": services.settings_for(center.pk).get_mode_display(),
            **_board_context(request, center),
        },
    )


def _board_context(request: HttpRequest, center: ServiceCenter) -> dict:
    columns = selectors.board_columns(user=request.user, center_id=center.pk)
    return {
        "columns": columns,
        "pending": columns[0]["total"],
        "staff": selectors.staff_status(center_id=center.pk),
        "version": selectors.board_version(user=request.user, center_id=center.pk),
        "now": timezone.now(),
    }


@login_required
def board_live(request: HttpRequest) -> HttpResponse:
    """Polled every 2 s: 204 when nothing changed, else the fresh columns and staff panel."""
    center = _center(request)
    if request.GET.get("v") == selectors.board_version(user=request.user, center_id=center.pk):
        return HttpResponse(status=204)
    return render(request, "dispatch/partials/_board_live.html", {"center": center, **_board_context(request, center)})


@login_required
def assign_panel(request: HttpRequest, pk: int) -> HttpResponse:
    wo = _wo(request, pk)
    if not services.is_dispatcher(request.user, wo.community_id):
        raise PermissionDenied(_("只有控制中心可以派单"))
    rows = services.eligible_staff(work_order=wo)
    suggestion = next((r for r in rows if r["eligible"]), None)
    slots = []
    if wo.routing == Routing.HOUSEKEEPING:
        day = timezone.localdate()
        slots = [(r["name"], services.free_slots(user=r["user"], day=day)) for r in rows if r["eligible"]]
    return render(
        request,
        "dispatch/partials/_assign_panel.html",
        {
            "wo": wo,
            "rows": rows,
            "suggestion": suggestion,
            "slots": slots,
            "mode": services.settings_for(wo.service_center_id).mode,
            "modes": DispatchMode,
        },
    )


@login_required
@require_POST
def dispatch_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign / auto-dispatch / offer from the board; answers with the refreshed board (htmx) or a redirect."""
    wo = _wo(request, pk)
    version = request.POST.get("version")
    expected = int(version) if version and version.isdigit() else None
    action = request.POST.get("action", "assign")
    try:
        if action == "auto":
            services.work_order_dispatch_auto(actor=request.user, work_order=wo, expected_version=expected)
        elif action == "offer":
            services.work_order_offer(actor=request.user, work_order=wo, expected_version=expected)
        else:
            assignee = get_user_model().objects.filter(pk=request.POST.get("assignee") or 0).first()
            if assignee is None:
                raise ValidationError({"assignee": _("请选择派单对象")})
            services.work_order_assign(actor=request.user, work_order=wo, assignee=assignee, expected_version=expected)
        messages.success(request, _("已派单：%(n)s") % {"n": wo.number})
        status = 200
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
        status = 409 if getattr(exc, "code", None) == "stale_version" else 400
    if request.htmx:
        center = ServiceCenter.objects.get(pk=wo.service_center_id)
        return render(
            request,
            "dispatch/partials/_board_live.html",
            {"center": center, **_board_context(request, center)},
            status=status,
        )
    return redirect(f"{reverse('dispatch:board')}?center={wo.service_center_id}")


# ----------------------------------------------------------------------------- work order page


@login_required
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = _wo(request, pk)
    dispatcher = services.is_dispatcher(request.user, wo.community_id)
    sheet = getattr(wo, "contact_sheet", None) if wo.routing == Routing.RECTIFICATION else None
    steps = list(ContactSheetStep.values)
    next_step = steps[0] if sheet is None else (steps[steps.index(sheet.step) + 1] if sheet.step != steps[-1] else None)
    return render(
        request,
        "dispatch/work_order.html",
        {
            "wo": wo,
            "dispatcher": dispatcher,
            "is_worker": wo.assignee_id == request.user.pk,
            "sheet": sheet,
            "next_step": next_step,
            "next_step_label": ContactSheetStep(next_step).label if next_step else "",
            "Status": Status,
            "Routing": Routing,
        },
    )


def _int(value):
    return int(value) if value not in (None, "") and str(value).lstrip("-").isdigit() else None


def _bool(value):
    return {"yes": True, "no": False, "1": True, "0": False}.get(value)


@login_required
@require_POST
def work_order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every button of the work order and job pages: one service call each."""
    wo = _wo(request, pk)
    post = request.POST
    user = request.user
    try:
        if action in ("accept", "on_the_way", "arrived"):
            status = {"accept": Status.ACCEPTED, "on_the_way": Status.ON_THE_WAY, "arrived": Status.ARRIVED}[action]
            services.work_order_progress(
                actor=user, work_order=wo, to_status=status, expected_version=_int(post.get("version"))
            )
        elif action == "decline":
            services.work_order_decline(actor=user, work_order=wo, reason=post.get("reason", ""))
        elif action == "grab":
            services.work_order_grab(actor=user, work_order=wo)
        elif action == "finish":
            services.work_order_finish(
                actor=user,
                work_order=wo,
                result=post.get("result", ""),
                signature=post.get("signature", ""),
                customer_absent_reason=post.get("absent_reason", ""),
                rating=_int(post.get("rating")),
                expected_version=_int(post.get("version")),
            )
        elif action == "report":
            services.work_order_report(actor=user, work_order=wo)
        elif action == "sign_off":
            services.work_order_sign_off(actor=user, work_orders=[wo])
        elif action == "material":
            services.material_add(
                actor=user,
                work_order=wo,
                name=post.get("name", ""),
                quantity=post.get("quantity", ""),
                unit=post.get("unit", ""),
            )
        elif action == "photo":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": _("请选择照片")})
            services.photo_add(actor=user, work_order=wo, stage=post.get("stage", Photo.Stage.AFTER), upload=upload)
        elif action == "return_visit":
            services.return_visit_record(
                actor=user,
                work_order=wo,
                reached=post.get("reached") == "yes",
                quality=_int(post.get("quality")),
                on_time=_bool(post.get("on_time")),
                minutes_late=_int(post.get("minutes_late")),
                comments=post.get("comments", ""),
            )
        elif action == "close":
            services.work_order_close(actor=user, work_order=wo, reason=post.get("reason", ""))
        elif action == "cancel":
            services.work_order_cancel(actor=user, work_order=wo, reason=post.get("reason", ""))
        elif action == "contact_sheet":
            services.contact_sheet_advance(
                actor=user,
                work_order=wo,
                step=post.get("step", ""),
                content=post.get("content", ""),
                signer_name=post.get("signer_name", ""),
                scan=request.FILES.get("scan"),
            )
        elif action == "vendor_result":
            services.vendor_record_result(actor=user, work_order=wo, result=post.get("result", ""))
        elif action == "follow_up":
            due = post.get("due_at", "")
            try:
                due_at = timezone.make_aware(dt.datetime.fromisoformat(due))
            except ValueError as exc:
                raise ValidationError({"due_at": _("请填写计划跟进时间")}) from exc
            services.follow_up_plan(actor=user, work_order=wo, due_at=due_at, note=post.get("note", ""))
        elif action == "follow_up_done":
            follow_up = FollowUp.objects.filter(pk=_int(post.get("follow_up")) or 0, work_order=wo).first()
            if follow_up is None:
                raise Http404
            services.follow_up_done(actor=user, follow_up=follow_up, outcome=post.get("outcome", ""))
        else:
            raise Http404
        messages.success(request, _("已保存"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
    return redirect(safe_next(request, reverse("dispatch:work_order", args=[pk])))


@login_required
def work_order_print(request: HttpRequest, pk: int) -> HttpResponse:
    wo = _wo(request, pk)
    return render(request, "dispatch/print_work_order.html", {"wo": wo, "printed_at": timezone.now()})


@login_required
def contact_sheet_print(request: HttpRequest, pk: int) -> HttpResponse:
    wo = _wo(request, pk)
    sheet = getattr(wo, "contact_sheet", None)
    if sheet is None:
        raise Http404(_("该工作单没有工作联系单"))
    return render(
        request, "dispatch/print_contact_sheet.html", {"wo": wo, "sheet": sheet, "printed_at": timezone.now()}
    )


# ----------------------------------------------------------------------------- technician pages


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    user = request.user
    duty = getattr(user, "duty", None)
    return render(
        request,
        "dispatch/my_jobs.html",
        {
            "jobs": selectors.my_jobs(user=user),
            "offers": selectors.open_offers(user=user),
            "sign_off": selectors.to_sign_off(user=user),
            "duty": duty,
            "reachable": bool(duty and duty.is_reachable()),
            "DutyEventKind": DutyEventKind,
        },
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    wo = _wo(request, pk)
    return render(request, "dispatch/job.html", {"wo": wo, "Status": Status, "stages": Photo.Stage.choices})


@login_required
@require_POST
def duty_action(request: HttpRequest) -> HttpResponse:
    """A worker's own duty buttons (or the control center's, for a named worker)."""
    user = request.user
    target = user
    if request.POST.get("user"):
        target = get_user_model().objects.filter(pk=_int(request.POST.get("user")) or 0).first() or user
    until = None
    if request.POST.get("until"):
        try:
            hh, mm = request.POST["until"].split(":")[:2]
            now = timezone.localtime()
            until = now.replace(hour=int(hh), minute=int(mm), second=0, microsecond=0)
            if until <= now:
                until += dt.timedelta(days=1)
        except ValueError:
            messages.error(request, _("返回时间格式不正确（如 15:30）"))
            return redirect(safe_next(request, reverse("dispatch:my_jobs")))
    try:
        services.duty_update(
            actor=user, user=target, kind=request.POST.get("kind", ""), until=until, note=request.POST.get("note", "")
        )
        messages.success(request, _("已更新在岗状态"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
    return redirect(safe_next(request, reverse("dispatch:my_jobs")))


@login_required
@require_POST
def sign_off_all(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.to_sign_off(user=request.user))
    try:
        services.work_order_sign_off(actor=request.user, work_orders=jobs)
        messages.success(request, _("已签认 %(n)s 张工作单") % {"n": len(jobs)})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _messages_of(exc))
    return redirect("dispatch:my_jobs")


# ----------------------------------------------------------------------------- rota, weekly approval, registers


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    today = timezone.localdate()
    start = services.week_start(today)
    if request.GET.get("week"):
        try:
            start = services.week_start(dt.date.fromisoformat(request.GET["week"]))
        except ValueError:
            messages.error(request, _("日期格式不正确"))
    days = [start + dt.timedelta(days=i) for i in range(7)]
    shifts = ShiftTemplate.objects.filter(department__service_center=center).select_related("department")
    if request.method == "POST":
        try:
            shift = shifts.get(pk=_int(request.POST.get("shift")) or 0)
            worker = get_user_model().objects.get(pk=_int(request.POST.get("user")) or 0)
            day = dt.date.fromisoformat(request.POST.get("date", ""))
            services.rota_set(actor=request.user, user=worker, day=day, shift=shift)
            messages.success(request, _("已排班"))
        except (ShiftTemplate.DoesNotExist, get_user_model().DoesNotExist, ValueError):
            messages.error(request, _("请选择班次、员工和日期"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages_of(exc))
        return redirect(f"{reverse('dispatch:rota')}?center={center.pk}&week={start}")
    entries = RotaEntry.objects.filter(shift__in=shifts, date__in=days).select_related("user__staff_profile", "shift")
    grid: dict[tuple[int, dt.date], list] = {}
    for entry in entries:
        grid.setdefault((entry.shift_id, entry.date), []).append(entry)
    rows = [{"shift": s, "cells": [grid.get((s.pk, d), []) for d in days]} for s in shifts]
    staff = [r["user"] for r in selectors.staff_status(center_id=center.pk)]
    return render(
        request,
        "dispatch/rota.html",
        {
            "center": center,
            "days": days,
            "rows": rows,
            "shifts": shifts,
            "staff": staff,
            "prev": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
        },
    )


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    monday = services.week_start(timezone.localdate())
    if request.GET.get("week"):
        try:
            monday = services.week_start(dt.date.fromisoformat(request.GET["week"]))
        except ValueError:
            messages.error(request, _("日期格式不正确"))
    if request.method == "POST":
        try:
            services.weekly_decide(
                actor=request.user,
                service_center=center,
                week=monday,
                decision=request.POST.get("decision", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("已保存审批结论"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages_of(exc))
        return redirect(f"{reverse('dispatch:weekly')}?center={center.pk}&week={monday}")
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    orders = (
        WorkOrder.objects.visible_to(request.user)
        .filter(service_center=center, created_at__gte=begin, created_at__lt=begin + dt.timedelta(days=7))
        .exclude(routing=Routing.HOUSEKEEPING)
        .select_related("ticket__unit__building", "community", "assignee__staff_profile")
        .order_by("created_at")
    )
    decisions = WeeklyApproval.objects.filter(service_center=center, week_start=monday).select_related("decided_by")
    scope = get_scope(request.user)
    return render(
        request,
        "dispatch/weekly.html",
        {
            "center": center,
            "monday": monday,
            "orders": orders,
            "decisions": decisions,
            "can_decide": scope.unrestricted or "repair_manager" in scope.roles,
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
        },
    )


@login_required
def arrangements(request: HttpRequest) -> HttpResponse:
    """Long-term housekeeping arrangements (长期家政): list and add; the worker turns them into orders."""
    from propdesk.communities.models import Household
    from propdesk.communities.validators import parse_room

    from .models import WEEKDAYS, HousekeepingArrangement

    center = _center(request)
    if request.method == "POST":
        post = request.POST
        code = parse_room(post.get("room", "")) or ""
        household = (
            Household.objects.visible_to(request.user)
            .filter(is_active=True, unit__code=code, unit__building__community__service_center=center)
            .select_related("unit__building")
            .first()
        )
        try:
            if household is None:
                raise ValidationError({"room": _("找不到该房号的住户（请写成 3-2-1202）")})
            starts = dt.time.fromisoformat(post.get("starts", ""))
            ends = dt.time.fromisoformat(post.get("ends", ""))
            worker = get_user_model().objects.filter(pk=_int(post.get("worker")) or 0).first()
            services.arrangement_create(
                actor=request.user,
                household=household,
                weekday=_int(post.get("weekday")) if _int(post.get("weekday")) is not None else -1,
                starts=starts,
                ends=ends,
                description=post.get("description", ""),
                worker=worker,
            )
            messages.success(request, _("已登记长期家政安排"))
        except ValueError:
            messages.error(request, _("请填写开始和结束时间（如 09:00）"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages_of(exc))
        return redirect(f"{reverse('dispatch:arrangements')}?center={center.pk}")
    items = (
        HousekeepingArrangement.objects.visible_to(request.user)
        .filter(household__unit__building__community__service_center=center, is_active=True)
        .select_related("household__unit__building__community", "worker__staff_profile")
        .order_by("weekday", "starts")
    )
    workers = [
        r["user"]
        for r in selectors.staff_status(center_id=center.pk)
        if hasattr(r["user"], "staff_profile") and r["user"].staff_profile.department.kind == "housekeeping"
    ]
    return render(
        request,
        "dispatch/arrangements.html",
        {"center": center, "items": items, "weekdays": list(enumerate(WEEKDAYS)), "workers": workers},
    )


REGISTERS = {
    "engineering-followup": (
        _("分类处理记录-工程类（超时跟进）"),
        {"routing": Routing.ENGINEERING, "in_followup_register": True},
    ),
    "rectification": (_lazy("整改类登记"), {"routing": Routing.RECTIFICATION}),
    "vendor": (_lazy("其他类（外联单位）登记"), {"routing": Routing.VENDOR}),
    "communication": (_lazy("沟通类登记"), {"routing": Routing.COMMUNICATION}),
}


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in REGISTERS:
        raise Http404
    if not get_scope(request.user).is_staff_member:
        raise PermissionDenied(_("该页面仅限物业员工使用"))
    title, filters = REGISTERS[slug]
    orders = (
        WorkOrder.objects.visible_to(request.user)
        .filter(**filters)
        .select_related("ticket__unit__building", "community", "assignee__staff_profile", "vendor")
        .prefetch_related("follow_ups")
        .order_by("-created_at")[:500]
    )
    return render(
        request, "dispatch/register.html", {"title": title, "orders": orders, "registers": REGISTERS, "slug": slug}
    )


BOARD_COLUMN_KEYS = [key for key, _title, _s in BOARD_COLUMNS]
