"""Surveys, suggestion boxes, consultations and meetings over the API (``/api/v1/engagement/…``), and the
resident's side of the surveys for the portal (``/api/v1/engagement/portal/…``): the same services, selectors and
rules as the pages."""

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id
from propdesk.communities.models import Household, SpecialCustomer
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter

from . import coverage, selectors, services
from .api_contacts_schemas import (
    EngagementAnswerIn,
    EngagementBoxIn,
    EngagementBoxOut,
    EngagementConsultationIn,
    EngagementCoverageOut,
    EngagementMeetingIn,
    EngagementOpeningIn,
    EngagementOpeningOut,
    EngagementPortalAnswerIn,
    EngagementPortalSurveyOut,
    EngagementRecordOut,
    EngagementResultsOut,
    EngagementSurveyIn,
    EngagementSurveyOut,
    EngagementSurveyStepIn,
)
from .api_interviews import _community
from .api_schemas import person
from .formula import formula_text
from .models import SuggestionBox, Survey

router = Router(tags=["主动沟通 Engagement"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def survey_body(survey: Survey) -> dict:
    sections = list(survey.sections.prefetch_related("questions"))
    return {
        "id": survey.pk,
        "title": survey.title,
        "status": survey.status,
        "service_center_id": survey.service_center_id,
        "community_ids": [c.pk for c in survey.communities.all()],
        "sampling": survey.sampling,
        "sample_rate": survey.sample_rate,
        "allow_anonymous": survey.allow_anonymous,
        "formula": formula_text(sections),
        "sections": [
            {
                "title": s.title,
                "weight": s.weight,
                "questions": [
                    {
                        "id": q.pk,
                        "number": q.order,
                        "text": q.text,
                        "kind": q.kind,
                        "weight": q.weight,
                        "options": q.options,
                    }
                    for q in s.questions.all()
                ],
            }
            for s in sections
        ],
        "version": survey.version,
    }


def _survey(request, pk: int) -> Survey:
    found = selectors.surveys_for(user=request.auth).filter(pk=pk).first()
    if found is None:
        raise Http404(_("调查不存在或您无权查看"))
    return found


@router.post("/engagement/surveys", response={201: EngagementSurveyOut, **COMMON_ERRORS})
def survey_create(request: HttpRequest, payload: EngagementSurveyIn):
    """创建满意度调查问卷（部分、题目、权重；公式须经公司客服中心审核后才能使用）/ Create a questionnaire."""
    center = ServiceCenter.objects.visible_to(request.auth).filter(pk=payload.service_center_id).first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权查看"))
    communities = list(center.communities.filter(pk__in=payload.community_ids))
    previous = _survey(request, payload.previous_id) if payload.previous_id else None
    survey = services.survey_create(
        actor=request.auth,
        service_center=center,
        title=payload.title,
        communities=communities if len(communities) == len(set(payload.community_ids)) else [],
        sections=[s.dict() for s in payload.sections],
        sampling=payload.sampling,
        sample_rate=payload.sample_rate,
        allow_anonymous=payload.allow_anonymous,
        previous=previous,
    )
    return Status(201, survey_body(survey))


@router.get("/engagement/surveys/{survey_id}", response={200: EngagementSurveyOut, **COMMON_ERRORS})
def survey_get(request: HttpRequest, survey_id: Id):
    """问卷、计分公式（可读）与状态 / A survey with its readable formula."""
    return survey_body(_survey(request, survey_id))


@router.post("/engagement/surveys/{survey_id}/status", response={200: EngagementSurveyOut, **CONFLICT})
def survey_step(request: HttpRequest, survey_id: Id, payload: EngagementSurveyStepIn):
    """提交公式审核、审核通过或退回、开始（抽样）、结束、分析、经理审核、分公司审批 / Move a survey one step."""
    survey = services.survey_transition(
        actor=request.auth,
        survey=_survey(request, survey_id),
        to_status=payload.to_status,
        expected_version=payload.version,
        reason=payload.reason,
        analysis=payload.analysis,
    )
    return survey_body(survey)


def _answers(raw: dict) -> dict:
    return dict(raw)


@router.post("/engagement/surveys/{survey_id}/responses", response={201: EngagementRecordOut, **COMMON_ERRORS})
def survey_enter(request: HttpRequest, survey_id: Id, payload: EngagementAnswerIn):
    """录入纸质或电话调查的答卷（每户一份）/ Enter a household's paper or phone answers."""
    survey = _survey(request, survey_id)
    household = Household.objects.filter(
        pk=payload.household_id, unit__building__community__in=survey.communities.all()
    ).first()
    if household is None:
        raise Http404(_("住户不在本次调查范围内"))
    response = services.survey_answer(
        actor=request.auth,
        survey=survey,
        household=household,
        answers=_answers(payload.answers),
        channel=payload.channel,
    )
    return Status(201, {"id": response.pk, "tickets": []})


@router.get("/engagement/surveys/{survey_id}/results", response={200: EngagementResultsOut, **COMMON_ERRORS})
def survey_results(request: HttpRequest, survey_id: Id):
    """按公式计算的结果：服务中心、各小区、各部分得分，与上次调查比较 / Results with the formula applied."""
    results = selectors.survey_results(_survey(request, survey_id))
    results["by_community"] = [
        {
            "community_id": r["community"].pk,
            "community": r["community"].name,
            "score": r["score"],
            "responses": r["responses"],
        }
        for r in results["by_community"]
    ]
    results["sections"] = [{"title": r["section"].title, "score": r["score"]} for r in results["sections"]]
    return results


def _my_household(request) -> Household:
    households = sorted(get_scope(request.auth).household)
    if not households:
        raise Http404(_("您没有登记的住户"))
    return Household.objects.get(pk=households[0])


@router.get("/engagement/portal/surveys", response={200: list[EngagementPortalSurveyOut], **COMMON_ERRORS})
def portal_surveys(request: HttpRequest):
    """住户：本户可参加的满意度调查 / Resident: the open surveys sampling the household."""
    return [
        {"id": s.pk, "title": s.title, "answered": answered, "allow_anonymous": s.allow_anonymous}
        for s, answered in selectors.open_surveys_for_resident(user=request.auth)
    ]


@router.post("/engagement/portal/surveys/{survey_id}/answer", response={201: EngagementRecordOut, **COMMON_ERRORS})
def portal_answer(request: HttpRequest, survey_id: Id, payload: EngagementPortalAnswerIn):
    """住户为本户作答（每户一次，可匿名）/ Resident: answer for the household (once, optionally anonymous)."""
    found = {s.pk: s for s, _answered in selectors.open_surveys_for_resident(user=request.auth)}
    if survey_id not in found:
        raise Http404(_("调查不存在或本户不在样本中"))
    survey = found[survey_id]
    household = next(
        h
        for h in Household.objects.filter(pk__in=get_scope(request.auth).household)
        if survey.samples.filter(household=h).exists()
    )
    response = services.survey_answer(
        actor=request.auth,
        survey=survey,
        household=household,
        answers=_answers(payload.answers),
        channel="portal",
        anonymous=payload.anonymous,
    )
    return Status(201, {"id": response.pk, "tickets": []})


def box_body(box: SuggestionBox) -> dict:
    return {
        "id": box.pk,
        "community_id": box.community_id,
        "place": box.place,
        "owner": person(box.owner),
        "starts_on": box.starts_on,
        "due": coverage.box_due(box),
        "missed": coverage.box_missed(box),
        "is_active": box.is_active,
        "version": box.version,
    }


@router.get("/engagement/boxes", response={200: list[EngagementBoxOut], **COMMON_ERRORS})
def boxes(request: HttpRequest):
    """意见箱及开启计划（每两天一次；逾期未开启标记）/ Suggestion boxes with their next opening."""
    return [box_body(b) for b in SuggestionBox.objects.restrict(request.auth, "box.read").select_related("owner")]


@router.post("/engagement/boxes", response={201: EngagementBoxOut, **COMMON_ERRORS})
def box_create(request: HttpRequest, payload: EngagementBoxIn):
    """设置意见箱（位置、责任人、首次开启日期）/ Set up a suggestion box."""
    community = _community(request, payload.community_id, "box.manage")
    owner = get_user_model().objects.filter(pk=payload.owner_id).first()
    box = services.box_save(
        actor=request.auth, community=community, place=payload.place, owner=owner, starts_on=payload.starts_on
    )
    return Status(201, box_body(box))


@router.post("/engagement/boxes/{box_id}/openings", response={201: EngagementOpeningOut, **COMMON_ERRORS})
def box_open(request: HttpRequest, box_id: Id, payload: EngagementOpeningIn):
    """登记开启意见箱：无意见，或每条意见登记为工单（来源：意见箱）/ Record an opening."""
    box = SuggestionBox.objects.restrict(request.auth, "box.read").filter(pk=box_id).first()
    if box is None:
        raise Http404(_("意见箱不存在或您无权查看"))
    opening = services.box_open(
        actor=request.auth,
        box=box,
        opened_on=payload.opened_on,
        items=[i.dict() for i in payload.items],
        note=payload.note,
    )
    tickets = [i.ticket.number for i in opening.items.select_related("ticket")]
    body = {
        "id": opening.pk,
        "opened_on": opening.opened_on,
        "found_nothing": opening.found_nothing,
        "tickets": tickets,
    }
    return Status(201, body)


@router.post("/engagement/consultations", response={201: EngagementRecordOut, **COMMON_ERRORS})
def consultation(request: HttpRequest, payload: EngagementConsultationIn):
    """登记与特殊顾客（幼儿园、学校、商铺等）的沟通，可转跟进工单 / Record a special-customer consultation."""
    customer = SpecialCustomer.objects.visible_to(request.auth).filter(pk=payload.special_customer_id).first()
    if customer is None:
        raise Http404(_("特殊顾客不存在或您无权查看"))
    record = services.consultation_record(
        actor=request.auth, customer=customer, **payload.dict(exclude={"special_customer_id"})
    )
    return Status(201, {"id": record.pk, "tickets": [record.ticket.number] if record.ticket_id else []})


@router.post("/engagement/meetings", response={201: EngagementRecordOut, **COMMON_ERRORS})
def meeting(request: HttpRequest, payload: EngagementMeetingIn):
    """登记业主座谈会、业委会沟通会或社区活动；每条意见转为跟进工单 / Record a forum, meeting or activity."""
    community = _community(request, payload.community_id, "contact.record")
    data = payload.dict(exclude={"community_id", "opinions"})
    record = services.meeting_record(
        actor=request.auth, community=community, opinions=[o.dict() for o in payload.opinions], **data
    )
    return Status(
        201, {"id": record.pk, "tickets": [o.ticket.number for o in record.opinions.select_related("ticket")]}
    )


@router.get("/engagement/coverage/{community_id}", response={200: EngagementCoverageOut, **COMMON_ERRORS})
def contact_coverage(request: HttpRequest, community_id: Id):
    """本季度特殊顾客沟通、业委会沟通，本年业主座谈会，逾期意见箱 / Coverage of the regular contacts."""
    community = _community(request, community_id, "contact.read")
    status = coverage.meeting_coverage(community)
    boxes_missed = sum(
        coverage.box_missed(b) for b in SuggestionBox.objects.filter(community=community, is_active=True)
    )
    return {
        "community_id": community.pk,
        "special_customers": [
            {"id": c.pk, "name": c.name, "kind": c.kind, "consulted_this_quarter": held}
            for c, held in coverage.special_customer_coverage(community)
        ],
        "forum_held": status["forum_held"],
        "forum_flag": status["forum_flag"],
        "committee_held": status["committee_held"],
        "committee_flag": status["committee_flag"],
        "boxes_missed": boxes_missed,
    }
