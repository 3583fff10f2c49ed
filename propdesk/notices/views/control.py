"""The control center's pages: the broadcast panel (open tasks first, polled; the browser plays a short tone
for a new one), warnings with their acknowledgements (one tap), the broadcast decision; deliveries to special
customers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import BroadcastMethod, BroadcastRule, Decision, Hazard
from ..models import SpecialDelivery, WeatherWarning
from .common import centers_for, errors_of, local_input, version_of


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for items in errors_of(exc).values():
        for message in items:
            messages.error(request, message)


def _panel_context(request: HttpRequest) -> dict:
    open_tasks, done_tasks = selectors.broadcast_tasks(user=request.user, limit=50)
    return {
        "open_tasks": open_tasks,
        "done_tasks": done_tasks[:20],
        "methods": BroadcastMethod.choices,
        "may_record": any(can(request.user, "broadcast.record", t) for t in open_tasks),
        "open_ids": ",".join(str(t.pk) for t in open_tasks),
    }


@login_required
def broadcasts(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "broadcast.read"):
        raise PermissionDenied(_("您无权查看广播任务"))
    return render(request, "notices/broadcasts.html", _panel_context(request))


@login_required
def broadcasts_panel(request: HttpRequest) -> HttpResponse:
    """The panel's list alone, polled every few seconds by the page."""
    if not can(request.user, "broadcast.read"):
        raise PermissionDenied(_("您无权查看广播任务"))
    return render(request, "notices/partials/_tasks.html", _panel_context(request))


@login_required
@require_POST
def broadcast_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.broadcast_task_get(user=request.user, pk=pk)
    if task is None:
        raise Http404(_("广播任务不存在"))
    try:
        services.broadcast_done(
            actor=request.user,
            task=task,
            methods=request.POST.getlist("methods"),
            done_at=local_input(request.POST.get("done_at"), "done_at"),
            note=request.POST.get("note", ""),
            expected_version=version_of(request.POST.get("version")),
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已登记广播完成：%(community)s") % {"community": task.community.name})
    return redirect("notices:broadcasts")


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    centers = centers_for(request.user, "warning.enter")
    if request.method == "POST":
        center = next((c for c in centers if c.pk == parse_id(request.POST.get("center"))), None)
        if center is None:
            raise PermissionDenied(_("您无权录入预警"))
        level = request.POST.get("level", "")
        try:
            warning = services.warning_enter(
                actor=request.user,
                service_center=center,
                hazard=request.POST.get("hazard", ""),
                level=int(level) if level.isascii() and level.isdigit() and len(level) < 3 else 0,
                headline=request.POST.get("headline", ""),
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            return redirect("notices:warning", warning.pk)
    if not can(request.user, "warning.read"):
        raise PermissionDenied(_("您无权查看预警"))
    return render(
        request,
        "notices/warnings.html",
        {
            "warnings": selectors.warning_list(user=request.user)[:50],
            "centers": centers,
            "hazards": Hazard.choices,
            "mine": selectors.my_unacknowledged(user=request.user),
        },
    )


def _warning(request: HttpRequest, pk: int) -> WeatherWarning:
    try:
        return selectors.warning_get(user=request.user, pk=pk)
    except WeatherWarning.DoesNotExist as exc:
        raise Http404(_("预警不存在或您无权查看")) from exc


@login_required
def warning(request: HttpRequest, pk: int) -> HttpResponse:
    found = _warning(request, pk)
    acks = list(selectors.acknowledgements(warning=found))
    mine = next((a for a in acks if a.user_id == request.user.pk), None)
    return render(
        request,
        "notices/warning.html",
        {
            "warning": found,
            "acks": acks,
            "pending": [a for a in acks if a.acknowledged_at is None],
            "mine": mine,
            "tasks": found.tasks.select_related("community", "done_by__staff_profile"),
            "may_decide": found.broadcast == BroadcastRule.DECIDE
            and found.decision == Decision.PENDING
            and can(request.user, "warning.decide", found),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    found = _warning(request, pk)
    try:
        services.warning_acknowledge(actor=request.user, warning=found)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已确认收到预警"))
    return redirect("notices:warning", pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _warning(request, pk)
    try:
        services.warning_decide(
            actor=request.user,
            warning=found,
            broadcast=request.POST.get("broadcast") == "yes",
            reason=request.POST.get("reason", ""),
            expected_version=version_of(request.POST.get("version")),
        )
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("notices:warning", pk)


@login_required
@require_POST
def delivery_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = SpecialDelivery.objects.filter(pk=pk).select_related("notice").first()
    if found is None or not can(request.user, "notice.read", found.notice) or step not in ("deliver", "ack"):
        raise Http404(_("送达记录不存在"))
    version = version_of(request.POST.get("version"))
    try:
        if step == "deliver":
            services.delivery_record(actor=request.user, delivery=found, expected_version=version)
        else:
            services.delivery_acknowledge(
                actor=request.user, delivery=found, name=request.POST.get("name", ""), expected_version=version
            )
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("notices:detail", found.notice_id)
