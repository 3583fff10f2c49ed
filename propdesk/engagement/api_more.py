"""The survey builder's edit, the results tables, publishing to customers as a notice (survey results, a
meeting's opinion summary, an activity), the suggestion-box admin and the community activities over the API
(``/api/v1/engagement/…``): the same services, selectors and rules as the pages."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id

from . import selectors, services
from .api_contacts import _survey, box_body, survey_body
from .api_contacts import router as contacts_router
from .api_contacts_schemas import EngagementBoxOut, EngagementSurveyOut
from .api_interviews import _community
from .api_more_schemas import (
    EngagementActivityIn,
    EngagementActivityOut,
    EngagementActivityRecordIn,
    EngagementActivityUpdateIn,
    EngagementBoxUpdateIn,
    EngagementMeetingNoticeIn,
    EngagementNoticeIn,
    EngagementNoticeOut,
    EngagementOpeningListOut,
    EngagementResultTablesOut,
    EngagementSurveyUpdateIn,
)
from .models import CommunityActivity, Meeting, SuggestionBox
from .results import result_tables

router = Router(tags=["主动沟通 Engagement"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}
# A path another router already serves takes its new methods on that router (ninja keeps one per path).


@contacts_router.put("/engagement/surveys/{survey_id}", response={200: EngagementSurveyOut, **CONFLICT})
def survey_update(request: HttpRequest, survey_id: Id, payload: EngagementSurveyUpdateIn):
    """修改草稿问卷（提交审核后只读）/ Change a draft questionnaire (read-only once submitted)."""
    survey = _survey(request, survey_id)
    communities = list(survey.service_center.communities.filter(pk__in=payload.community_ids))
    previous = _survey(request, payload.previous_id) if payload.previous_id else None
    survey = services.survey_update(
        actor=request.auth,
        survey=survey,
        title=payload.title,
        communities=communities if len(communities) == len(set(payload.community_ids)) else [],
        sections=[s.dict() for s in payload.sections],
        sampling=payload.sampling,
        sample_rate=payload.sample_rate,
        allow_anonymous=payload.allow_anonymous,
        previous=previous,
        expected_version=payload.version,
    )
    return survey_body(survey)


@router.get("/engagement/surveys/{survey_id}/result-tables", response={200: EngagementResultTablesOut, **COMMON_ERRORS})
def survey_result_tables(request: HttpRequest, survey_id: Id):
    """结果图表的数据：各小区、各部分得分与上次比较，各题答案分布 / The numbers behind the result charts."""
    survey = _survey(request, survey_id)
    t = result_tables(survey)
    return {
        "overall": t["overall"],
        "responses": t["responses"],
        "sample": t["sample"],
        "previous": t["previous"],
        "change": t["change"],
        "communities": [
            {
                "community_id": r["community"].pk,
                "community": r["community"].name,
                "score": r["score"],
                "responses": r["responses"],
                "previous": r["previous"],
                "change": r["change"],
            }
            for r in t["communities"]
        ],
        "sections": [
            {"title": r["section"].title, "score": r["score"], "previous": r["previous"], "change": r["change"]}
            for r in t["section_rows"]
        ],
        "questions": [
            {
                "question_id": q["question"].pk,
                "number": q["question"].order,
                "text": q["question"].text,
                "answered": q["answered"],
                "score": q["score"],
                "levels": q["levels"],
            }
            for q in t["questions"]
        ],
    }


@router.post("/engagement/surveys/{survey_id}/notice", response={201: EngagementNoticeOut, **CONFLICT})
def survey_notice(request: HttpRequest, survey_id: Id, payload: EngagementNoticeIn):
    """将已审批的调查结果发布为公告（生成公告草稿）/ Draft the notice publishing the approved results."""
    notice_id = services.survey_announce(
        actor=request.auth, survey=_survey(request, survey_id), expected_version=payload.version
    )
    return Status(201, {"notice_id": notice_id})


@router.post("/engagement/meetings/{meeting_id}/notice", response={201: EngagementNoticeOut, **COMMON_ERRORS})
def meeting_notice(request: HttpRequest, meeting_id: Id, payload: EngagementMeetingNoticeIn):
    """将座谈会或业委会沟通会的意见汇总发布为公告 / Draft the notice publishing a meeting's opinion summary."""
    meeting = Meeting.objects.restrict(request.auth, "contact.read").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("会议不存在或您无权查看"))
    notice_id = services.meeting_announce(actor=request.auth, meeting=meeting, summary=payload.summary)
    return Status(201, {"notice_id": notice_id})


