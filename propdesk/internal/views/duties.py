"""Marking one of my recurring duties (002 §五) done, from the "my day" page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import DutyTask
from .common import first_error, version


@login_required
@require_POST
def duty_complete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.duty_get(user=request.user, pk=pk)
    except DutyTask.DoesNotExist as exc:
        raise Http404(_("例行工作不存在或您无权查看")) from exc
    try:
        services.duty_complete(
            actor=request.user,
            task=task,
            note=request.POST.get("note", ""),
            expected_version=version(request.POST.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已完成：%(t)s") % {"t": task.title})
    return redirect("internal:my_day")
