"""Collective-complaint endpoints (``/api/v1/complaints/collectives…``, R-CP-4), on the complaints router: the
list, one collective complaint by household, its history, the manager's decision, the agreed reply time, the home
visits, closing; a complaint's similar complaints and the desk's link / unlink / open. Same contracts as the
complaint endpoints: ids bounded, every write takes ``expected_version`` (409 when stale) and a refusal is a 4xx
with the message, never a 500."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import (
    Id,
    InputDateTime,
    LocalDateTime,
    Page,
    PageParams,
    Ref,
    UserRef,
    Version,
    page_of,
    user_ref,
)
from propdesk.core.permissions import require

from . import selectors, services
from .api import WRITE, router
from .api import _get as _complaint
from .api_schemas import ComplaintEventOut
from .models import CollectiveComplaint

Note = Field("", max_length=2000, description="说明，最多 2000 字")


class HomeVisitOut(Schema):
    visited_by: UserRef
    visited_at: LocalDateTime
    customer_said: str
    satisfied: bool | None
    signed: bool


class CollectiveHouseholdOut(Schema):
    household_id: int | None
    unit: str
    complaints: list[int]
    tickets: list[str]
    visit: HomeVisitOut | None


class CollectiveOut(Schema):
    id: int
    title: str
    community: Ref
    building: Ref | None
    category: str
    status: str
    opened_at: LocalDateTime
    household_count: int
    decided_at: LocalDateTime | None
    decided_by: UserRef | None
    notify_general_manager: bool | None
    notify_developer: bool | None
    decision_note: str
    agreed_reply_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    version: int

    @staticmethod
    def resolve_community(obj: CollectiveComplaint) -> dict:
        return {"id": obj.community.pk, "name": obj.community.name}

    @staticmethod
    def resolve_building(obj: CollectiveComplaint) -> dict | None:
        return {"id": obj.building.pk, "name": obj.building.name} if obj.building_id else None

    @staticmethod
    def resolve_decided_by(obj: CollectiveComplaint) -> dict | None:
        return user_ref(obj.decided_by)

    @staticmethod
    def resolve_household_count(obj: CollectiveComplaint) -> int:
        return getattr(obj, "household_count", 0)


class CollectiveDetailOut(CollectiveOut):
    households: list[CollectiveHouseholdOut]
    missing_visits: list[str] = Field(description="尚未上门回访的住户（房号）")


class CollectivePage(Page):
    items: list[CollectiveOut]


class CollectiveFilters(PageParams):
    status: str = Field("open", pattern="^(open|all|handling|closed)$", description="open 未结案（默认）/ all 全部")


class CollectiveDecisionIn(Schema):
    notify_general_manager: bool
    notify_developer: bool
    note: str = Note
    expected_version: Version | None = None


class CollectiveReplyIn(Schema):
    reply_at: InputDateTime
    note: str = Field("", max_length=500)
    expected_version: Version | None = None


class HomeVisitIn(Schema):
    household_id: Id
    visited_by_id: Id | None = Field(None, description="回访人（留空为调用者本人）")
    visited_at: InputDateTime
    customer_said: str = Field(max_length=2000)
    satisfied: bool | None = None
    signature: str = Field("", max_length=800_000, description="客户签名，PNG 的 data URL（可选）")
    expected_version: Version | None = None


class CollectiveCloseIn(Schema):
    note: str = Note
    expected_version: Version | None = None


class CollectiveLinkIn(Schema):
    collective_id: Id
    expected_version: Version | None = None


class CollectiveUnlinkIn(Schema):
    reason: str = Field("", max_length=500)
    expected_version: Version | None = None


class CollectiveOpenIn(Schema):
    expected_version: Version | None = None


class SimilarComplaintsOut(Schema):
    nth: int = Field(description="按户计，这是关于同一件事的第几宗投诉")
    matches: list[int] = Field(description="可能是同一件事的投诉（我可以查看的），最相似的在前")
    collectives: list[int] = Field(description="这些投诉所在、未结案的集体投诉")


def _detail(request: HttpRequest, collective_id: int) -> CollectiveComplaint:
    collective = selectors.collective_get(user=request.auth, pk=collective_id)
    rows = selectors.collective_households(collective)
    households = [
        {
            "household_id": row.household.pk if row.household else None,
            "unit": str(row.household.unit) if row.household else "",
            "complaints": [c.pk for c in row.complaints],
            "tickets": [c.ticket.number for c in row.complaints],
            "visit": _visit(row.visit),
        }
        for row in rows
    ]
    collective.households = households
    collective.missing_visits = [str(h.unit) for h in services.missing_visits(collective)]
    return collective


def _visit(visit) -> dict | None:
    if visit is None:
        return None
    return {
        "visited_by": user_ref(visit.visited_by),
        "visited_at": visit.visited_at,
        "customer_said": visit.customer_said,
        "satisfied": visit.satisfied,
        "signed": bool(visit.signature),
    }


def _collective(request: HttpRequest, collective_id: int) -> CollectiveComplaint:
    return selectors.collective_get(user=request.auth, pk=collective_id)


DETAIL = {200: CollectiveDetailOut, 409: ErrorOut, **COMMON_ERRORS}


@router.get(
    "/complaints/collectives", response={200: CollectivePage, **COMMON_ERRORS}, summary="集体投诉 / Collectives"
)
def list_collectives(request: HttpRequest, filters: Query[CollectiveFilters]):
    """我可以查看的集体投诉，新的在前（默认只列未结案的）。 / Collective complaints, newest first (open by default)."""
    require(request.auth, "collective.browse", None, _("您无权查看集体投诉"))
    status = None if filters.status == "all" else filters.status
    qs = selectors.collective_list(user=request.auth, status=status).order_by("-opened_at", "-id")
    return page_of(qs, filters.offset, filters.limit)


@router.get(
    "/complaints/collectives/{collective_id}",
    response={200: CollectiveDetailOut, **COMMON_ERRORS},
    summary="集体投诉详情 / Collective complaint",
)
def get_collective(request: HttpRequest, collective_id: Id):
    """一宗集体投诉：按户列出投诉与上门回访、经理决定、约定答复时间。 / One collective complaint by household."""
    return _detail(request, collective_id)


@router.get(
    "/complaints/collectives/{collective_id}/events",
    response={200: list[ComplaintEventOut], **COMMON_ERRORS},
    summary="集体投诉记录 / History",
)
def list_collective_events(request: HttpRequest, collective_id: Id):
    """集体投诉的处理记录，按时间顺序。 / The collective complaint's history, oldest first."""
    return list(selectors.collective_events(_collective(request, collective_id)))


