"""Community cultural activities (R-EN-5, 001 §4.6.3): the year's activities of a community with its totals, the
form to plan one; one activity with its notice to the residents, the form to change it while planned, and the
form to record it as held (attendance, feedback) or cancelled."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_date
from propdesk.core.permissions import can
from propdesk.core.publishing import can_publish

from .. import selectors, services
from ..choices import ActivityStatus
from ..models import CommunityActivity
from .common import chosen, communities_or_403, errors_of, version
from .results import notice_url

FIELDS = ("title", "held_on", "place", "organiser", "description", "attendance", "feedback")


def _year(raw) -> int:
    raw = (raw or "").strip()
    this = timezone.localdate().year
    return int(raw) if raw.isascii() and raw.isdigit() and this - 10 <= int(raw) <= this + 1 else this


@login_required
def activities(request: HttpRequest, errors: dict | None = None, status: int = 200) -> HttpResponse:
    communities = communities_or_403(request.user, "activity.read", _("您无权查看社区活动"))
    community = chosen(communities, request.GET.get("community") or request.POST.get("community"))
    year = _year(request.GET.get("year"))
    context = {
        "communities": communities,
        "community": community,
        "year": year,
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
        "rows": selectors.activities_for(user=request.user, community=community, year=year),
        "totals": selectors.activity_year(community, year),
        "may_plan": can(request.user, "activity.plan", CommunityActivity(community=community)),
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "engagement/activities.html", context, status=status)


def _activity(request, pk: int) -> CommunityActivity:
    found = selectors.activities_for(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("活动不存在或您无权查看"))
    return found


@login_required
def activity_detail(request: HttpRequest, pk: int, errors: dict | None = None, status: int = 200) -> HttpResponse:
    activity = _activity(request, pk)
    planned = activity.status == ActivityStatus.PLANNED
    context = {
        "activity": activity,
        "events": activity.events.select_related("actor").order_by("at", "pk"),
        "may_plan": planned and can(request.user, "activity.plan", activity),
        "may_record": planned
        and can(request.user, "activity.plan", activity)
        and activity.held_on <= timezone.localdate(),
        "may_announce": planned and not activity.notice_id and can(request.user, "activity.announce", activity),
        "can_publish": can_publish(),
        "notice_url": notice_url(activity.notice_id),
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "engagement/activity_detail.html", context, status=status)


def _plan_data(post) -> dict:
    return {
        "title": post.get("title", ""),
        "held_on": parse_date(post.get("held_on"), "held_on"),
        "place": post.get("place", ""),
        "organiser": post.get("organiser", ""),
        "description": post.get("description", ""),
    }


def _count(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None


@login_required
@require_POST
def activity_new(request: HttpRequest) -> HttpResponse:
    communities = communities_or_403(request.user, "activity.plan", _("您无权安排社区活动"))
    community = chosen(communities, request.POST.get("community"), strict=True)
    try:
        activity = services.activity_plan(actor=request.user, community=community, **_plan_data(request.POST))
    except ValidationError as exc:
        request.GET = request.GET.copy()
        request.GET["community"] = str(community.pk)
        return activities(request, errors=errors_of(exc, FIELDS), status=400)
    messages.success(request, _("活动已安排"))
    return redirect(reverse("engagement:activity", args=[activity.pk]))


@login_required
@require_POST
def activity_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    activity = _activity(request, pk)
    expected = version(request.POST.get("version"))
    try:
        if step == "edit":
            services.activity_plan(
                actor=request.user,
                community=activity.community,
                activity=activity,
                expected_version=expected,
                **_plan_data(request.POST),
            )
            done = _("活动已修改")
        elif step == "announce":
            services.activity_announce(actor=request.user, activity=activity, expected_version=expected)
            done = _("已生成活动公告草稿，请在公告中审核、盖章后发布")
        elif step in ("held", "cancel"):
            services.activity_record(
                actor=request.user,
                activity=activity,
                held=step == "held",
                attendance=_count(request.POST.get("attendance")),
                feedback=request.POST.get("feedback", ""),
                expected_version=expected,
            )
            done = _("活动情况已登记")
        else:
            raise Http404(_("没有这个操作"))
    except ValidationError as exc:
        stale = getattr(exc, "code", "") == "stale_version"
        return activity_detail(request, pk, errors=errors_of(exc, FIELDS), status=409 if stale else 400)
    messages.success(request, done)
    return redirect(reverse("engagement:activity", args=[pk]))
