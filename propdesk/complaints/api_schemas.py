"""Request and response shapes of the complaint endpoints (``complaints/api.py``)."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from propdesk.api.schemas import (
    DomainEventOut,
    Id,
    InputDateTime,
    LocalDateTime,
    Page,
    PageParams,
    Ref,
    UserRef,
    Version,
    user_ref,
)
from propdesk.core import texts
from propdesk.core.inputs import TEXT_MAX
from propdesk.tickets.choices import ReplyMethod
from propdesk.tickets.choices import Status as TicketStatus

from .choices import DeveloperMatter, Source, Validity
from .models import Complaint

# The responsibility class: a bounded integer (1, 2 or 3), in a body as in a query string.
ClassValue = Annotated[int, Field(ge=1, le=3, description="责任类别：1 本中心服务，2 开发商，3 外部环境")]
MatterValue = Literal[("", *DeveloperMatter.values)]
ValidityValue = Literal[tuple(Validity.values)]
SourceValue = Literal[tuple(Source.values)]
MethodValue = Literal[tuple(ReplyMethod.values)]
StatusFilter = Literal[("open", *TicketStatus.values)]
Reason = Field("", max_length=500, description="原因或说明，最多 500 字")


class ComplaintTicketRef(Schema):
    id: int
    number: str
    title: str
    status: str


class ComplaintOut(Schema):
    id: int
    ticket: ComplaintTicketRef
    community: Ref
    responsibility_class: int | None = Field(description="责任类别：1 本中心服务，2 开发商，3 外部环境；未分类为 null")
    class_label: str
    developer_matter: str = Field(description="二类投诉：housing 房屋质量 / facilities 配套设施")
    validity: str
    source: str
    written: bool
    original_filed_at: LocalDateTime | None
    original_archive_no: str
    owner: UserRef | None
    suggested_owner: UserRef | None
    suggestion_reason: str
    owner_overridden: bool
    is_repeat: bool
    repeat_count: int
    repeat_of_id: int | None
    agreed_reply_at: LocalDateTime | None
    on_the_spot: bool
    customer_opinion: str
    customer_satisfied: bool | None
    major: bool
    collective_id: int | None
    category: str = Field(
        description="投诉类别（集体投诉识别只比较同类别）：repair/environment/security/noise/fees/parking/other"
    )
    same_event_nth: int = Field(description="登记时：按户计，这是关于同一件事的第几宗投诉")
    next_due: LocalDateTime | None = Field(None, description="最近的到期时间（进行中的时限）")
    overdue: bool = Field(False, description="有时限已超时")
    signed_at: LocalDateTime | None = Field(None, description="客户在投诉记录表上签名的时间")
    reviewed_at: LocalDateTime | None = None
    reviewed_by: UserRef | None = None
    review_note: str = ""
    signed_off_at: LocalDateTime | None = None
    signed_off_by: UserRef | None = None
    sign_off_note: str = ""
    created_at: LocalDateTime
    version: int

    @staticmethod
    def resolve_reviewed_by(obj: Complaint) -> dict | None:
        return user_ref(obj.reviewed_by)

    @staticmethod
    def resolve_signed_off_by(obj: Complaint) -> dict | None:
        return user_ref(obj.signed_off_by)

    @staticmethod
    def resolve_ticket(obj: Complaint) -> dict:
        t = obj.ticket
        return {"id": t.pk, "number": t.number, "title": t.title, "status": t.status}

    @staticmethod
    def resolve_community(obj: Complaint) -> dict:
        return {"id": obj.community.pk, "name": obj.community.name}

    @staticmethod
    def resolve_owner(obj: Complaint) -> dict | None:
        return user_ref(obj.owner)

    @staticmethod
    def resolve_suggested_owner(obj: Complaint) -> dict | None:
        return user_ref(obj.suggested_owner)

    @staticmethod
    def resolve_suggestion_reason(obj: Complaint) -> str:
        return texts.render(obj.suggestion_reason)

    @staticmethod
    def resolve_next_due(obj: Complaint):
        return getattr(obj, "next_due", None)

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return bool(getattr(obj, "late", False))


class ComplaintPage(Page):
    items: list[ComplaintOut]


class ComplaintFilters(PageParams):
    responsibility_class: ClassValue | None = None
    validity: ValidityValue | None = None
    status: StatusFilter | None = Field(None, description="open 为未办结；或工单状态")
    overdue: bool | None = None
    repeat: bool | None = None
    community_id: Id | None = None
    owner_id: Id | None = None
    q: str = Field("", max_length=100, description="工单编号或摘要")


class ComplaintEventOut(DomainEventOut):
    """A row of a complaint's or a collective complaint's history."""


class ComplaintReplyOut(Schema):
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
        return texts.render(obj.content)


class EarlierOut(Schema):
    complaint_id: int
    ticket_number: str
    replies: list[ComplaintReplyOut]
    events: list[ComplaintEventOut]


class ClassifyIn(Schema):
    responsibility_class: ClassValue
    developer_matter: MatterValue = ""
    validity: ValidityValue | None = None
    reason: str = Reason
    expected_version: Version | None = None


class OwnerIn(Schema):
    owner_id: Id | None = Field(None, description="留空为采用建议负责人")
    reason: str = Reason
    expected_version: Version | None = None


class AgreeReplyIn(Schema):
    reply_at: InputDateTime
    note: str = Reason
    expected_version: Version | None = None


class ContentIn(Schema):
    content: str = Field(min_length=1, max_length=1000)
    expected_version: Version | None = None


class ProgressIn(ContentIn):
    method: MethodValue = ReplyMethod.PHONE


class ComplaintReplyIn(Schema):
    method: MethodValue
    content: str = Field(min_length=1, max_length=TEXT_MAX)
    customer_opinion: str = Field("", max_length=1000)
    satisfied: bool | None = None
    expected_version: Version | None = None


class ComplaintReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    expected_version: Version | None = None


class FactsIn(Schema):
    written: bool | None = None
    source: SourceValue | None = None
    reason: str = Reason
    expected_version: Version | None = None


class OriginalIn(Schema):
    archive_no: str = Field(min_length=1, max_length=50)
    expected_version: Version | None = None


class RepeatIn(ComplaintReasonIn):
    repeat_of_id: Id | None = Field(None, description="给出时：标记为重复于本小区更早的投诉；否则重新打开已办结的投诉")
