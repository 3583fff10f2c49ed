"""Request and response shapes of the ticket endpoints (``tickets/api.py``)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from propdesk.api.schemas import (
    DomainEventOut,
    Id,
    InputDate,
    InputDateTime,
    LocalDateTime,
    Page,
    PageParams,
    Ref,
    UnitRef,
    UserRef,
    Version,
    unit_ref,
    user_ref,
)
from propdesk.core import texts
from propdesk.core.inputs import TEXT_MAX
from propdesk.core.masking import mask_phone

from .choices import Channel, Kind, LinkKind, Priority, ReplyMethod, Source
from .choices import Status as TicketStatus
from .models import Ticket

KindValue = Literal[tuple(Kind.values)]
StatusValue = Literal[tuple(TicketStatus.values)]
ChannelValue = Literal[tuple(Channel.values)]
SourceValue = Literal[tuple(Source.values)]
PriorityValue = Literal[tuple(Priority.values)]
ReplyMethodValue = Literal[tuple(ReplyMethod.values)]
LinkKindValue = Literal[tuple(LinkKind.values)]


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
    next: str | None = Field(
        None, description="下一页的位置：作为 after 传回即得下一页（键集分页，不随页数变慢）；没有更多时为空"
    )


class TicketCreateIn(Schema):
    kind: KindValue
    content: str = Field(min_length=1, max_length=TEXT_MAX, description="内容，必填，最多 5000 字")
    channel: ChannelValue
    community_id: Id | None = None
    unit_id: Id | None = None
    room: str = Field(
        "", max_length=40, description="房号，如 3-2-1202 或 3栋2单元1202：与 community_id 一起代替 unit_id"
    )
    household_id: Id | None = None
    resident_id: Id | None = None
    title: str = Field("", max_length=100, description="标题，最多 100 字；默认取内容的第一行")
    contact_name: str = Field("", max_length=50)
    contact_phone: str = ""
    source: SourceValue = Source.CUSTOMER.value
    source_detail: str = Field("", max_length=100)
    priority: PriorityValue = Priority.NORMAL.value
    received_at: InputDateTime | None = Field(None, description="接报时间（ISO 8601），补录纸质记录时填写；默认为现在")
    hand_off: bool = Field(False, description="同时转交控制中心（即“一键转交”：任何员工听到的需求一步交给控制中心）")


class TicketFilters(PageParams):
    status: list[StatusValue] | None = None
    kind: list[KindValue] | None = None
    community_id: Id | None = None
    assignee_id: Id | None = None
    household_id: Id | None = None
    received_from: InputDate | None = Field(None, description="接报日期起（含）")
    received_to: InputDate | None = Field(None, description="接报日期止（含）")
    q: str = Field("", max_length=100, description="工单编号、电话、房号或文字")
    after: str | None = Field(None, max_length=80, description="上一页返回的 next：从该位置之后继续（键集分页）")
    count: bool = Field(True, description="为 false 时不统计总数（count 为已返回的条数，count_exact 为 false）")


class PageFilters(PageParams):
    pass


class TransitionIn(Schema):
    to_status: StatusValue
    reason: str = Field("", max_length=TEXT_MAX, description="原因；退回、取消、重新打开时必填")
    expected_version: Version | None = None


class HandOffIn(Schema):
    reason: str = Field("", max_length=500)
    expected_version: Version | None = None


class AssignIn(Schema):
    assignee_id: Id
    reason: str = Field("", max_length=500)
    expected_version: Version | None = None


class ReplyIn(Schema):
    method: ReplyMethodValue
    content: str = Field(min_length=1, max_length=TEXT_MAX, description="答复内容，必填，最多 5000 字")
    customer_opinion: str = Field("", max_length=TEXT_MAX)
    satisfied: bool | None = None


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=TEXT_MAX, description="内部备注，客户看不到；必填，最多 5000 字")


class DecisionIn(Schema):
    reason: str = Field(min_length=1, max_length=500, description="需上级决定的事项，必填，最多 500 字")


class LinkIn(Schema):
    kind: LinkKindValue = Field(description="duplicate_of 重复于 | parent_of 父工单 | related 相关")
    to_ticket_id: Id | None = Field(None, description="关联到的工单 ID；与 number 二选一（都给时以 to_ticket_id 为准）")
    number: str | None = Field(
        None, max_length=32, description="关联到的工单编号（本服务中心内）；不给 to_ticket_id 时必填"
    )
    reason: str = Field("", max_length=500, description="说明，最多 500 字")


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

    @staticmethod
    def resolve_content(obj) -> str:
        # A return visit's answer is written by the system: read in the request's language.
        return texts.render(obj.content)


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


class EventOut(DomainEventOut):
    """A ticket's history row."""


class LinkedTicketRef(Schema):
    id: int
    number: str
    title: str
    status: str


class LinkOut(Schema):
    id: int
    kind: str
    direction: Literal["out", "in"] = Field(description="out：本工单关联到对方；in：对方关联到本工单")
    ticket: LinkedTicketRef = Field(description="另一方工单")
    created_at: LocalDateTime
    created_by: UserRef


class StaffOut(UserRef):
    department: Ref | None


def link_body(link, *, direction: str) -> dict:
    other = link.to_ticket if direction == "out" else link.from_ticket
    return {
        "id": link.pk,
        "kind": link.kind,
        "direction": direction,
        "ticket": {"id": other.pk, "number": other.number, "title": other.title, "status": other.status},
        "created_at": link.created_at,
        "created_by": user_ref(link.created_by),
    }