def _box(request, box_id: int) -> SuggestionBox:
    box = SuggestionBox.objects.restrict(request.auth, "box.read").filter(pk=box_id).select_related("owner").first()
    if box is None:
        raise Http404(_("意见箱不存在或您无权查看"))
    return box


@router.put("/engagement/boxes/{box_id}", response={200: EngagementBoxOut, **CONFLICT})
def box_update(request: HttpRequest, box_id: Id, payload: EngagementBoxUpdateIn):
    """修改意见箱（位置、责任人、首次开启日期、停用）/ Change a suggestion box."""
    box = _box(request, box_id)
    box = services.box_save(
        actor=request.auth,
        community=box.community,
        box=box,
        place=payload.place,
        owner=get_user_model().objects.filter(pk=payload.owner_id).first(),
        starts_on=payload.starts_on,
        is_active=payload.is_active,
        expected_version=payload.version,
    )
    return box_body(box)


@contacts_router.get(
    "/engagement/boxes/{box_id}/openings", response={200: list[EngagementOpeningListOut], **COMMON_ERRORS}
)
def box_openings(request: HttpRequest, box_id: Id):
    """意见箱的开启记录（最近 50 次）及转出的工单 / A box's openings with the tickets of their items."""
    box = _box(request, box_id)
    return [
        {
            "id": o.pk,
            "opened_on": o.opened_on,
            "found_nothing": o.found_nothing,
            "note": o.note,
            "items": [{"kind": i.kind, "text": i.text, "ticket": i.ticket.number} for i in o.items.all()],
        }
        for o in box.openings.prefetch_related("items__ticket")[:50]
    ]


def activity_body(a: CommunityActivity) -> dict:
    fields = ("id", "community_id", "title", "held_on", "place", "organiser", "description", "status")
    return {
        **{f: getattr(a, f) for f in fields},
        "notice_id": a.notice_id,
        "attendance": a.attendance,
        "feedback": a.feedback,
        "version": a.version,
    }


def _activity(request, pk: int) -> CommunityActivity:
    found = selectors.activities_for(user=request.auth).filter(pk=pk).first()
    if found is None:
        raise Http404(_("活动不存在或您无权查看"))
    return found


@router.get("/engagement/activities", response={200: list[EngagementActivityOut], **COMMON_ERRORS})
def activities(request: HttpRequest, community_id: Id | None = None, year: int | None = Query(None, ge=2000, le=2099)):
    """社区文化活动（可按小区、年份筛选）/ Community cultural activities."""
    community = _community(request, community_id, "activity.read") if community_id else None
    return [activity_body(a) for a in selectors.activities_for(user=request.auth, community=community, year=year)[:500]]


@router.post("/engagement/activities", response={201: EngagementActivityOut, **COMMON_ERRORS})
def activity_create(request: HttpRequest, payload: EngagementActivityIn):
    """安排社区文化活动（名称、日期、地点、组织者）/ Plan an activity."""
    community = _community(request, payload.community_id, "activity.plan")
    activity = services.activity_plan(actor=request.auth, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, activity_body(activity))


@router.put("/engagement/activities/{activity_id}", response={200: EngagementActivityOut, **CONFLICT})
def activity_update(request: HttpRequest, activity_id: Id, payload: EngagementActivityUpdateIn):
    """修改计划中的活动 / Change a planned activity."""
    activity = _activity(request, activity_id)
    activity = services.activity_plan(
        actor=request.auth,
        community=activity.community,
        activity=activity,
        expected_version=payload.version,
        **payload.dict(exclude={"version"}),
    )
    return activity_body(activity)


@router.post("/engagement/activities/{activity_id}/notice", response={201: EngagementNoticeOut, **CONFLICT})
def activity_notice(request: HttpRequest, activity_id: Id, payload: EngagementNoticeIn):
    """生成活动通知的公告草稿 / Draft the notice inviting the residents."""
    notice_id = services.activity_announce(
        actor=request.auth, activity=_activity(request, activity_id), expected_version=payload.version
    )
    return Status(201, {"notice_id": notice_id})


@router.post("/engagement/activities/{activity_id}/record", response={200: EngagementActivityOut, **CONFLICT})
def activity_record(request: HttpRequest, activity_id: Id, payload: EngagementActivityRecordIn):
    """登记活动已举办（参加人数、住户反馈）或已取消（原因）/ Record an activity as held or cancelled."""
    activity = services.activity_record(
        actor=request.auth,
        activity=_activity(request, activity_id),
        held=payload.held,
        attendance=payload.attendance,
        feedback=payload.feedback,
        expected_version=payload.version,
    )
    return activity_body(activity)
