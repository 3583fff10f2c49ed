"""The shapes of the internal API: what goes in (bounded) and what comes out. Schema names start with
``Internal`` (they are unique across the whole API)."""

from typing import Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from propdesk.api.schemas import (
    Id,
    InputDate,
    InputDateTime,
    LocalDateTime,
    Page,
    PageParams,
    Ref,
    UserRef,
    Version,
    user_ref,
)

from .api_routine_schemas import InternalAttachmentIn, InternalAttachmentOut
from .choices import LeaveKind, LeaveStatus

LeaveKindIn = Literal["annual", "sick", "personal", "compensatory", "other"]
LeaveStatusIn = Literal["pending", "approved", "refused", "withdrawn", "returned", "confirmed"]
assert set(LeaveKindIn.__args__) == set(LeaveKind.values)
assert set(LeaveStatusIn.__args__) == set(LeaveStatus.values)


class InternalOutingIn(Schema):
    reason: str = Field(..., max_length=100, description="外出原因")
    place: str = Field(..., max_length=100, description="地点")
    phone: str = Field(..., max_length=30, description="外出期间的联系电话")
    expected_back: InputDateTime = Field(..., description="预计返回时间（12 小时内）")


class InternalVersionIn(Schema):
    expected_version: Version | None = None


class InternalOutingOut(Schema):
    id: int
    user: UserRef
    department: str
    reason: str
    place: str
    phone: str
    left_at: LocalDateTime
    expected_back: LocalDateTime
    back_at: LocalDateTime | None
    overdue: bool = Field(description="已超过预计返回时间且未登记返回")
    version: int


class InternalLeaveIn(Schema):
    kind: LeaveKindIn
    starts_on: InputDate
    ends_on: InputDate
    reason: str = Field(..., max_length=200)


class InternalLeaveDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200, description="审批意见；不批准时必填")
    expected_version: Version | None = None


class InternalLeaveFilters(PageParams):
    status: LeaveStatusIn | None = None
    mine: bool = Field(False, description="只看自己的请假")


class InternalLeaveOut(Schema):
    id: int
    user: UserRef
    department: Ref
    kind: str
    kind_label: str
    starts_on: str
    ends_on: str
    days: int = Field(description="请假天数（不含排班表上的休息日）")
    reason: str
    status: str
    status_label: str
    decided_by: UserRef | None
    decided_at: LocalDateTime | None
    decision_note: str
    returned_at: LocalDateTime | None
    confirmed_by: UserRef | None
    confirmed_at: LocalDateTime | None
    version: int


class InternalLeavePage(Page):
    items: list[InternalLeaveOut]


class InternalMyDayOut(Schema):
    outing: InternalOutingOut | None
    leave: list[InternalLeaveOut]
    approvals_waiting: list[InternalLeaveOut]
    returns_to_confirm: list[InternalLeaveOut]
    open_jobs: int = Field(description="我的未完成工作单数")


class InternalDashboardOut(Schema):
    center: Ref
    out: list[InternalOutingOut]
    on_leave: list[InternalLeaveOut]
    approvals_waiting: list[InternalLeaveOut]
    returns_to_confirm: list[InternalLeaveOut]
    not_returned: list[InternalLeaveOut]


def outing_body(outing) -> dict:
    profile = getattr(outing.user, "staff_profile", None)
    data = {
        "id": outing.pk,
        "user": user_ref(outing.user),
        "department": profile.department.name if profile else "",
        "reason": outing.reason,
        "place": outing.place,
        "phone": outing.phone,
        "left_at": outing.left_at,
        "expected_back": outing.expected_back,
        "back_at": outing.back_at,
        "overdue": outing.is_overdue(timezone.now()),
        "version": outing.version,
    }
    return InternalOutingOut(**data).model_dump(mode="json")


def leave_body(leave) -> dict:
    data = {
        "id": leave.pk,
        "user": user_ref(leave.user),
        "department": {"id": leave.department_id, "name": leave.department.name},
        "kind": leave.kind,
        "kind_label": str(leave.get_kind_display()),
        "starts_on": leave.starts_on.isoformat(),
        "ends_on": leave.ends_on.isoformat(),
        "days": leave.days,
        "reason": leave.reason,
        "status": leave.status,
        "status_label": str(leave.get_status_display()),
        "decided_by": user_ref(leave.decided_by),
        "decided_at": leave.decided_at,
        "decision_note": leave.decision_note,
        "returned_at": leave.returned_at,
        "confirmed_by": user_ref(leave.confirmed_by),
        "confirmed_at": leave.confirmed_at,
        "version": leave.version,
    }
    return InternalLeaveOut(**data).model_dump(mode="json")


LevelIn = Literal["email", "print", "post", "circulate", "meeting"]


