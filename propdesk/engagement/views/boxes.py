"""The suggestion boxes of a community (R-EN-3): each box's place and owner, its every-2-days opening schedule
(the last opening, the next due day and the two after it), a missed opening flagged, the recent openings with the
tickets their items became; forms to set up or change a box and to record an opening."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_date, parse_id
from propdesk.core.permissions import can
from propdesk.org.roles import STAFF
from propdesk.org.selectors import role_holders

from .. import coverage, services
from ..choices import FindingKind
from ..models import BoxOpening, SuggestionBox
from ..models.boxes import OPENING_INTERVAL_DAYS
from .common import chosen, communities_or_403, errors_of, version

FIELDS = ("place", "owner", "starts_on", "opened_on", "items", "note")
SCHEDULE = 3
RECENT = 5


def boxes_url(community) -> str:
    return f"{reverse('engagement:boxes')}?community={community.pk}"


def _row(user, box) -> dict:
    due = coverage.box_due(box)
    openings = list(BoxOpening.objects.filter(box=box).prefetch_related("items__ticket")[:RECENT])
    return {
        "box": box,
        "due": due,
        "schedule": [due + dt.timedelta(days=OPENING_INTERVAL_DAYS * i) for i in range(SCHEDULE)],
        "missed": coverage.box_missed(box),
        "last": openings[0] if openings else None,
        "openings": openings,
        "may_open": box.is_active and can(user, "box.open", box),
        "may_manage": can(user, "box.manage", box),
    }


@login_required
def boxes(request: HttpRequest, errors: dict | None = None, status: int = 200) -> HttpResponse:
    communities = communities_or_403(request.user, "box.read", _("您无权查看意见箱"))
    community = chosen(communities, request.GET.get("community") or request.POST.get("community"))
    found = (
        SuggestionBox.objects.filter(community=community)
        .select_related("owner", "community")
        .order_by("-is_active", "place")
    )
    probe = SuggestionBox(community=community)
    context = {
        "communities": communities,
        "community": community,
        "rows": [_row(request.user, b) for b in found],
        "may_manage": can(request.user, "box.manage", probe),
        "owners": role_holders(roles=STAFF, community_id=community.pk, service_center=community.service_center),
        "finding_kinds": FindingKind.choices,
        "item_rows": range(1, 4),
        "interval": OPENING_INTERVAL_DAYS,
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "engagement/boxes.html", context, status=status)


def _owner(raw):
    return get_user_model().objects.filter(pk=parse_id(raw)).first()


def _again(request, community, exc):
    request.GET = request.GET.copy()
    request.GET["community"] = str(community.pk)
    stale = getattr(exc, "code", "") == "stale_version"
    return boxes(request, errors=errors_of(exc, FIELDS), status=409 if stale else 400)


@login_required
@require_POST
def box_new(request: HttpRequest) -> HttpResponse:
    communities = communities_or_403(request.user, "box.manage", _("您无权管理意见箱"))
    community = chosen(communities, request.POST.get("community"), strict=True)
    try:
        services.box_save(
            actor=request.user,
            community=community,
            place=request.POST.get("place", ""),
            owner=_owner(request.POST.get("owner")),
            starts_on=parse_date(request.POST.get("starts_on"), "starts_on"),
        )
    except ValidationError as exc:
        return _again(request, community, exc)
    messages.success(request, _("意见箱已登记"))
    return redirect(boxes_url(community))


@login_required
@require_POST
def box_edit(request: HttpRequest, pk: int) -> HttpResponse:
    box = SuggestionBox.objects.restrict(request.user, "box.read").filter(pk=pk).select_related("community").first()
    if box is None:
        raise Http404(_("意见箱不存在或您无权查看"))
    try:
        services.box_save(
            actor=request.user,
            community=box.community,
            box=box,
            place=request.POST.get("place", ""),
            owner=_owner(request.POST.get("owner")),
            starts_on=parse_date(request.POST.get("starts_on"), "starts_on") or box.starts_on,
            is_active=request.POST.get("is_active") == "1",
            expected_version=version(request.POST.get("version")),
        )
    except ValidationError as exc:
        return _again(request, box.community, exc)
    messages.success(request, _("意见箱已修改"))
    return redirect(boxes_url(box.community))
