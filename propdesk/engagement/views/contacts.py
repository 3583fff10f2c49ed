"""The regular contacts page of a community: its suggestion boxes with their next opening (missed ones flagged)
and the opening form, the special customers consulted this quarter, this year's owner forum and this quarter's
committee meeting, with the forms to record them — the same services and coverage as the API and the job."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import SpecialCustomer
from propdesk.core.inputs import parse_date, parse_id
from propdesk.core.permissions import can
from propdesk.core.publishing import can_publish

from .. import coverage, services
from ..choices import FindingKind, MeetingKind
from ..models import Meeting, SuggestionBox
from .common import chosen, communities_or_403, errors_of

ITEM_ROWS = 3


def _url(community) -> str:
    return f"{reverse('engagement:contacts')}?community={community.pk}"


@login_required
def contacts(request: HttpRequest, errors: dict | None = None, status: int = 200) -> HttpResponse:
    communities = communities_or_403(request.user, "contact.read", _("您无权查看沟通记录"))
    community = chosen(communities, request.GET.get("community") or request.POST.get("community"))
    boxes = list(SuggestionBox.objects.filter(community=community, is_active=True).select_related("owner"))
    rows = [
        {
            "box": b,
            "due": coverage.box_due(b),
            "missed": coverage.box_missed(b),
            "may_open": can(request.user, "box.open", b),
        }
        for b in boxes
    ]
    context = {
        "communities": communities,
        "community": community,
        "boxes": rows,
        "customers": coverage.special_customer_coverage(community),
        "meetings": coverage.meeting_coverage(community),
        "recent": Meeting.objects.filter(community=community)[:5],
        "may_record": can(request.user, "contact.record", Meeting(community=community)),
        "may_announce": can(request.user, "contact.announce", Meeting(community=community)) and can_publish(),
        "finding_kinds": FindingKind.choices,
        "meeting_kinds": MeetingKind.choices,
        "item_rows": range(1, ITEM_ROWS + 1),
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "engagement/contacts.html", context, status=status)


def _items(post, prefix: str) -> list[dict]:
    found = []
    for i in range(1, ITEM_ROWS + 1):
        text = (post.get(f"{prefix}_text_{i}") or "").strip()
        if text:
            found.append({"kind": post.get(f"{prefix}_kind_{i}", ""), "text": text})
    return found


def _day(raw, field: str) -> dt.date | None:
    return parse_date(raw, field)


@login_required
@require_POST
def box_open(request: HttpRequest, pk: int) -> HttpResponse:
    box = SuggestionBox.objects.restrict(request.user, "box.read").filter(pk=pk).select_related("community").first()
    if box is None:
        raise Http404(_("意见箱不存在或您无权查看"))
    try:
        opening = services.box_open(
            actor=request.user,
            box=box,
            opened_on=_day(request.POST.get("opened_on"), "opened_on"),
            items=_items(request.POST, "item"),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        request.GET = request.GET.copy()
        request.GET["community"] = str(box.community_id)
        if request.POST.get("back") == "boxes":
            from .boxes import boxes

            return boxes(request, errors=errors_of(exc), status=400)
        return contacts(request, errors=errors_of(exc), status=400)
    numbers = [i.ticket.number for i in opening.items.select_related("ticket")]
    messages.success(
        request, _("已登记开启，转工单 %(n)s") % {"n": "、".join(numbers)} if numbers else _("已登记开启：无意见")
    )
    if request.POST.get("back") == "boxes":
        return redirect(f"{reverse('engagement:boxes')}?community={box.community_id}")
    return redirect(_url(box.community))


@login_required
@require_POST
def meeting_announce(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = Meeting.objects.restrict(request.user, "contact.read").filter(pk=pk).select_related("community").first()
    if meeting is None:
        raise Http404(_("会议不存在或您无权查看"))
    try:
        services.meeting_announce(actor=request.user, meeting=meeting, summary=request.POST.get("summary", ""))
    except ValidationError as exc:
        request.GET = request.GET.copy()
        request.GET["community"] = str(meeting.community_id)
        return contacts(request, errors=errors_of(exc), status=400)
    messages.success(request, _("已生成意见汇总公告草稿，请在公告中审核、盖章后发布"))
    return redirect(_url(meeting.community))


@login_required
@require_POST
def consultation(request: HttpRequest) -> HttpResponse:
    customer = (
        SpecialCustomer.objects.visible_to(request.user).filter(pk=parse_id(request.POST.get("customer"))).first()
    )
    if customer is None:
        raise Http404(_("特殊顾客不存在或您无权查看"))
    try:
        services.consultation_record(
            actor=request.user,
            customer=customer,
            held_on=_day(request.POST.get("held_on"), "held_on"),
            opinions=request.POST.get("opinions", ""),
            contact=request.POST.get("contact", ""),
            follow_up_kind=request.POST.get("follow_up_kind", ""),
            follow_up_text=request.POST.get("follow_up_text", ""),
        )
    except ValidationError as exc:
        request.GET = request.GET.copy()
        request.GET["community"] = str(customer.community_id)
        return contacts(request, errors=errors_of(exc), status=400)
    messages.success(request, _("沟通记录已登记"))
    return redirect(_url(customer.community))


@login_required
@require_POST
def meeting(request: HttpRequest) -> HttpResponse:
    communities = communities_or_403(request.user, "contact.record", _("您无权登记会议和活动"))
    community = chosen(communities, request.POST.get("community"), strict=True)
    raw = (request.POST.get("attendance") or "0").strip()
    try:
        services.meeting_record(
            actor=request.user,
            community=community,
            kind=request.POST.get("kind", ""),
            held_on=_day(request.POST.get("held_on"), "held_on"),
            title=request.POST.get("title", ""),
            attendees=request.POST.get("attendees", ""),
            attendance=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else -1,
            minutes=request.POST.get("minutes", ""),
            opinions=_items(request.POST, "opinion"),
        )
    except ValidationError as exc:
        return contacts(request, errors=errors_of(exc), status=400)
    messages.success(request, _("会议/活动已登记"))
    return redirect(_url(community))
