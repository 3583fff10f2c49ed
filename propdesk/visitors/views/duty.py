"""The peak-hour gate-duty page (R-CV-5, 002 §5.3): the roster of a community's peak slots for the coming two
weeks (add and remove people), one's own slots with the check-in at the post, the month's coverage rate and the
slots that started unstaffed (the alerts the security managers received). Same services and rules as the API."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_date, parse_id

from .. import selectors, services
from ..choices import PeakSlot
from ..models import PEAK_HOURS
from ..services.duty import CHECK_IN_EARLY, slot_bounds
from .gate import _errors

DAYS_SHOWN = 14
# The unstaffed slots listed one by one (newest first); the older ones are counted.
RECENT_GAPS = 10


def _month(raw: str | None, today: dt.date) -> dt.date:
    raw = (raw or "").strip()
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def _roster(community, start: dt.date, now: dt.datetime, user) -> list[dict]:
    duties = list(
        selectors.duty_list(user=user)
        .filter(community=community, day__range=(start, start + dt.timedelta(days=DAYS_SHOWN - 1)))
        .select_related("user__staff_profile")
    )
    days = []
    for offset in range(DAYS_SHOWN):
        day = start + dt.timedelta(days=offset)
        slots = []
        for value, label in PeakSlot.choices:
            begins = slot_bounds(day, value)[0]
            people = [d for d in duties if d.day == day and d.slot == value]
            short = f"{PEAK_HOURS[value][0]:%H:%M}–{PEAK_HOURS[value][1]:%H:%M}"
            slots.append({"value": value, "label": label, "short": short, "people": people, "started": begins <= now})
        days.append({"day": day, "slots": slots})
    return days


def _context(request: HttpRequest, community_id: int | None, **extra) -> dict:
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    planned = list(selectors.duty_communities(user=user))
    mine = list(selectors.duty_list(user=user).filter(user=user, day__gte=today)[:30])
    if not planned and not mine:
        raise PermissionDenied(_("高峰期门岗值岗表仅限客服主管、安全管理员、中心经理和值岗人员查看"))
    for duty in mine:
        start, end = slot_bounds(duty.day, duty.slot)
        duty.may_check_in = duty.checked_in_at is None and start - CHECK_IN_EARLY <= now <= end
    community = next((c for c in planned if c.pk == community_id), planned[0] if planned else None)
    month = _month(request.GET.get("month"), today)
    context = {"communities": planned, "community": community, "mine": mine, "month": month, "today": today}
    if community is not None:
        gaps = [(d, PeakSlot(s).label) for d, s in services.unstaffed(community=community, month=month)]
        context |= {
            "coverage": services.coverage(community=community, month=month),
            "unstaffed": gaps,
            "recent_unstaffed": gaps[::-1][:RECENT_GAPS],
            "earlier_unstaffed": max(len(gaps) - RECENT_GAPS, 0),
            "roster": _roster(community, today, now, user),
            "people": services.eligible_people(community),
            "slots": PeakSlot.choices,
        }
    return {**context, "errors": {}, "values": {}, **extra}


@login_required
def duty(request: HttpRequest) -> HttpResponse:
    return render(request, "visitors/duty.html", _context(request, parse_id(request.GET.get("community"))))


def _page_url(community_id: int | None) -> str:
    url = reverse("visitors:duty")
    return f"{url}?community={community_id}" if community_id else url


@login_required
@require_POST
def duty_add(request: HttpRequest) -> HttpResponse:
    post = request.POST
    community = selectors.duty_communities(user=request.user).filter(pk=parse_id(post.get("community"))).first()
    if community is None:
        raise Http404(_("小区不存在或您无权安排值岗"))
    person = get_user_model().objects.filter(pk=parse_id(post.get("user")), is_active=True).first()
    try:
        day = parse_date(post.get("day"), "day")
        if day is None:
            raise ValidationError({"day": _("请选择日期")})
        added = services.roster_add(
            actor=request.user, community=community, day=day, slot=post.get("slot", ""), user=person
        )
    except ValidationError as exc:
        context = _context(request, community.pk, errors=_errors(exc), values=post)
        return render(request, "visitors/duty.html", context, status=400)
    messages.success(
        request, _("已排班：%(day)s %(slot)s") % {"day": f"{added.day:%m-%d}", "slot": added.get_slot_display()}
    )
    return redirect(_page_url(community.pk))


@login_required
@require_POST
def duty_remove(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.duty_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("值岗记录不存在或您无权查看"))
    try:
        services.roster_remove(actor=request.user, duty=found)
    except ValidationError as exc:
        messages.error(request, next(iter(_errors(exc).values()))[0])
    else:
        messages.success(request, _("已从值岗表移除"))
    return redirect(_page_url(found.community_id))
