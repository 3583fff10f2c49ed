"""Shapes of the dispatch endpoints (``propdesk.dispatch.api``): what goes in and what comes out.

The shared references (``Ref``, ``UserRef``, ``UnitRef``, local datetimes, pages) are the ticket API's, so
one client-side model fits both. Only shapes live here; no queries and no rules.
"""

from decimal import Decimal
from typing import Literal

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
    UnitRef,
    UserRef,
    Version,
    unit_ref,
    user_ref,
)
from propdesk.core import texts

from .choices import ContactSheetStep, Routing, Status, Trade
from .models import ContactSheet, Photo, WorkOrder

StatusValue = Literal[tuple(Status.values)]
TradeValue = Literal[tuple(Trade.values)]
RoutingValue = Literal[tuple(Routing.values)]
StepValue = Literal[tuple(ContactSheetStep.values)]
StageValue = Literal[tuple(Photo.Stage.values)]

STEPS = list(ContactSheetStep.values)
# The largest value of a 32-bit integer column (minutes late and other counts).
INT_MAX = 2**31 - 1
CENTS = Decimal("0.01")


def ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


# --------------------------------------------------------------------------- work orders


class WorkOrderTicketRef(Schema):
    id: int
    number: str


class WorkOrderOut(Schema):
    id: int
    number: str = Field(description="工作单号：工单编号-序号，如 BX-20261118-0001-1")
    ticket: WorkOrderTicketRef
    service_center_id: int
    community: Ref
    unit: UnitRef | None
    trade: str
    routing: str
    status: str
    description: str
    offered: bool = Field(description="抢单中 / published for grabbing")
    assignee: UserRef | None
    vendor: Ref | None
    scheduled_start: LocalDateTime | None
    scheduled_end: LocalDateTime | None
    assigned_at: LocalDateTime | None
    accepted_at: LocalDateTime | None
    on_the_way_at: LocalDateTime | None
    arrived_at: LocalDateTime | None
    finished_at: LocalDateTime | None
    reported_at: LocalDateTime | None
    signed_off_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    result: str
    customer_confirmed: bool | None
    customer_signed: bool = Field(description="客户已在屏幕上签名 / the customer signed on screen")
    customer_absent_reason: str
    customer_rating: int | None
    return_visit_required: bool | None
    return_visit_note: str
    vendor_due_at: LocalDateTime | None
    in_followup_register: bool
    week_approved: bool
    version: int = Field(description="乐观锁版本：修改时作为 expected_version 带回 / send back as expected_version")
    created_at: LocalDateTime

    @staticmethod
    def resolve_ticket(obj: WorkOrder) -> dict:
        return {"id": obj.ticket_id, "number": obj.ticket.number}

    @staticmethod
    def resolve_community(obj: WorkOrder) -> dict:
        return ref(obj.community)

    @staticmethod
    def resolve_unit(obj: WorkOrder) -> dict | None:
        return unit_ref(obj.ticket.unit)

    @staticmethod
    def resolve_assignee(obj: WorkOrder) -> dict | None:
        return user_ref(obj.assignee)

    @staticmethod
    def resolve_vendor(obj: WorkOrder) -> dict | None:
        return ref(obj.vendor) if obj.vendor_id else None

    @staticmethod
    def resolve_customer_signed(obj: WorkOrder) -> bool:
        return bool(obj.signature)

    # Texts the system may have written (msgid + parameters): in the request's language.
    @staticmethod
    def resolve_result(obj: WorkOrder) -> str:
        return texts.render(obj.result)

    @staticmethod
    def resolve_customer_absent_reason(obj: WorkOrder) -> str:
        return texts.render(obj.customer_absent_reason)

    @staticmethod
    def resolve_return_visit_note(obj: WorkOrder) -> str:
        return texts.render(obj.return_visit_note)


class WorkOrderPage(Page):
    items: list[WorkOrderOut]


class WorkOrderEventOut(DomainEventOut):
    """A work order's history row."""


class MaterialOut(Schema):
    id: int
    name: str
    quantity: Decimal
    unit: str
    recorded_by: UserRef
    recorded_at: LocalDateTime

    @staticmethod
    def resolve_quantity(obj) -> Decimal:
        return Decimal(obj.quantity).quantize(CENTS)

    @staticmethod
    def resolve_recorded_by(obj) -> dict:
        return user_ref(obj.recorded_by)


class PhotoOut(Schema):
    id: int
    stage: str = Field(description="before 维修前 / after 维修后")
    name: str
    content_type: str
    size: int
    uploaded_by: UserRef
    uploaded_at: LocalDateTime

    @staticmethod
    def resolve_name(obj: Photo) -> str:
        return obj.file.name.rsplit("/", 1)[-1]

    @staticmethod
    def resolve_size(obj: Photo) -> int:
        return obj.file.size

    @staticmethod
    def resolve_uploaded_by(obj) -> dict:
        return user_ref(obj.uploaded_by)


class ReturnVisitOut(Schema):
    id: int
    at: LocalDateTime
    by: UserRef
    reached: bool
    quality: int | None
    on_time: bool | None
    minutes_late: int | None
    comments: str
    satisfied: bool | None = Field(
        description="服务质量 ≥ 3 为满意；未联系上为 null / quality ≥ 3; null when unreachable"
    )

    @staticmethod
    def resolve_by(obj) -> dict:
        return user_ref(obj.by)


class ReturnVisitResultOut(ReturnVisitOut):
    work_order: WorkOrderOut = Field(description="回访后的工作单：满意则已销单，不满意则重新待派单")


class FollowUpOut(Schema):
    id: int
    due_at: LocalDateTime
    note: str
    done_at: LocalDateTime | None
    done_by: UserRef | None
    outcome: str

    @staticmethod
    def resolve_done_by(obj) -> dict | None:
        return user_ref(obj.done_by)


