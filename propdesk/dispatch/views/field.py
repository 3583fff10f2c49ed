"""The technician's phone pages: my jobs, one job, the duty buttons and the end-of-shift sign-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.http import client_ip, safe_next
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import DutyEventKind, Status
from ..forms import DutyForm
from ..models import Photo
from .common import form_error, messages_of, work_order_of


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


class TelRedirect(HttpResponseRedirect):
    """A redirect to a ``tel:`` URI: the phone's dialler opens with the number, the page stays as it is."""

    allowed_schemes = ["tel"]


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    wo = work_order_of(request, pk)
    context = {
        "wo": wo,
        "Status": Status,
        "stages": Photo.Stage.choices,
        "may_call": can(request.user, "work_order.call_customer", wo) and bool(services.customer_phone(wo)),
    }
    return render(request, "dispatch/job.html", context)


@login_required
@require_POST
def call_customer(request: HttpRequest, pk: int) -> HttpResponse:
    """拨打电话: the assigned worker's phone dials the customer (a redirect to ``tel:``); the number is never
    shown on a page, and each call is recorded as a personal-data access."""
    wo = work_order_of(request, pk)
    try:
        uri = services.work_order_call(actor=request.user, work_order=wo, ip_address=client_ip(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
        return redirect("dispatch:job", pk=wo.pk)
    return TelRedirect(uri)


@login_required
@require_POST
def duty_action(request: HttpRequest) -> HttpResponse:
    """A worker's own duty buttons (or the control center's, for a named worker)."""
    form = DutyForm(request.POST)
    try:
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        services.duty_update(
            actor=request.user,
            user=data["user"] or request.user,
            kind=data["kind"],
            until=data["until"],
            note=data["note"],
        )
        messages.success(request, _("已更新在岗状态"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
    return redirect(safe_next(request, reverse("dispatch:my_jobs")))


@login_required
@require_POST
def sign_off_all(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.to_sign_off(user=request.user))
    try:
        services.work_order_sign_off(actor=request.user, work_orders=jobs)
        messages.success(request, _("已签认 %(n)s 张工作单") % {"n": len(jobs)})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
    return redirect("dispatch:my_jobs")
