"""The planner page, phone first: "my households this month" with a link to interview each, and for those who
plan, each community's progress against target, per person and month, with the flags of the 25th."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.permissions import can
from propdesk.org.choices import Role

from .. import selectors, services
from ..models import InterviewPlan
from ..targets import yearly_target
from .common import chosen, communities_or_403, errors_of, version


def _eligible(community) -> list:
    from propdesk.org.selectors import role_holders

    from ..permissions import INTERVIEWERS

    return role_holders(roles=INTERVIEWERS, community_id=community.pk, service_center=community.service_center)


@login_required
def planner(request: HttpRequest, errors: dict | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    mine = list(selectors.my_households(user=request.user, year=today.year, month=today.month))
    communities = list(selectors.communities_for(user=request.user, action="interview_plan.read"))
    if not mine and not communities:
        communities_or_403(request.user, "interview_plan.read", _("访谈计划仅限客服、工程和安保主管人员查看"))
    community = chosen(communities, request.GET.get("community")) if communities else None
    plan = selectors.plan_get(user=request.user, community=community, year=today.year) if community else None
    context = {
        "today": today,
        "mine": mine,
        "mine_left": sum(1 for s in mine if not s.done),
        "communities": communities,
        "community": community,
        "plan": plan,
        "progress": selectors.plan_progress(plan, today) if plan else None,
        "may_plan": community is not None
        and can(request.user, "interview_plan.make", InterviewPlan(community=community)),
        "may_record": bool(selectors.communities_for(user=request.user, action="interview.record")),
        "errors": errors or {},
    }
    if community is not None:
        context["target"] = yearly_target(community.household_count, small_project=bool(plan and plan.small_project))
        context["eligible"] = _eligible(community) if context["may_plan"] else []
        context["members"] = {m.pk for m in plan.members.all()} if plan else set()
    if community is not None and Role.CENTER_MANAGER in _roles(request.user, community):
        context["in_depth"] = selectors.in_depth_status(manager=request.user, center_id=community.service_center_id)
    return render(request, "engagement/planner.html", context, status=status)


def _roles(user, community) -> frozenset:
    from propdesk.core.scoping import get_scope

    return get_scope(user).roles_in_community(community.pk)


@login_required
@require_POST
def plan_make(request: HttpRequest) -> HttpResponse:
    communities = communities_or_403(request.user, "interview_plan.make", _("您无权制定访谈计划"))
    community = chosen(communities, request.POST.get("community"), strict=True)
    ids = [int(v) for v in request.POST.getlist("members") if v.isascii() and v.isdigit() and len(v) < 10]
    members = list(get_user_model().objects.filter(pk__in=ids))
    try:
        services.plan_make(
            actor=request.user,
            community=community,
            year=timezone.localdate().year,
            members=members,
            small_project=request.POST.get("small_project") == "1",
            expected_version=version(request.POST.get("version")),
        )
    except ValidationError as exc:
        request.GET = request.GET.copy()
        request.GET["community"] = str(community.pk)
        return planner(
            request,
            errors=errors_of(exc, ("members", "year")),
            status=409 if getattr(exc, "code", "") == "stale_version" else 400,
        )
    messages.success(request, _("访谈计划已制定"))
    return redirect(f"{reverse('engagement:planner')}?community={community.pk}")
