"""Ticket endpoints of the JSON API (``/api/v1/tickets``). Thin: parse, call a selector or a service, shape.

Every read goes through ``tickets.selectors`` (scoped with ``visible_to``); every write is a service in
``tickets.services``. Objects referred to by id (community, unit, household, resident, assignee) are looked
up among those the caller may see, so an id outside the caller's scope is answered like an unknown one.
Phones in responses are always masked.
"""

import datetime as dt
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field, PlainSerializer, WithJsonSchema

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.core.masking import mask_phone

from . import selectors, services
from .choices import Channel, Kind, Priority, ReplyMethod, Source
from .choices import Status as TicketStatus
from .models import Ticket

router = Router(tags=["工单"])

# Extra rows the list serializer reads, fetched with the page (no query per row).
LIST_EXTRA_RELATED = ("first_responder__staff_profile",)

# Datetimes go out in local time (Asia/Shanghai) with their offset: 2026-05-01T09:30:00+08:00.
LocalDateTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

KindValue = Literal[tuple(Kind.values)]
StatusValue = Literal[tuple(TicketStatus.values)]
ChannelValue = Literal[tuple(Channel.values)]
SourceValue = Literal[tuple(Source.values)]
PriorityValue = Literal[tuple(Priority.values)]
ReplyMethodValue = Literal[tuple(ReplyMethod.values)]


# --------------------------------------------------------------------------- shared shapes


class Ref(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    username: str
    name: str


class UnitRef(Schema):
    id: int
    label: str


class Page(Schema):
    count: int = Field(description="匹配的条数；超过 count_limit 时为 count_limit（count_exact 为 false）")
    count_exact: bool = True


# Counting a million visible rows on every page costs more than the page itself: past this, "10000+".
COUNT_LIMIT = 10_000


def page_of(qs, offset: int, limit: int) -> dict:
    """One page of a queryset with a bounded count."""
    count = qs[: COUNT_LIMIT + 1].count()
    return {
        "count": min(count, COUNT_LIMIT),
        "count_exact": count <= COUNT_LIMIT,
        "items": list(qs[offset : offset + limit]),
    }


def user_ref(user) -> dict | None:
    if user is None:
        return None
    profile = getattr(user, "staff_profile", None)
    name = profile.name if profile else (user.get_full_name() or user.get_username())
    return {"id": user.pk, "username": user.get_username(), "name": name}


def unit_ref(unit) -> dict | None:
    return {"id": unit.pk, "label": unit.label} if unit is not None else None


def visible(model, user, pk: int | None, field: str, message: str):
    """The object ``pk`` of ``model`` if the user may see it, else a 400 on ``field``; None stays None."""
    if pk is None:
        return None
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: message}, code="not_found")
    return obj


def party_refs(user, *, community_id=None, unit_id=None, household_id=None, resident_id=None) -> dict:
    """Resolve who a record is about from ids, within the caller's scope."""
    return {
        "community": visible(Community, user, community_id, "community_id", _("小区不存在或您无权访问")),
        "unit": visible(Unit, user, unit_id, "unit_id", _("房号不存在或您无权访问")),
        "household": visible(Household, user, household_id, "household_id", _("住户不存在或您无权访问")),
        "resident": visible(Resident, user, resident_id, "resident_id", _("住户成员不存在或您无权访问")),
    }


# --------------------------------------------------------------------------- schemas


class TicketOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    priority: str
    community: Ref
    unit: UnitRef | None
    household_id: int | None
    title: str
    content: str
    channel: str
    source: str
    source_detail: str
    received_at: LocalDateTime
    entered_at: LocalDateTime
    backfilled: bool
    first_responder: UserRef
    assignee: UserRef | None
    team: Ref | None
    handed_off_at: LocalDateTime | None
    resolved_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    reopen_count: int
    version: int
    contact_name: str
    contact_phone: str = Field(description="已脱敏，如 138****5678")

    @staticmethod
    def resolve_community(obj: Ticket) -> dict:
        return {"id": obj.community.pk, "name": obj.community.name}

    @staticmethod
    def resolve_unit(obj: Ticket) -> dict | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_backfilled(obj: Ticket) -> bool:
        return obj.is_backfilled

    @staticmethod
    def resolve_first_responder(obj: Ticket) -> dict:
        return user_ref(obj.first_responder)

    @staticmethod
    def resolve_assignee(obj: Ticket) -> dict | None:
        return user_ref(obj.assignee)

    @staticmethod
    def resolve_team(obj: Ticket) -> dict | None:
        return {"id": obj.team.pk, "name": obj.team.name} if obj.team_id else None

    @staticmethod
    def resolve_contact_phone(obj: Ticket) -> str:
        return mask_phone(obj.contact_phone)


