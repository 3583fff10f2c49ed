"""Planning pages of a service center: the rota (排班), the weekly approval (周审批) and long-term
housekeeping arrangements (长期家政)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.inputs import week_of
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import Routing
from ..forms import ArrangementForm, RotaForm, WeeklyForm
from ..models import WEEKDAYS, HousekeepingArrangement, RotaEntry, ShiftTemplate, WeeklyApproval, WorkOrder
from .common import center_of, form_error, messages_of


def _week_of(request: HttpRequest) -> dt.date:
    """The Monday of the week the page shows (``?week=``, else this week), read by the input layer: a malformed
    or out-of-range week is said above the page, which shows this week."""
    try:
        return week_of(request.GET.get("week"))
    except ValidationError as exc:
        messages.error(request, messages_of(exc))
        return week_of()


def _add_errors(form, exc: ValidationError) -> None:
    """A service's field errors shown at the form's fields (the rest above the form)."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, items in errors.items():
        form.add_error(field if field in form.fields else None, items)


@login_required
def rota(request: HttpRequest) -> HttpResponse:
    center = center_of(request)
    start = _week_of(request)
    shifts = ShiftTemplate.objects.filter(department__service_center=center).select_related("department")
    form = RotaForm(request.POST or None, shifts=shifts)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_error(form)
            data = form.cleaned_data
            services.rota_set(actor=request.user, user=data["user"], day=data["date"], shift=data["shift"])
            messages.success(request, _("已排班"))
            return redirect(f"{reverse('dispatch:rota')}?center={center.pk}&week={start}")
        except PermissionDenied as exc:
            messages.error(request, messages_of(exc))
            return redirect(f"{reverse('dispatch:rota')}?center={center.pk}&week={start}")
        except ValidationError as exc:
            if form.is_bound and not form.errors:
                _add_errors(form, exc)
            status = 400
    days = [start + dt.timedelta(days=i) for i in range(7)]
    entries = RotaEntry.objects.filter(shift__in=shifts, date__in=days).select_related("user__staff_profile", "shift")
    grid: dict[tuple[int, dt.date], list] = {}
    for entry in entries:
        grid.setdefault((entry.shift_id, entry.date), []).append(entry)
    context = {
        "center": center,
        "days": days,
        "rows": [{"shift": s, "cells": [grid.get((s.pk, d), []) for d in days]} for s in shifts],
        "shifts": shifts,
        "staff": selectors.rota_staff(center_id=center.pk),
        "form": form,
        "can_plan": can(request.user, "rota.plan", RotaEntry(shift=shifts[0])) if shifts else False,
        "prev": start - dt.timedelta(days=7),
        "next": start + dt.timedelta(days=7),
    }
    return render(request, "dispatch/rota.html", context, status=status)


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    center = center_of(request)
    monday = _week_of(request)
    if request.method == "POST":
        form = WeeklyForm(request.POST)
        try:
            if not form.is_valid():
                raise form_error(form)
            data = form.cleaned_data
            services.weekly_decide(
                actor=request.user, service_center=center, week=monday, decision=data["decision"], note=data["note"]
            )
            messages.success(request, _("已保存审批结论"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, messages_of(exc))
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
    decisions = WeeklyApproval.objects.filter(service_center=center, week_start=monday).select_related(
        "decided_by__staff_profile"
    )
    return render(
        request,
        "dispatch/weekly.html",
        {
            "center": center,
            "monday": monday,
            "orders": orders,
            "decisions": decisions,
            "can_decide": can(request.user, "weekly.decide", WeeklyApproval(service_center=center)),
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
        },
    )


def _arrangement_create(request: HttpRequest, center) -> None:
    form = ArrangementForm(request.POST, user=request.user, center=center)
    try:
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        services.arrangement_create(
            actor=request.user,
            household=data["room"],
            weekday=data["weekday"],
            starts=data["starts"],
            ends=data["ends"],
            description=data["description"],
            worker=data["worker"],
        )
        messages.success(request, _("已登记长期家政安排"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))


@login_required
def arrangements(request: HttpRequest) -> HttpResponse:
    """Long-term housekeeping arrangements (长期家政): list and add; the worker turns them into orders."""
    center = center_of(request)
    if request.method == "POST":
        _arrangement_create(request, center)
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