class InternalCircularIn(Schema):
    center_id: Id
    title: str = Field(..., max_length=100)
    source: str = Field(..., max_length=100, description="发文部门（公司职能部门）")
    level: LevelIn = Field(..., description="传送级别：邮件、打印、张贴、传阅、会议")
    body: str = Field("", max_length=5000)
    roles: list[str] = Field(default_factory=list, max_length=30, description="传达岗位（角色代码）")
    department_ids: list[Id] = Field(default_factory=list, max_length=50)
    user_ids: list[Id] = Field(default_factory=list, max_length=500)
    requires_execution: bool = False
    due_on: InputDate | None = None
    attachments: list[InternalAttachmentIn] = Field(default_factory=list, max_length=5, description="附件（PDF、图片）")


class InternalCircularDoneIn(Schema):
    note: str = Field("", max_length=200)


class InternalCircularMeetingIn(Schema):
    held_at: InputDateTime
    minutes: str = Field(..., max_length=5000)
    attendee_ids: list[Id] = Field(..., max_length=500)
    expected_version: Version | None = None


class InternalRecipientOut(Schema):
    user: UserRef
    read_at: LocalDateTime | None
    via_meeting: bool
    done_at: LocalDateTime | None
    done_note: str
    chases: int


class InternalCircularOut(Schema):
    id: int
    center: Ref
    title: str
    source: str
    body: str
    level: str
    level_label: str
    requires_execution: bool
    due_on: str | None
    created_at: LocalDateTime
    closed_at: LocalDateTime | None
    meeting_at: LocalDateTime | None
    meeting_minutes: str
    version: int
    attachments: list[InternalAttachmentOut]
    recipients: list[InternalRecipientOut] = Field(description="跟踪表（仅信息管理员和经理可见）")


def circular_body(circular, *, rows=()) -> dict:
    data = {
        "id": circular.pk,
        "center": {"id": circular.service_center_id, "name": circular.service_center.name},
        "title": circular.title,
        "source": circular.source,
        "body": circular.body,
        "level": circular.level,
        "level_label": str(circular.get_level_display()),
        "requires_execution": circular.requires_execution,
        "due_on": circular.due_on.isoformat() if circular.due_on else None,
        "created_at": circular.created_at,
        "closed_at": circular.closed_at,
        "meeting_at": circular.meeting_at,
        "meeting_minutes": circular.meeting_minutes,
        "version": circular.version,
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("internal:circular_file", args=[circular.pk, a.pk]),
            }
            for a in circular.attachments.all()
        ],
        "recipients": [
            {
                "user": user_ref(r.user),
                "read_at": r.read_at,
                "via_meeting": r.via_meeting,
                "done_at": r.done_at,
                "done_note": r.done_note,
                "chases": r.chases,
            }
            for r in rows
        ],
    }
    return InternalCircularOut(**data).model_dump(mode="json")


class InternalDutyOut(Schema):
    id: int
    code: str
    title: str
    period: str
    due_on: str
    done_at: LocalDateTime | None
    note: str
    overdue: bool
    version: int


class InternalDutyDoneIn(Schema):
    note: str = Field("", max_length=200)
    expected_version: Version | None = None


def duty_body(task) -> dict:
    data = {
        "id": task.pk,
        "code": task.code,
        "title": task.title,
        "period": task.period.isoformat(),
        "due_on": task.due_on.isoformat(),
        "done_at": task.done_at,
        "note": task.note,
        "overdue": task.is_overdue(timezone.localdate()),
        "version": task.version,
    }
    return InternalDutyOut(**data).model_dump(mode="json")


class InternalWorkLogIn(Schema):
    summary: str = Field(..., max_length=5000)
    expected_version: Version | None = None


class InternalFindingIn(Schema):
    community_id: Id
    location: str = Field(..., max_length=100)
    description: str = Field(..., max_length=500)
    fixed_on_spot: bool = False


class InternalFindingOut(Schema):
    id: int
    community: Ref
    location: str
    description: str
    fixed_on_spot: bool
    ticket: str | None = Field(description="转成的工单编号")


class InternalWorkLogOut(Schema):
    day: str
    summary: str
    version: int
    findings: list[InternalFindingOut]


def finding_body(finding) -> dict:
    data = {
        "id": finding.pk,
        "community": {"id": finding.community_id, "name": finding.community.name},
        "location": finding.location,
        "description": finding.description,
        "fixed_on_spot": finding.fixed_on_spot,
        "ticket": finding.ticket.number if finding.ticket_id else None,
    }
    return InternalFindingOut(**data).model_dump(mode="json")


def work_log_body(log, day) -> dict:
    findings = [finding_body(f) for f in log.findings.select_related("community", "ticket")] if log else []
    data = {"day": day.isoformat(), "summary": log.summary if log else "", "version": log.version if log else 0}
    return InternalWorkLogOut(**data, findings=findings).model_dump(mode="json")