class TicketPage(Page):
    items: list[TicketOut]


class TicketCreateIn(Schema):
    kind: KindValue
    content: str = Field(description="内容，必填")
    channel: ChannelValue
    community_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None
    resident_id: int | None = None
    title: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    source: SourceValue = Source.CUSTOMER.value
    source_detail: str = ""
    priority: PriorityValue = Priority.NORMAL.value
    received_at: dt.datetime | None = Field(None, description="接报时间（ISO 8601），补录纸质记录时填写；默认为现在")
    hand_off: bool = Field(False, description="同时转交控制中心")


class TicketFilters(Schema):
    status: list[StatusValue] | None = None
    kind: list[KindValue] | None = None
    community_id: int | None = None
    assignee_id: int | None = None
    household_id: int | None = None
    received_from: dt.date | None = Field(None, description="接报日期起（含）")
    received_to: dt.date | None = Field(None, description="接报日期止（含）")
    q: str = Field("", max_length=100, description="工单编号、电话、房号或文字")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class TransitionIn(Schema):
    to_status: StatusValue
    reason: str = ""
    expected_version: int | None = None


class HandOffIn(Schema):
    reason: str = ""
    expected_version: int | None = None


class AssignIn(Schema):
    assignee_id: int
    reason: str = ""
    expected_version: int | None = None


class ReplyIn(Schema):
    method: ReplyMethodValue
    content: str
    customer_opinion: str = ""
    satisfied: bool | None = None


class ReplyOut(Schema):
    id: int
    at: LocalDateTime
    by: UserRef
    method: str
    content: str
    customer_opinion: str
    satisfied: bool | None

    @staticmethod
    def resolve_by(obj) -> dict:
        return user_ref(obj.by)


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    note: str
    uploaded_at: LocalDateTime
    uploaded_by: UserRef

    @staticmethod
    def resolve_uploaded_by(obj) -> dict:
        return user_ref(obj.uploaded_by)


class EventOut(Schema):
    id: int
    at: LocalDateTime
    kind: str
    actor: UserRef | None
    on_behalf_of: UserRef | None
    from_status: str
    to_status: str
    reason: str
    data: dict

    @staticmethod
    def resolve_actor(obj) -> dict | None:
        return user_ref(obj.actor)

    @staticmethod
    def resolve_on_behalf_of(obj) -> dict | None:
        return user_ref(obj.on_behalf_of)


def ticket_body(ticket: Ticket) -> dict:
    """The JSON body of one ticket (also what an idempotent create stores and replays)."""
    return TicketOut.from_orm(ticket).model_dump(mode="json")


def _visible_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_list(user=request.auth).select_related(*LIST_EXTRA_RELATED).get(pk=ticket_id)


# --------------------------------------------------------------------------- endpoints


@router.post("/tickets", response={201: TicketOut, 409: ErrorOut, **COMMON_ERRORS}, url_name="ticket_create")
def create_ticket(
    request: HttpRequest,
    response: HttpResponse,
    payload: TicketCreateIn,
    idempotency_key: str | None = key_header(),
):
    """登记工单。接报人为首问责任人；``hand_off`` 为真时同时转交控制中心。支持 ``Idempotency-Key``。"""

    def create() -> tuple[int, dict]:
        data = payload.model_dump()
        refs = party_refs(
            request.auth,
            community_id=data.pop("community_id"),
            unit_id=data.pop("unit_id"),
            household_id=data.pop("household_id"),
            resident_id=data.pop("resident_id"),
        )
        ticket = services.ticket_create(actor=request.auth, **refs, **data)
        return 201, ticket_body(ticket)

    return idempotent(request, response, endpoint="tickets.create", key=idempotency_key, create=create)


