"""The manager's daily work log on the "my day" page: the summary, patrol findings, a finding to a ticket."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_id

from .. import selectors, services
from ..models import PatrolFinding
from .common import first_error, version


@login_required
@require_POST
def work_log(request: HttpRequest) -> HttpResponse:
    data = request.POST
    try:
        if data.get("action") == "finding":
            community = selectors.log_communities(user=request.user).filter(pk=parse_id(data.get("community"))).first()
            services.finding_add(
                actor=request.user,
                community=community,
                location=data.get("location", ""),
                description=data.get("description", ""),
                fixed_on_spot=data.get("fixed_on_spot") == "on",
            )
        else:
            services.work_log_save(
                actor=request.user,
                day=timezone.localdate(),
                summary=data.get("summary", ""),
                expected_version=version(data.get("version")),
            )
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已保存"))
    return redirect("internal:my_day")


@login_required
@require_POST
def finding_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        finding = selectors.finding_get(user=request.user, pk=pk)
    except PatrolFinding.DoesNotExist as exc:
        raise Http404(_("巡视记录不存在或您无权查看")) from exc
    try:
        finding = services.finding_to_ticket(actor=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已转为工单 %(n)s") % {"n": finding.ticket.number})
    return redirect("internal:my_day")
