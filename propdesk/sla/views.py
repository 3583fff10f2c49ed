"""The timeliness-rate page and the acknowledgement of an escalation."""

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

from propdesk.core.inputs import parse_period as parse_dates
from propdesk.core.permissions import require

from .models import EscalationStep, SlaTarget
from .selectors import GROUPS, TARGET_RATE, timeliness
from .services import escalation_acknowledge


def parse_period(params, errors: list[str]) -> tuple[dt.date, dt.date]:
    """?from=&to= as local dates (the input layer's parser and range); default: the current month so far.
    On a bad date the default period is shown, with the problems in ``errors``."""
    today = timezone.localdate()
    default = today.replace(day=1), today
    try:
        return parse_dates(params, default_start=default[0], default_end=default[1])
    except ValidationError as exc:
        errors.extend(exc.messages)
        return default


@login_required
def timeliness_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "timeliness.view", message=_("该页面仅限物业员工使用"))
    errors: list[str] = []
    date_from, date_to = parse_period(request.GET, errors)
    group_by = request.GET.get("group", "center")
    if group_by not in GROUPS:
        errors.append(_("未知的分组方式：%(v)s") % {"v": group_by})
        group_by = "center"
    rows, total = timeliness(user=request.user, date_from=date_from, date_to=date_to, group_by=group_by)
    return render(
        request,
        "sla/timeliness.html",
        {
            "rows": rows,
            "total": total,
            "groups": [(k, v[1]) for k, v in GROUPS.items()],
            "group_by": group_by,
            "group_label": GROUPS[group_by][1],
            "date_from": date_from,
            "date_to": date_to,
            "errors": errors,
            "target_rate": int(TARGET_RATE * 100),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        step = EscalationStep.objects.select_related("target").get(
            pk=pk, target__ticket__in=SlaTarget.ticket.field.related_model.objects.visible_to(request.user)
        )
    except EscalationStep.DoesNotExist as exc:
        raise Http404(_("升级记录不存在或您无权查看")) from exc
    try:
        escalation_acknowledge(actor=request.user, step=step, note=request.POST.get("note", ""))
        messages.success(request, _("已确认"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect(reverse("tickets:detail", args=[step.target.ticket_id]))
