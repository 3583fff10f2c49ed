"""The control center's board (派单台): its live poll, the assignment panel and dispatching from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.permissions import require
from propdesk.org.models import ServiceCenter

from .. import selectors, services
from ..choices import DispatchMode, Routing
from ..forms import DispatchForm
from .common import center_of, form_error, messages_of, work_order_of


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The board page: the columns at once; the staff panel loads itself right after (``staff_panel``) and
    every 10 s, so opening the board does not wait for the whole staff's load and shifts."""
    center = center_of(request)
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


def _board_context(request: HttpRequest, center: ServiceCenter, version: str | None = None) -> dict:
    # The fingerprint is taken before the columns are read: a change landing in between then shows on the next
    # poll, instead of the page carrying the new fingerprint over the old columns and staying stale.
    if version is None:
        version = selectors.board_version(user=request.user, center_id=center.pk)
    columns = selectors.board_columns(user=request.user, center_id=center.pk)
    _link_cards(columns)
    return {"columns": columns, "pending": columns[0]["total"], "version": version, "now": timezone.now()}


CARD_LINKS = ("work_order", "assign_panel", "dispatch")


def _link_cards(columns: list[dict]) -> None:
    """Each card's links (its page, the assign panel, dispatching) from one reversed pattern each, not 1–3
    URL resolutions per card."""
    patterns = {name: reverse(f"dispatch:{name}", args=[0]).rsplit("/0/", 1) for name in CARD_LINKS}
    for column in columns:
        for card in column["cards"]:
            pk = f"/{card.pk}/"
            card.links = {name: head + pk + tail for name, (head, tail) in patterns.items()}


@login_required
def board_live(request: HttpRequest) -> HttpResponse:
    """Polled every few seconds: 204 when nothing changed, else the fresh columns."""
    center = center_of(request)
    version = selectors.board_version(user=request.user, center_id=center.pk)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = {"center": center, **_board_context(request, center, version)}
    return render(request, "dispatch/partials/_board_live.html", context)


@login_required
def staff_panel(request: HttpRequest) -> HttpResponse:
    """The staff panel (人员状态), polled on its own and less often than the cards: it changes with duty, rota
    and load, not with every order, and is the dearer half of a board refresh."""
    center = center_of(request)
    context = {"center": center, "staff": selectors.staff_status(center_id=center.pk)}
    return render(request, "dispatch/partials/_staff_panel.html", context)


@login_required
def assign_panel(request: HttpRequest, pk: int) -> HttpResponse:
    wo = work_order_of(request, pk)
    require(request.user, "work_order.dispatch", wo, _("只有控制中心可以派单"))
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


def _dispatch(user, wo, data: dict) -> None:
    action, expected = data["action"] or "assign", data["version"]
    if action == "auto":
        services.work_order_dispatch_auto(actor=user, work_order=wo, expected_version=expected)
    elif action == "offer":
        services.work_order_offer(actor=user, work_order=wo, expected_version=expected)
    else:
        if data["assignee"] is None:
            raise ValidationError({"assignee": _("请选择派单对象")})
        services.work_order_assign(actor=user, work_order=wo, assignee=data["assignee"], expected_version=expected)


@login_required
@require_POST
def dispatch_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign / auto-dispatch / offer from the board; answers with the refreshed board (htmx) or a redirect."""
    wo = work_order_of(request, pk)
    form = DispatchForm(request.POST)
    try:
        if not form.is_valid():
            raise form_error(form)
        _dispatch(request.user, wo, form.cleaned_data)
        messages.success(request, _("已派单：%(n)s") % {"n": wo.number})
        status = 200
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc))
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
