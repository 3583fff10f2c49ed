"""The whereabouts pages: going out and back in one action each (from the "my day" page on a phone) and the
board of who is out now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import Outing
from .common import errors_of, first_error, time_today, version


@login_required
@require_POST
def outing_post(request: HttpRequest) -> HttpResponse:
    data = request.POST
    try:
        services.outing_post(
            actor=request.user,
            reason=data.get("reason", ""),
            place=data.get("place", ""),
            phone=data.get("phone", ""),
            expected_back=time_today(data.get("expected_back"), "expected_back"),
        )
    except ValidationError as exc:
        from .day import my_day_page

        return my_day_page(request, outing_errors=errors_of(exc), outing_values=data, status=400)
    messages.success(request, _("已登记外出，返回后请点“我已返回”"))
    return redirect("internal:my_day")


@login_required
@require_POST
def outing_return(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        outing = selectors.outing_get(user=request.user, pk=pk)
    except Outing.DoesNotExist as exc:
        raise Http404(_("外出登记不存在或您无权查看")) from exc
    try:
        services.outing_return(actor=request.user, outing=outing, expected_version=version(request.POST.get("version")))
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已登记返回"))
    return redirect("internal:my_day")


@login_required
def board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    out = list(selectors.board(user=request.user))
    return render(
        request,
        "internal/board.html",
        {"out": out, "now": now, "overdue": [o for o in out if o.is_overdue(now)]},
    )
