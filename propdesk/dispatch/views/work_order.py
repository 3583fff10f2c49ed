"""The work-order page (服务工作单): what happened, what can be done next, and its buttons; the
printable work order and contact sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.http import safe_next
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import ContactSheetStep, Routing, Status
from ..forms import RouteForm
from .actions import ACTIONS
from .common import form_error, messages_of, work_order_of

# What the page offers, each asked of the rule set (``work_order.<action>``).
PAGE_ACTIONS = ("dispatch", "work_for", "visit", "close", "cancel", "route", "handle_routing")


def _next_step(sheet) -> str | None:
    steps = list(ContactSheetStep.values)
    if sheet is None:
        return steps[0]
    return steps[steps.index(sheet.step) + 1] if sheet.step != steps[-1] else None


@login_required
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = work_order_of(request, pk)
    user = request.user
    may = {action: can(user, f"work_order.{action}", wo) for action in PAGE_ACTIONS}
    sheet = getattr(wo, "contact_sheet", None) if wo.routing == Routing.RECTIFICATION else None
    next_step = _next_step(sheet)
    route_form = None
    if may["route"] and wo.routing != Routing.HOUSEKEEPING and wo.status in services.REROUTABLE_STATUSES:
        route_form = RouteForm(
            vendors=selectors.route_vendors(user=user),
            initial={"routing": wo.routing, "vendor": wo.vendor_id, "version": wo.version},
        )
    return render(
        request,
        "dispatch/work_order.html",
        {
            "wo": wo,
            "dispatcher": may["dispatch"],
            "may": may,
            "is_worker": wo.assignee_id == user.pk and can(user, "work_order.work", wo),
            "sheet": sheet,
            "next_step": next_step,
            "next_step_label": ContactSheetStep(next_step).label if next_step else "",
            "route_form": route_form,
            "Status": Status,
            "Routing": Routing,
        },
    )


@login_required
@require_POST
def work_order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every button of the work order and job pages: one form and one service call each (``ACTIONS``)."""
    wo = work_order_of(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.bind(request)
    try:
        if not form.is_valid():
            raise form_error(form)
        spec.call(request.user, wo, form.cleaned_data)
        messages.success(request, spec.message)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
    return redirect(safe_next(request, reverse("dispatch:work_order", args=[pk])))


@login_required
def work_order_print(request: HttpRequest, pk: int) -> HttpResponse:
    wo = work_order_of(request, pk)
    return render(request, "dispatch/print_work_order.html", {"wo": wo, "printed_at": timezone.now()})


@login_required
def work_order_signature(request: HttpRequest, pk: int) -> FileResponse:
    """The customer's signature image, to whoever may see the work order (uploaded files are never served
    from a public folder); not kept in any cache."""
    wo = work_order_of(request, pk)
    if not wo.signature:
        raise Http404(_("这张工作单没有客户签名"))
    try:
        handle = wo.signature.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("这张工作单没有客户签名")) from exc
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def contact_sheet_print(request: HttpRequest, pk: int) -> HttpResponse:
    wo = work_order_of(request, pk)
    sheet = getattr(wo, "contact_sheet", None)
    if sheet is None:
        raise Http404(_("该工作单没有工作联系单"))
    return render(
        request, "dispatch/print_contact_sheet.html", {"wo": wo, "sheet": sheet, "printed_at": timezone.now()}
    )
