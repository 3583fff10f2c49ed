"""The watch list page (布控名单, R-CV-3): the security manager adds a person (by identity document) or a vehicle
(by plate) with a reason and an expiry, and removes an entry with a reason — both audited. Nobody else may open
it (403); residents never learn of it. Same services and rules as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_id

from .. import selectors, services
from ..choices import DocumentType, WatchKind
from ..models import WatchEntry
from .gate import _errors, _local_input


def _centers(request: HttpRequest) -> list:
    centers = list(selectors.watch_centers(user=request.user))
    if not centers:
        raise PermissionDenied(_("布控名单仅限安全管理员查看和维护"))
    return centers


def _context(request: HttpRequest, **extra) -> dict:
    centers = _centers(request)
    show_all = request.GET.get("all") == "1"
    return {
        "centers": centers,
        "entries": list(selectors.watch_list(user=request.user, active_only=not show_all)[:500]),
        "show_all": show_all,
        "kinds": WatchKind.choices,
        "document_types": DocumentType.choices,
        "errors": {},
        "values": {},
        **extra,
    }


@login_required
def watch(request: HttpRequest) -> HttpResponse:
    return render(request, "visitors/watch.html", _context(request))


@login_required
@require_POST
def watch_add(request: HttpRequest) -> HttpResponse:
    centers = _centers(request)
    post = request.POST
    center = next((c for c in centers if c.pk == parse_id(post.get("service_center"))), None)
    if center is None:
        raise Http404(_("服务中心不存在或您无权布控"))
    try:
        entry = services.watch_add(
            actor=request.user,
            service_center=center,
            kind=post.get("kind", ""),
            reason=post.get("reason", ""),
            expires_at=_local_input(post.get("expires_at"), "expires_at"),
            name=post.get("name", ""),
            document_type=post.get("document_type", "") if post.get("kind") == WatchKind.PERSON else "",
            id_number=post.get("id_number", ""),
            plate=post.get("plate", ""),
        )
    except ValidationError as exc:
        return render(request, "visitors/watch.html", _context(request, errors=_errors(exc), values=post), status=400)
    messages.success(request, _("已布控：%(what)s") % {"what": entry.name or entry.plate or entry.id_masked})
    return redirect(reverse("visitors:watch"))


@login_required
@require_POST
def watch_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _centers(request)
    try:
        entry = selectors.watch_list(user=request.user, active_only=False).get(pk=pk)
    except WatchEntry.DoesNotExist as exc:
        raise Http404(_("布控记录不存在或您无权查看")) from exc
    try:
        services.watch_remove(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, next(iter(_errors(exc).values()))[0])
    else:
        messages.success(request, _("已撤销布控"))
    return redirect(reverse("visitors:watch"))
