"""The portal over the API (``/api/v1/portal/…``), for a WeChat mini-program as for the pages: sign-in by SMS
code, the resident's households, their requests (submit with photos, follow, message, cancel, confirm and rate).
Every request call names the household (``household_id``); another household's request is a 404. Visitors are
invited with ``POST /api/v1/visitors/invitations`` (``community_id`` and ``room`` from ``/portal/households``)."""

from django.contrib.auth import login
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, InputDateTime
from propdesk.communities.models import Household
from propdesk.core.http import client_ip
from propdesk.core.people import person_name
from propdesk.engagement.models import Survey
from propdesk.tickets.models import Ticket

from . import login as codes
from . import selectors, services
from .api_schemas import (
    PortalAnsweredOut,
    PortalCancelIn,
    PortalCodeIn,
    PortalHouseholdOut,
    PortalLoginIn,
    PortalMeOut,
    PortalMessageIn,
    PortalRatingIn,
    PortalRequestOut,
    PortalRequestRow,
    PortalSentOut,
    PortalSurveyAnswerIn,
    PortalSurveyOut,
    PortalSurveyRow,
)
from .views_login import BACKEND

router = Router(tags=["住户服务 Portal"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return selectors.household_get(user=request.auth, pk=household_id)
    except Household.DoesNotExist as exc:
        raise Http404(_("住户不存在或您不是其成员")) from exc


def _ticket(request: HttpRequest, household: Household, ticket_id: int) -> Ticket:
    try:
        return selectors.request_get(user=request.auth, household=household, pk=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404(_("诉求不存在或您无权查看")) from exc


def household_body(h: Household) -> dict:
    community = h.unit.building.community
    return {"id": h.pk, "community_id": community.pk, "community": community.name, "room": h.unit.code}


def row_body(t: Ticket) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "status": t.status,
        "status_label": t.get_status_display(),
        "title": t.title,
        "received_at": t.received_at,
    }


def request_body(request: HttpRequest, ticket: Ticket) -> dict:
    view = selectors.request_view(user=request.auth, ticket=ticket)
    rating = view.rating
    return {
        **row_body(ticket),
        "version": ticket.version,
        "content": ticket.content,
        "place": ticket.place,
        "preferred_from": ticket.preferred_from,
        "preferred_to": ticket.preferred_to,
        "jobs": [vars(job) for job in view.jobs],
        "steps": [{"at": at, "label": str(label)} for at, label in view.steps],
        "messages": [vars(m) for m in view.messages],
        "photos": [
            {"id": p.pk, "name": p.original_name, "url": reverse("tickets:attachment", args=[p.pk])}
            for p in view.photos
        ],
        "rating": None
        if rating is None
        else {
            "score": rating.score,
            "comment": rating.comment,
            "at": rating.at,
            "stood_in_for_visit": rating.stood_in_for_visit,
        },
        "can_cancel": view.can_cancel,
        "can_confirm": view.can_confirm,
    }


@router.post("/portal/login/code", auth=None, response={202: PortalSentOut, 429: ErrorOut, **COMMON_ERRORS})
def send_code(request: HttpRequest, payload: PortalCodeIn):
    """发送登录验证码（每号码、每地址每分钟 1 次、每小时 5 次；是否登记不作区分）/ Send a sign-in code by SMS."""
    try:
        codes.request_code(phone=payload.phone, ip_address=client_ip(request))
    except codes.Throttled as exc:
        raise HttpError(429, exc.message) from exc
    return Status(202, {"detail": _("如该号码已在服务中心登记，验证码已发送")})


@router.post("/portal/login", auth=None, response={200: PortalMeOut, **COMMON_ERRORS})
def sign_in(request: HttpRequest, payload: PortalLoginIn):
    """用验证码登录，建立会话（Cookie）/ Sign in with the code; the session cookie authenticates later calls."""
    user = codes.verify_code(phone=payload.phone, code=payload.code)
    login(request, user, backend=BACKEND)
    return {"name": person_name(user), "households": [household_body(h) for h in selectors.households_of(user)]}


@router.get("/portal/me", response={200: PortalMeOut, **COMMON_ERRORS})
def me(request: HttpRequest):
    """我的姓名与房屋 / My name and households."""
    return {
        "name": person_name(request.auth),
        "households": [household_body(h) for h in selectors.households_of(request.auth)],
    }


@router.get("/portal/households", response={200: list[PortalHouseholdOut], **COMMON_ERRORS})
def households(request: HttpRequest):
    """我的房屋（有多处房屋时，每个调用以 household_id 指明）/ My households."""
    return [household_body(h) for h in selectors.households_of(request.auth)]


@router.get("/portal/requests", response={200: list[PortalRequestRow], **COMMON_ERRORS})
def request_list(request: HttpRequest, household_id: Query[Id], status: str = ""):
    """本户的诉求，最新在前（status=open 未办结，done 已办结）/ The household's requests."""
    household = _household(request, household_id)
    qs = selectors.request_list(user=request.auth, household=household, status=status)[:100]
    return [row_body(t) for t in qs]


@router.post("/portal/requests", response={201: PortalRequestOut, **COMMON_ERRORS})
def request_submit(
    request: HttpRequest,
    household_id: Form[Id],
    kind: Form[str],
    content: Form[str],
    public_place: Form[str] = "",
    room_spot: Form[str] = "",
    preferred_from: Form[InputDateTime | None] = None,
    preferred_to: Form[InputDateTime | None] = None,
    photos: File[list[UploadedFile]] = None,
):
    """提交报修、投诉、建议、表扬、咨询或特约服务（multipart/form-data，photos 可多张）/ Submit a request."""
    household = _household(request, household_id)
    ticket = services.submit_request(
        actor=request.auth,
        household=household,
        kind=kind,
        content=content,
        public_place=public_place,
        room_spot=room_spot,
        preferred_from=preferred_from,
        preferred_to=preferred_to,
        photos=photos or [],
    )
    return Status(201, request_body(request, _ticket(request, household, ticket.pk)))


@router.get("/portal/requests/{request_id}", response={200: PortalRequestOut, **COMMON_ERRORS})
def request_detail(request: HttpRequest, request_id: Id, household_id: Query[Id]):
    """一条诉求的进度：状态、维修人员姓名与预计上门时间、沟通记录 / One request's progress."""
    household = _household(request, household_id)
    return request_body(request, _ticket(request, household, request_id))


@router.post("/portal/requests/{request_id}/messages", response={201: PortalRequestOut, **COMMON_ERRORS})
def request_message(request: HttpRequest, request_id: Id, payload: PortalMessageIn):
    """补充说明或留言 / Add a message."""
    household = _household(request, payload.household_id)
    ticket = _ticket(request, household, request_id)
    services.add_message(actor=request.auth, ticket=ticket, text=payload.text)
    return Status(201, request_body(request, _ticket(request, household, request_id)))


@router.post("/portal/requests/{request_id}/cancel", response={200: PortalRequestOut, **CONFLICT})
def request_cancel(request: HttpRequest, request_id: Id, payload: PortalCancelIn):
    """撤销尚未派人处理的诉求 / Withdraw a request nobody was sent for yet."""
    household = _household(request, payload.household_id)
    ticket = _ticket(request, household, request_id)
    services.cancel_request(
        actor=request.auth, ticket=ticket, reason=payload.reason, expected_version=payload.expected_version
    )
    return request_body(request, _ticket(request, household, request_id))


@router.post("/portal/requests/{request_id}/rating", response={201: PortalRequestOut, **CONFLICT})
def request_rate(request: HttpRequest, request_id: Id, payload: PortalRatingIn):
    """确认办结并评价（1–5 分）；满意可代替回访电话（按服务中心设置），不满意重新处理 / Confirm and rate."""
    household = _household(request, payload.household_id)
    ticket = _ticket(request, household, request_id)
    services.confirm_and_rate(
        actor=request.auth,
        ticket=ticket,
        score=payload.score,
        comment=payload.comment,
        expected_version=payload.expected_version,
    )
    return Status(201, request_body(request, _ticket(request, household, request_id)))


def _survey(request: HttpRequest, household: Household, survey_id: int) -> selectors.SurveyRow:
    try:
        return selectors.survey_get(user=request.auth, household=household, pk=survey_id)
    except Survey.DoesNotExist as exc:
        raise Http404(_("调查不存在或本户不在调查范围内")) from exc


def survey_row(row: selectors.SurveyRow) -> dict:
    s = row.survey
    return {"id": s.pk, "title": s.title, "answered": row.answered, "allow_anonymous": s.allow_anonymous}


@router.get("/portal/surveys", response={200: list[PortalSurveyRow], **COMMON_ERRORS})
def survey_list(request: HttpRequest, household_id: Query[Id]):
    """本户可参加的满意度调查（本小区、本户在样本中、进行中），是否已提交 / The open surveys asking the household."""
    household = _household(request, household_id)
    return [survey_row(row) for row in selectors.survey_list(user=request.auth, household=household)]


@router.get("/portal/surveys/{survey_id}", response={200: PortalSurveyOut, **COMMON_ERRORS})
def survey_detail(request: HttpRequest, survey_id: Id, household_id: Query[Id]):
    """问卷的各部分与题目 / The questionnaire by section."""
    row = _survey(request, _household(request, household_id), survey_id)
    sections = [
        {
            "title": section.title,
            "questions": [
                {
                    "id": q.pk,
                    "number": q.order,
                    "text": q.text,
                    "kind": q.kind,
                    "options": [o["label"] for o in q.options or []],
                }
                for q in section.questions.all()
            ],
        }
        for section in selectors.survey_sections(row.survey)
    ]
    return {**survey_row(row), "sections": sections}


@router.post("/portal/surveys/{survey_id}/answer", response={201: PortalAnsweredOut, **COMMON_ERRORS})
def survey_answer(request: HttpRequest, survey_id: Id, payload: PortalSurveyAnswerIn):
    """为本户作答（每户一次；调查允许时可匿名）/ Answer for the household (once; anonymous where allowed)."""
    household = _household(request, payload.household_id)
    row = _survey(request, household, survey_id)
    response = services.answer_survey(
        actor=request.auth,
        household=household,
        survey=row.survey,
        answers=dict(payload.answers),
        anonymous=payload.anonymous,
    )
    return Status(201, {"id": response.pk, "survey_id": row.survey.pk, "anonymous": response.anonymous})


__all__ = ["router"]
