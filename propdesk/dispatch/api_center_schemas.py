"""Shapes of a service center's dispatch endpoints (``propdesk.dispatch.api_centers``): the board, coverage
and duty, the rota, housekeeping arrangements, the weekly approval and a worker's own jobs."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from propdesk.tickets.api import (
    Id,
    InputDate,
    InputDateTime,
    LocalDateTime,
    LocalTime,
    Ref,
    UnitRef,
    UserRef,
    unit_ref,
    user_ref,
)

from .api_schemas import WorkOrderOut, ref
from .choices import DutyEventKind
from .models import HousekeepingArrangement, WeeklyApproval

DutyKindValue = Literal[tuple(DutyEventKind.values)]
DecisionValue = Literal[tuple(WeeklyApproval.Decision.values)]


class StaffStatusOut(Schema):
    user: UserRef
    name: str
    department: str
    on_duty: bool
    radio_ok: bool
    away_until: LocalDateTime | None
    away_reason: str
    reachable: bool
    on_shift: bool
    load: int


class BoardCardOut(WorkOrderOut):
    dispatch_due: LocalDateTime | None = Field(description="派单时限 / dispatch deadline (pending cards)")
    overdue: bool


class BoardColumnOut(Schema):
    key: str
    title: str
    total: int
    hidden: int = Field(description="超出本列显示上限未列出的张数 / cards beyond the column's cap")
    cards: list[BoardCardOut]


class BoardOut(Schema):
    center: Ref
    mode: str
    version: str = Field(description="看板指纹：作为 v 参数带回，未变化时返回 204 / pass back as v")
    pending: int
    columns: list[BoardColumnOut]
    staff: list[StaffStatusOut] | None = Field(
        description="一线人员状态；staff=false 时为 null / null with staff=false"
    )


class DutyIn(Schema):
    kind: DutyKindValue
    user_id: Id | None = Field(None, description="默认为本人；控制中心可替本中心一线人员登记")
    until: InputDateTime | None = Field(None, description="leave_coverage 时必填：预计返回时间")
    note: str = ""


class DutyOut(Schema):
    user: UserRef
    service_center_id: int
    on_duty: bool
    radio_ok: bool
    away_until: LocalDateTime | None
    away_reason: str
    reachable: bool
    updated_at: LocalDateTime

    @staticmethod
    def resolve_user(obj) -> dict:
        return user_ref(obj.user)

    @staticmethod
    def resolve_reachable(obj) -> bool:
        return obj.is_reachable()


class ShiftOut(Schema):
    id: int
    name: str
    department: Ref
    starts: LocalTime
    ends: LocalTime

    @staticmethod
    def resolve_department(obj) -> dict:
        return ref(obj.department)

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name_text  # a seeded shift name is its msgid: in the request's language


class RotaEntryOut(Schema):
    id: int
    date: dt.date
    shift_id: int
    user: UserRef
    starts_at: LocalDateTime
    ends_at: LocalDateTime

    @staticmethod
    def resolve_user(obj) -> dict:
        return user_ref(obj.user)


class RotaCellOut(Schema):
    date: dt.date
    entries: list[RotaEntryOut]


class RotaRowOut(Schema):
    shift: ShiftOut
    cells: list[RotaCellOut]


class RotaOut(Schema):
    center: Ref
    week: dt.date = Field(description="周一 / Monday")
    days: list[dt.date]
    rows: list[RotaRowOut]
    staff: list[UserRef] = Field(description="可排班的本中心一线人员 / the center's field staff")
    can_plan: bool = Field(description="我能否排班 / whether the caller may put people on shifts")


class RotaSetIn(Schema):
    user_id: Id
    date: InputDate
    shift_id: Id


class ArrangementOut(Schema):
    id: int
    household_id: int
    community: Ref
    unit: UnitRef
    weekday: int = Field(description="0 星期一 … 6 星期日 / 0 Monday … 6 Sunday")
    starts: LocalTime
    ends: LocalTime
    description: str
    worker: UserRef | None
    is_active: bool
    generated_until: dt.date | None

    @staticmethod
    def resolve_community(obj: HousekeepingArrangement) -> dict:
        return ref(obj.household.unit.building.community)

    @staticmethod
    def resolve_unit(obj: HousekeepingArrangement) -> dict:
        return unit_ref(obj.household.unit)

    @staticmethod
    def resolve_worker(obj: HousekeepingArrangement) -> dict | None:
        return user_ref(obj.worker)


class ArrangementIn(Schema):
    household_id: Id | None = Field(None, description="住户 id，或用 room 给出房号 / or give the room")
    room: str = Field("", max_length=40, description="房号，如 3-2-1202 / 3栋2单元1202")
    weekday: int = Field(ge=0, le=6, description="0 星期一 … 6 星期日")
    starts: LocalTime
    ends: LocalTime
    description: str
    worker_id: Id | None = None


class WeeklyApprovalOut(Schema):
    id: int
    week_start: dt.date
    decision: str
    decided_by: UserRef
    decided_at: LocalDateTime
    note: str
    order_count: int

    @staticmethod
    def resolve_decided_by(obj) -> dict:
        return user_ref(obj.decided_by)


class WeeklyOut(Schema):
    center: Ref
    week: dt.date
    can_decide: bool = Field(description="我能否审批 / whether the caller may decide")
    orders: list[WorkOrderOut]
    decisions: list[WeeklyApprovalOut]


class WeeklyDecideIn(Schema):
    week: InputDate = Field(description="该周任一天 / any day of the week")
    decision: DecisionValue
    note: str = Field("", description="退回时必填 / required when returned")


class MyJobsOut(Schema):
    jobs: list[WorkOrderOut]
    offers: list[WorkOrderOut] = Field(description="可抢的工作单 / offered jobs to grab")
    to_sign_off: list[WorkOrderOut]
    duty: DutyOut | None