class ContactSheetOut(Schema):
    id: int
    developer: Ref
    content: str
    step: str
    next_step: str | None = Field(description="下一步；全部完成时为 null / the next step, null when done")
    drafted_by: UserRef
    drafted_at: LocalDateTime
    manager_signed_by: UserRef | None
    manager_signed_at: LocalDateTime | None
    received_by_name: str
    received_at: LocalDateTime | None
    done_by_name: str
    done_at: LocalDateTime | None
    has_scan: bool

    @staticmethod
    def resolve_developer(obj: ContactSheet) -> dict:
        return ref(obj.developer)

    @staticmethod
    def resolve_next_step(obj: ContactSheet) -> str | None:
        index = STEPS.index(obj.step) + 1
        return STEPS[index] if index < len(STEPS) else None

    @staticmethod
    def resolve_drafted_by(obj: ContactSheet) -> dict:
        return user_ref(obj.drafted_by)

    @staticmethod
    def resolve_manager_signed_by(obj: ContactSheet) -> dict | None:
        return user_ref(obj.manager_signed_by)

    @staticmethod
    def resolve_has_scan(obj: ContactSheet) -> bool:
        return bool(obj.scan)


class WorkOrderDetailOut(WorkOrderOut):
    events: list[WorkOrderEventOut]
    materials: list[MaterialOut]
    photos: list[PhotoOut] = Field(description="照片的元数据（不含文件内容）/ photo metadata only")
    return_visits: list[ReturnVisitOut]
    follow_ups: list[FollowUpOut]
    contact_sheet: ContactSheetOut | None

    @staticmethod
    def resolve_events(obj: WorkOrder) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_materials(obj: WorkOrder) -> list:
        return list(obj.materials.all())

    @staticmethod
    def resolve_photos(obj: WorkOrder) -> list:
        return list(obj.photos.all())

    @staticmethod
    def resolve_return_visits(obj: WorkOrder) -> list:
        return list(obj.return_visits.all())

    @staticmethod
    def resolve_follow_ups(obj: WorkOrder) -> list:
        return list(obj.follow_ups.all())

    @staticmethod
    def resolve_contact_sheet(obj: WorkOrder) -> ContactSheet | None:
        return getattr(obj, "contact_sheet", None)


class WorkOrderFilters(PageParams):
    status: list[StatusValue] | None = None
    trade: list[TradeValue] | None = None
    routing: list[RoutingValue] | None = Field(None, description="处理类别（登记簿）/ routing class (the registers)")
    in_followup_register: bool | None = Field(None, description="工程类超时跟进登记 / engineering follow-up register")
    assignee_id: Id | None = None
    community_id: Id | None = None
    service_center_id: Id | None = None


class WorkOrderCreateIn(Schema):
    ticket_id: Id
    trade: TradeValue | None = Field(None, description="默认：特约服务为家政，报修为综合维修")
    description: str = Field("", description="默认为工单内容")
    routing: RoutingValue | None = Field(None, description="默认按保修期判断：保修期内为整改类，否则工程类")
    vendor_id: Id | None = Field(None, description="其他类（外联单位）必填 / required for routing=vendor")
    scheduled_start: InputDateTime | None = None
    scheduled_end: InputDateTime | None = None


class VersionIn(Schema):
    expected_version: Version | None = Field(None, description="读取时的 version；已被他人修改时返回 409")


class WorkOrderAssignIn(VersionIn):
    assignee_id: Id
    reason: str = Field("", description="改派原因 / why it is re-dispatched")


class ReasonIn(Schema):
    reason: str = ""


class FinishIn(VersionIn):
    result: str
    signature: str = Field("", description="客户签名，PNG 的 data URL：data:image/png;base64,…")
    customer_absent_reason: str = Field("", description="无签名时必填 / required without a signature")
    rating: int | None = Field(None, ge=1, le=5, description="客户现场评价 1–5 / on-site rating")


class MaterialIn(Schema):
    name: str
    quantity: Decimal = Field(description="大于 0 / greater than 0")
    unit: str = ""


class ReturnVisitIn(Schema):
    reached: bool = Field(description="是否联系上客户 / whether the customer was reached")
    quality: int | None = Field(
        None, ge=1, le=5, description="服务质量 1–5，≥ 3 为满意；联系上时必填 / 1–5, 3 or more is satisfied"
    )
    on_time: bool | None = None
    minutes_late: int | None = Field(None, ge=0, le=INT_MAX, description="迟到时必填 / required when late")
    comments: str = ""


class RoutingIn(VersionIn):
    routing: RoutingValue
    vendor_id: Id | None = Field(None, description="routing=vendor 时必填 / required for the vendor class")
    reason: str = Field("", description="更改原因，记入处理记录 / why, recorded in the history")


class VendorResultIn(Schema):
    result: str


class FollowUpIn(Schema):
    due_at: InputDateTime
    note: str


class FollowUpDoneIn(Schema):
    outcome: str


class SlotOut(Schema):
    start: LocalDateTime
    end: LocalDateTime


class EligibleOut(Schema):
    user: UserRef
    name: str
    trades: list[str]
    trade_ok: bool
    on_shift: bool
    reachable: bool
    away_until: LocalDateTime | None
    load: int = Field(description="手上未完成的工作单数 / active jobs in hand")
    last_assigned: LocalDateTime | None
    eligible: bool
    free_slots: list[SlotOut] = Field(description="家政类：今天班内的空闲时段 / housekeeping: free windows today")


class EligibilityOut(Schema):
    mode: str = Field(description="本中心的派单方式：direct / grab / round_robin")
    suggestion: EligibleOut | None
    staff: list[EligibleOut]
