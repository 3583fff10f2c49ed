"""Front-desk endpoints of the JSON API: interactions (来电来访记录) and the household lookup.

Thin: reads through ``intake.selectors``, writes through ``intake.services``. Phones are always masked
and id numbers are never returned.
"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.idempotency import idempotent, key_header
from propdesk.core.http import client_ip
from propdesk.core.inputs import TEXT_MAX
from propdesk.core.masking import mask_phone
from propdesk.core.permissions import require
from propdesk.org.models import ServiceCenter
from propdesk.tickets.api import (
    ChannelValue,
    Id,
    InputDate,
    InputDateTime,
    KindValue,
    LocalDateTime,
    Page,
    PageParams,
    PriorityValue,
    Ref,
    SourceValue,
    UnitRef,
    UserRef,
    page_of,
    party_refs,
    unit_ref,
    user_ref,
    visible,
)
from propdesk.tickets.choices import Priority, Source
from propdesk.tickets.models import Ticket

from . import calls, selectors, services
from .choices import Outcome
from .models import Interaction

router = Router(tags=["接待登记"])

OutcomeValue = Literal[tuple(Outcome.values)]


class TicketRef(Schema):
    id: int
    number: str


class IntakeCallOut(Schema):
    id: int
    state: str = Field(description="ringing（振铃中）、answered（通话中）、ended（已结束）")
    extension: str
    caller_phone: str = Field(description="已脱敏")
    rang_at: LocalDateTime | None
    answered_at: LocalDateTime | None
    ended_at: LocalDateTime | None
    recording: str = Field(description="录音的位置（电话系统给出的文件名或地址）")

    @staticmethod
    def resolve_caller_phone(obj) -> str:
        return mask_phone(obj.caller_phone)

    @staticmethod
    def resolve_recording(obj) -> str:
        return obj.recording_ref


class InteractionOut(Schema):
    id: int
    received_at: LocalDateTime
    entered_at: LocalDateTime
    channel: str
    kind: str
    source: str
    source_detail: str
    content: str
    outcome: str
    outcome_note: str
    community: Ref | None
    unit: UnitRef | None
    household_id: int | None
    caller_name: str
    caller_phone: str = Field(description="已脱敏，如 138****5678")
    received_by: UserRef
    ticket: TicketRef | None
    calls: list[IntakeCallOut] = Field(description="本次登记所对应的电话（起止时间、录音）")

    @staticmethod
    def resolve_calls(obj: Interaction) -> list:
        return list(obj.calls.all())

    @staticmethod
    def resolve_community(obj: Interaction) -> dict | None:
        return {"id": obj.community.pk, "name": obj.community.name} if obj.community_id else None

    @staticmethod
    def resolve_unit(obj: Interaction) -> dict | None:
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_caller_phone(obj: Interaction) -> str:
        return mask_phone(obj.caller_phone)

    @staticmethod
    def resolve_received_by(obj: Interaction) -> dict:
        return user_ref(obj.received_by)

    @staticmethod
    def resolve_ticket(obj: Interaction) -> dict | None:
        return {"id": obj.ticket.pk, "number": obj.ticket.number} if obj.ticket_id else None


class InteractionPage(Page):
    items: list[InteractionOut]


class InteractionIn(Schema):
    channel: ChannelValue
    kind: KindValue
    content: str = Field(min_length=1, max_length=TEXT_MAX, description="内容，必填，最多 5000 字")
    community_id: Id | None = None
    service_center_id: Id | None = Field(None, description="不涉及具体小区时，登记到哪个服务中心")
    unit_id: Id | None = None
    household_id: Id | None = None
    resident_id: Id | None = None
    caller_name: str = Field("", max_length=50)
    caller_phone: str = ""
    source: SourceValue = Source.CUSTOMER.value
    source_detail: str = Field("", max_length=100)
    received_at: InputDateTime | None = Field(None, description="接报时间（ISO 8601），补录时填写；默认为现在")
    create_ticket: bool | None = Field(None, description="是否生成工单；报修、投诉、特约服务、信息反馈默认生成")
    follow_up_id: Id | None = Field(None, description="跟进已有工单时，该工单的 ID")
    outcome: OutcomeValue | None = None
    outcome_note: str = Field("", max_length=TEXT_MAX)
    title: str = ""
    priority: PriorityValue = Priority.NORMAL.value
    hand_off: bool = False
    call_id: Id | None = Field(None, description="本次登记所对应的、打到本人分机的电话（/desk/calls/current）")
    links: list[str] = Field(
        default_factory=list,
        max_length=5,
        description="本次来电关联的事项，如前台查询提示的停水停电通知 ``outage:12``（最多 5 个）",
    )


class InteractionFilters(PageParams):
    community_id: Id | None = None
    channel: ChannelValue | None = None
    kind: KindValue | None = None
    received_from: InputDate | None = None
    received_to: InputDate | None = None


class LookupResidentOut(Schema):
    id: int
    name: str
    relation: str
    phone: str = Field(description="已脱敏")


class LookupTicketOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    status: str
    received_at: LocalDateTime


class LookupInteractionOut(Schema):
    id: int
    channel: str
    kind: str
    content: str
    outcome: str
    received_at: LocalDateTime


class LookupHouseholdOut(Schema):
    id: int
    community: Ref
    unit: UnitRef
    residents: list[LookupResidentOut]
    open_tickets: list[LookupTicketOut]
    open_ticket_total: int
    recent_interactions: list[LookupInteractionOut]


class LookupOut(Schema):
    query: str
    kind: str = Field(description="phone | room | name")
    truncated: bool
    needs_whole_number: bool = Field(
        description="输入的是号码的开头，而您无权查看住户完整电话：请输入完整的手机号（11 位）或座机号码"
    )
    households: list[LookupHouseholdOut]


def interaction_body(interaction: Interaction) -> dict:
    return InteractionOut.from_orm(interaction).model_dump(mode="json")


def _household_body(h) -> dict:
    community = h.unit.building.community
    return {
        "id": h.pk,
        "community": {"id": community.pk, "name": community.name},
        "unit": unit_ref(h.unit),
        "residents": [
            {"id": r.pk, "name": r.name, "relation": r.relation, "phone": mask_phone(r.phone)}
            for r in h.lookup_residents
        ],
        "open_tickets": h.lookup_open_tickets,
        "open_ticket_total": h.lookup_open_total,
        "recent_interactions": h.lookup_recent,
    }


@router.post("/interactions", response={201: InteractionOut, **COMMON_ERRORS}, url_name="interaction_create")
def create_interaction(
    request: HttpRequest,
    response: HttpResponse,
    payload: InteractionIn,
    idempotency_key: str | None = key_header(),
):
    """登记一次来电/来访/来信等；需要跟进的生成工单或并入已有工单。支持 ``Idempotency-Key``。"""

    def create() -> tuple[int, dict]:
        data = payload.model_dump()
        user = request.auth
        refs = party_refs(
            user,
            community_id=data.pop("community_id"),
            unit_id=data.pop("unit_id"),
            household_id=data.pop("household_id"),
            resident_id=data.pop("resident_id"),
        )
        refs["service_center"] = visible(
            ServiceCenter, user, data.pop("service_center_id"), "service_center_id", _("服务中心不存在或您无权访问")
        )
        refs["follow_up"] = visible(Ticket, user, data.pop("follow_up_id"), "follow_up_id", _("工单不存在或您无权访问"))
        data["call"] = data.pop("call_id")
        interaction = services.interaction_record(actor=user, **refs, **data)
        return 201, interaction_body(interaction)

    return idempotent(request, response, endpoint="interactions.create", key=idempotency_key, create=create)


@router.get("/interactions", response={200: InteractionPage, **COMMON_ERRORS}, url_name="interaction_list")
def list_interactions(request: HttpRequest, filters: Query[InteractionFilters]):
    """来电来访记录，按接报时间倒序，分页（``limit`` 最大 100）。"""
    qs = selectors.interaction_list(
        user=request.auth,
        community_id=filters.community_id,
        received_from=filters.received_from,
        received_to=filters.received_to,
        channel=filters.channel,
        kind=filters.kind,
    )
    return page_of(qs, filters.offset, filters.limit)


@router.get("/lookup", response={200: LookupOut, **COMMON_ERRORS}, url_name="desk_lookup")
def lookup(request: HttpRequest, q: str = Query(..., min_length=1, max_length=50)):
    """前台查询：电话、房号（3-2-1202、3栋2单元1202、1202）或住户姓名。电话已脱敏。

    电话须为完整号码（11 位手机号或座机号码）；有权查看住户完整电话的人员也可输入前 7 位以上。
    每次按电话查询都会记录（查询人、时间、脱敏号码、匹配户数）。"""
    require(request.auth, "desk.use", message=_("前台查询仅限前台、控制中心和客服人员使用"))
    result = selectors.desk_lookup(user=request.auth, query=q, ip_address=client_ip(request))
    return {
        # A full phone number typed at the desk is not echoed back in clear either.
        "query": mask_phone(result.query) if result.kind == "phone" else result.query,
        "kind": result.kind,
        "truncated": result.truncated,
        "needs_whole_number": result.needs_whole_number,
        "households": [_household_body(h) for h in result.households],
    }


class IntakeCurrentCallOut(Schema):
    call: IntakeCallOut | None = Field(description="打到本人分机、尚未登记的最近一通电话；没有则为 null")
    lookup: LookupOut | None = Field(description="按来电号码的前台查询结果（住户、未办结工单）")


@router.get("/desk/calls/current", response={200: IntakeCurrentCallOut, **COMMON_ERRORS}, url_name="call_current")
def current_call(request: HttpRequest):
    """打到我的分机、尚未登记的来电（振铃、通话中或刚挂断），以及按来电号码查到的住户和未办结工单。

    The call ringing (or just ended) at the caller's extension, not yet recorded, with the desk lookup of its
    number. Poll it, or use the desk page which shows it as a pop-up."""
    require(request.auth, "desk.use", message=_("前台查询仅限前台、控制中心和客服人员使用"))
    call = calls.current_call(user=request.auth)
    if call is None:
        return {"call": None, "lookup": None}
    found = None
    if call.caller_phone:
        result = selectors.desk_lookup(user=request.auth, query=call.caller_phone, ip_address=client_ip(request))
        found = {
            "query": mask_phone(result.query),
            "kind": result.kind,
            "truncated": result.truncated,
            "needs_whole_number": result.needs_whole_number,
            "households": [_household_body(h) for h in result.households],
        }
    return {"call": call, "lookup": found}
