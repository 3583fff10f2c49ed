"""The interview planner and register over the API (``/api/v1/engagement/…``): the same services, selectors and
rules as the pages."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import Id, page_of
from propdesk.communities.models import Household

from . import selectors, services
from .api_schemas import (
    EngagementFindingIn,
    EngagementInDepthOut,
    EngagementInterviewFilters,
    EngagementInterviewIn,
    EngagementInterviewOut,
    EngagementInterviewPage,
    EngagementPlanIn,
    EngagementPlanOut,
    EngagementSlotOut,
    interview_body,
    plan_body,
)
from .models import Interview

router = Router(tags=["主动沟通 Engagement"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _community(request, community_id: int, action: str):
    found = selectors.communities_for(user=request.auth, action=action).filter(pk=community_id).first()
    if found is None:
        raise Http404(_("小区不存在或您无权操作"))
    return found


def _users(ids) -> list:
    users = list(get_user_model().objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise Http404(_("人员不存在"))
    return users


@router.post("/engagement/plans", response={200: EngagementPlanOut, **CONFLICT})
def plan_make(request: HttpRequest, payload: EngagementPlanIn):
    """制定或重新制定小区的年度访谈计划（已访谈的住户保留，其余从本月起重新分配）/ Make or re-make a plan."""
    community = _community(request, payload.community_id, "interview_plan.make")
    plan = services.plan_make(
        actor=request.auth,
        community=community,
        year=payload.year,
        members=_users(payload.member_ids),
        small_project=payload.small_project,
        expected_version=payload.version,
    )
    return plan_body(plan, selectors.plan_progress(plan))


@router.get("/engagement/plans/{community_id}/{year}", response={200: EngagementPlanOut, **COMMON_ERRORS})
def plan_get(request: HttpRequest, community_id: Id, year: int = Path(..., ge=2000, le=2099)):
    """访谈计划与进度（每月、本月每人，落后标记）/ A plan with its progress."""
    community = _community(request, community_id, "interview_plan.read")
    plan = selectors.plan_get(user=request.auth, community=community, year=year)
    if plan is None:
        raise Http404(_("该年度没有访谈计划"))
    return plan_body(plan, selectors.plan_progress(plan))


@router.get("/engagement/my-households", response={200: list[EngagementSlotOut], **COMMON_ERRORS})
def my_households(request: HttpRequest):
    """我本月的访谈住户 / The caller's households to interview this month."""
    today = timezone.localdate()
    return [
        {
            "id": s.pk,
            "community_id": s.plan.community_id,
            "community": s.plan.community.name,
            "household_id": s.household_id,
            "room": s.household.unit.label,
            "month": s.month,
            "reason": s.reason,
            "done": s.done,
            "interview_id": s.interview_id,
        }
        for s in selectors.my_households(user=request.auth, year=today.year, month=today.month)
    ]


@router.get("/engagement/in-depth/{community_id}", response={200: EngagementInDepthOut, **COMMON_ERRORS})
def in_depth(request: HttpRequest, community_id: Id):
    """服务中心经理本月深入访谈（每月至少 2 户）/ The manager's in-depth interviews this month."""
    community = _community(request, community_id, "interview_plan.read")
    return selectors.in_depth_status(manager=request.auth, center_id=community.service_center_id)


@router.post("/engagement/interviews", response={201: EngagementInterviewOut, **COMMON_ERRORS})
def interview_record(
    request: HttpRequest,
    response: HttpResponse,
    payload: EngagementInterviewIn,
    idempotency_key: str | None = key_header(),
):
    """登记客户访谈；每条 findings 转为一张工单（投诉、报修、建议）。支持 ``Idempotency-Key`` / Record an interview."""

    def create() -> tuple[int, dict]:
        communities = selectors.communities_for(user=request.auth, action="interview.record")
        household = (
            Household.objects.filter(pk=payload.household_id, unit__building__community__in=communities, is_active=True)
            .select_related("unit__building__community")
            .first()
        )
        if household is None:
            raise Http404(_("住户不存在或您无权访谈"))
        data = payload.dict(exclude={"household_id", "interviewer_ids", "findings"})
        interview = services.interview_record(
            actor=request.auth,
            household=household,
            interviewers=_users(payload.interviewer_ids),
            findings=[f.dict() for f in payload.findings],
            **data,
        )
        return 201, interview_body(selectors.interview_get(user=request.auth, pk=interview.pk))

    return idempotent(request, response, endpoint="engagement.interview_record", key=idempotency_key, create=create)


@router.get("/engagement/interviews", response={200: EngagementInterviewPage, **COMMON_ERRORS})
def interviews(request: HttpRequest, filters: Query[EngagementInterviewFilters]):
    """客户访谈记录表 / The interview register."""
    community = None
    if filters.community_id:
        community = _community(request, filters.community_id, "interview.read")
    qs = selectors.interviews_for(
        user=request.auth,
        community=community,
        date_from=filters.date_from,
        date_to=filters.date_to,
        kind=filters.kind or "",
    )
    page = page_of(qs, filters.offset, filters.limit)
    return {**page, "items": [interview_body(i) for i in page["items"]]}


def _interview(request, pk: int) -> Interview:
    try:
        return selectors.interview_get(user=request.auth, pk=pk)
    except Interview.DoesNotExist:
        raise Http404(_("访谈记录不存在或您无权查看")) from None


@router.get("/engagement/interviews/{interview_id}", response={200: EngagementInterviewOut, **COMMON_ERRORS})
def interview_get(request: HttpRequest, interview_id: Id):
    """一条访谈记录及其转出的工单 / One interview."""
    return interview_body(_interview(request, interview_id))


@router.post("/engagement/interviews/{interview_id}/tickets", response={201: EngagementInterviewOut, **COMMON_ERRORS})
def interview_ticket(request: HttpRequest, interview_id: Id, payload: EngagementFindingIn):
    """把访谈中发现的事项转为工单（投诉、报修、建议）并关联 / Turn a finding into a linked ticket."""
    interview = _interview(request, interview_id)
    services.interview_finding_to_ticket(actor=request.auth, interview=interview, kind=payload.kind, text=payload.text)
    return Status(201, interview_body(_interview(request, interview_id)))