@router.post("/complaints/collectives/{collective_id}/decision", response=DETAIL, summary="经理决定 / Decision")
def decide_collective(request: HttpRequest, collective_id: Id, payload: CollectiveDecisionIn):
    """服务中心经理记录是否通报公司总经理和地产公司客户服务中心（只能记录一次）。 / The manager's decision, once."""
    services.collective_decide(
        actor=request.auth,
        collective=_collective(request, collective_id),
        notify_general_manager=payload.notify_general_manager,
        notify_developer=payload.notify_developer,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _detail(request, collective_id)


@router.post(
    "/complaints/collectives/{collective_id}/agreed-reply", response=DETAIL, summary="约定答复时间 / Agree a reply"
)
def agree_collective_reply(request: HttpRequest, collective_id: Id, payload: CollectiveReplyIn):
    """与业户约定的答复时间。 / The reply time agreed with the households."""
    services.collective_agree_reply(
        actor=request.auth,
        collective=_collective(request, collective_id),
        reply_at=payload.reply_at,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _detail(request, collective_id)


@router.post(
    "/complaints/collectives/{collective_id}/home-visits", response=DETAIL, summary="上门回访 / Record a home visit"
)
def record_home_visit(request: HttpRequest, collective_id: Id, payload: HomeVisitIn):
    """记录一户的上门回访（回访人为调用者；客户意见；可选签名）。 / One household's home visit."""
    services.collective_home_visit(
        actor=request.auth,
        collective=_collective(request, collective_id),
        household_id=payload.household_id,
        visited_by=_person(payload.visited_by_id),
        visited_at=payload.visited_at,
        customer_said=payload.customer_said,
        satisfied=payload.satisfied,
        signature=payload.signature,
        expected_version=payload.expected_version,
    )
    return _detail(request, collective_id)


def _person(user_id: int | None):
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({"visited_by_id": _("该员工不存在或已停用")})
    return user


@router.post("/complaints/collectives/{collective_id}/close", response=DETAIL, summary="结案 / Close")
def close_collective(request: HttpRequest, collective_id: Id, payload: CollectiveCloseIn):
    """结案：每一户都有上门回访记录后才可结案，否则返回 400 并列出尚未回访的住户。 / Close (every household visited)."""
    services.collective_close(
        actor=request.auth,
        collective=_collective(request, collective_id),
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _detail(request, collective_id)


@router.get(
    "/complaints/{complaint_id}/similar",
    response={200: SimilarComplaintsOut, **COMMON_ERRORS},
    summary="相似投诉 / Similar",
)
def similar_complaints(request: HttpRequest, complaint_id: Id):
    """可能与本投诉是同一件事的投诉（同小区、同类别、时间窗内）。 / Complaints that look like the same event."""
    similar = selectors.similar_to(user=request.auth, complaint=_complaint(request, complaint_id))
    return {
        "nth": similar.nth,
        "matches": [m.pk for m in similar.matches],
        "collectives": [c.pk for c in similar.collectives],
    }


@router.post("/complaints/{complaint_id}/collective", response=WRITE, summary="归入集体投诉 / Link")
def link_collective(request: HttpRequest, complaint_id: Id, payload: CollectiveLinkIn):
    """把投诉归入本小区一宗未结案的集体投诉。 / Link the complaint to an open collective complaint."""
    complaint = services.complaint_link_collective(
        actor=request.auth,
        complaint=_complaint(request, complaint_id),
        collective=_collective(request, payload.collective_id),
        expected_version=payload.expected_version,
    )
    return _complaint(request, complaint.pk)


@router.post("/complaints/{complaint_id}/collective/unlink", response=WRITE, summary="移出集体投诉 / Unlink")
def unlink_collective(request: HttpRequest, complaint_id: Id, payload: CollectiveUnlinkIn):
    """把投诉移出它所在的集体投诉。 / Take the complaint out of its collective complaint."""
    complaint = services.complaint_unlink_collective(
        actor=request.auth,
        complaint=_complaint(request, complaint_id),
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _complaint(request, complaint.pk)


@router.post("/complaints/{complaint_id}/collective/open", response=DETAIL, summary="立为集体投诉 / Open a collective")
def open_collective(request: HttpRequest, complaint_id: Id, payload: CollectiveOpenIn):
    """以本投诉和相似投诉立集体投诉（须五户或以上）。 / Open a collective complaint (five households or more)."""
    collective = services.complaint_open_collective(
        actor=request.auth, complaint=_complaint(request, complaint_id), expected_version=payload.expected_version
    )
    return _detail(request, collective.pk)