@router.get("/tickets", response={200: TicketPage, **COMMON_ERRORS}, url_name="ticket_list")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]):
    """我可以查看的工单，按接报时间倒序，分页（``limit`` 最大 100）。"""
    qs = selectors.ticket_list(
        user=request.auth,
        status=filters.status,
        kind=filters.kind,
        community_id=filters.community_id,
        received_from=filters.received_from,
        received_to=filters.received_to,
        query=filters.q,
        assignee_id=filters.assignee_id,
        household_id=filters.household_id,
    ).select_related(*LIST_EXTRA_RELATED)
    return page_of(qs, filters.offset, filters.limit)


@router.get("/tickets/by-number/{number}", response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS})
def get_ticket_by_number(request: HttpRequest, number: str, service_center_id: int | None = None):
    """按工单编号（如 BX-20261122-0007）查询。编号在服务中心内唯一；可查看多个服务中心的用户请同时给出 service_center_id。"""
    return selectors.ticket_get_by_number(user=request.auth, number=number, service_center_id=service_center_id)


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **COMMON_ERRORS}, url_name="ticket_detail")
def get_ticket(request: HttpRequest, ticket_id: int):
    return _visible_ticket(request, ticket_id)


@router.get("/tickets/{ticket_id}/events", response={200: list[EventOut], **COMMON_ERRORS})
def list_ticket_events(request: HttpRequest, ticket_id: int):
    """工单的处理记录（只增不改），按时间顺序。内部备注和升级记录只有员工可见。"""
    ticket = selectors.ticket_get(user=request.auth, pk=ticket_id)
    return selectors.ticket_timeline(user=request.auth, ticket=ticket)


@router.post("/tickets/{ticket_id}/transitions", response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS})
def transition_ticket(request: HttpRequest, ticket_id: int, payload: TransitionIn):
    """变更状态。带上 ``expected_version``，工单已被他人修改时返回 409。"""
    ticket = _visible_ticket(request, ticket_id)
    return services.ticket_transition(
        actor=request.auth,
        ticket=ticket,
        to_status=payload.to_status,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/tickets/{ticket_id}/hand-off", response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS})
def hand_off_ticket(request: HttpRequest, ticket_id: int, payload: HandOffIn | None = None):
    """转交本服务中心的控制中心。"""
    payload = payload or HandOffIn()
    ticket = _visible_ticket(request, ticket_id)
    return services.ticket_hand_off(
        actor=request.auth, ticket=ticket, reason=payload.reason, expected_version=payload.expected_version
    )


@router.post("/tickets/{ticket_id}/assign", response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS})
def assign_ticket(request: HttpRequest, ticket_id: int, payload: AssignIn):
    """指派给本小区的员工。"""
    ticket = _visible_ticket(request, ticket_id)
    assignee = get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None:
        raise ValidationError({"assignee_id": _("该员工不存在或已停用")}, code="not_found")
    return services.ticket_assign(
        actor=request.auth,
        ticket=ticket,
        assignee=assignee,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/tickets/{ticket_id}/replies", response={201: ReplyOut, **COMMON_ERRORS})
def reply_ticket(request: HttpRequest, ticket_id: int, payload: ReplyIn):
    """记录给客户的答复；客户不满意时已办结/已关闭的工单重新打开。"""
    ticket = _visible_ticket(request, ticket_id)
    reply = services.ticket_reply(
        actor=request.auth,
        ticket=ticket,
        method=payload.method,
        content=payload.content,
        customer_opinion=payload.customer_opinion,
        satisfied=payload.satisfied,
    )
    return Status(201, reply)


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut, **COMMON_ERRORS})
def attach_to_ticket(request: HttpRequest, ticket_id: int, file: File[UploadedFile], note: Form[str] = ""):
    """上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件（multipart/form-data）。"""
    ticket = _visible_ticket(request, ticket_id)
    attachment = services.ticket_attach(actor=request.auth, ticket=ticket, upload=file, note=note)
    return Status(201, attachment)
