"""The shapes of the internal API's routine part: reassignments, meetings and action items, sign-in times,
circular attachments and forwarded important emails."""

import base64
import binascii
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from propdesk.api.schemas import Id, InputDate, InputDateTime, LocalDateTime, UserRef, Version, user_ref

from .choices import MeetingKind

MeetingKindIn = Literal["morning", "weekly", "other"]
assert set(MeetingKindIn.__args__) == set(MeetingKind.values)


class InternalReassignmentIn(Schema):
    user_id: Id = Field(..., description="调动人员（本人或本服务中心员工）")
    from_post: str = Field(..., max_length=100, description="原岗位/班次")
    to_post: str = Field(..., max_length=100, description="调往岗位/班次")
    starts_at: InputDateTime
    ends_at: InputDateTime
    reason: str = Field(..., max_length=200)


class InternalReassignmentOut(Schema):
    id: int
    user: UserRef
    department: str
    from_post: str
    to_post: str
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    reason: str
    reported_by: UserRef
    reported_at: LocalDateTime
    acknowledged_by: UserRef | None
    acknowledged_at: LocalDateTime | None
    version: int


def reassignment_body(item) -> dict:
    return {
        "id": item.pk,
        "user": user_ref(item.user),
        "department": item.department.name,
        "from_post": item.from_post,
        "to_post": item.to_post,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "reason": item.reason,
        "reported_by": user_ref(item.reported_by),
        "reported_at": item.reported_at,
        "acknowledged_by": user_ref(item.acknowledged_by) if item.acknowledged_by_id else None,
        "acknowledged_at": item.acknowledged_at,
        "version": item.version,
    }


class InternalUnreportedOut(Schema):
    work_order_id: int
    work_order: str = Field(description="工作单号")
    user: UserRef
    dispatched_at: LocalDateTime
    reasons: list[str]


def unreported_body(row: dict) -> dict:
    return {
        "work_order_id": row["work_order"].pk,
        "work_order": row["work_order"].number,
        "user": user_ref(row["user"]),
        "dispatched_at": row["at"],
        "reasons": [str(r) for r in row["reasons"]],
    }


class InternalActionIn(Schema):
    user_id: Id = Field(..., description="负责人")
    text: str = Field(..., max_length=200)
    due_on: InputDate


class InternalMeetingIn(Schema):
    center_id: Id
    kind: MeetingKindIn = Field(..., description="晨会 morning（8:20–8:30）、周例会 weekly、其他 other")
    day: InputDate
    minutes: str = Field(..., max_length=10000)
    attendee_ids: list[Id] = Field(..., max_length=500)
    actions: list[InternalActionIn] = Field(default_factory=list, max_length=30)
    circular_ids: list[Id] = Field(default_factory=list, max_length=30, description="会上传达的会议级别信息")


class InternalActionOut(Schema):
    id: int
    meeting_id: int
    user: UserRef
    text: str
    due_on: str
    status: str
    done_at: LocalDateTime | None
    done_note: str
    overdue: bool
    version: int


def action_body(item) -> dict:
    return {
        "id": item.pk,
        "meeting_id": item.meeting_id,
        "user": user_ref(item.user),
        "text": item.text,
        "due_on": item.due_on.isoformat(),
        "status": item.status,
        "done_at": item.done_at,
        "done_note": item.done_note,
        "overdue": item.is_overdue(timezone.localdate()),
        "version": item.version,
    }


class InternalMeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    day: str
    chair: UserRef
    attendees: list[UserRef]
    minutes: str
    actions: list[InternalActionOut]
    circular_ids: list[int]


def meeting_body(meeting) -> dict:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": str(meeting.get_kind_display()),
        "day": meeting.day.isoformat(),
        "chair": user_ref(meeting.chair),
        "attendees": [user_ref(u) for u in meeting.attendees.all()],
        "minutes": meeting.minutes,
        "actions": [action_body(a) for a in meeting.actions.all()],
        "circular_ids": [c.pk for c in meeting.circulars.all()],
    }


class InternalActionDoneIn(Schema):
    note: str = Field("", max_length=200)
    expected_version: Version | None = None


class InternalSignInOut(Schema):
    day: str
    signed_in_at: LocalDateTime
    signed_out_at: LocalDateTime | None
    late: bool
    user: UserRef


def sign_in_body(row) -> dict:
    return {
        "day": row.day.isoformat(),
        "signed_in_at": row.signed_in_at,
        "signed_out_at": row.signed_out_at,
        "late": row.late,
        "user": user_ref(row.user),
    }


class InternalSettingsIn(Schema):
    center_id: Id
    sign_in_enabled: bool
    sign_in_by: str | None = Field(None, pattern=r"^\d{2}:\d{2}$", description="签到截止时间 HH:MM，默认 08:20")


class InternalSettingsOut(Schema):
    center_id: int
    sign_in_enabled: bool
    sign_in_by: str


class InternalAttachmentIn(Schema):
    name: str = Field(..., max_length=100, description="文件名（.pdf、.jpg、.png…）")
    content_base64: str = Field(..., max_length=14_000_000, description="文件内容（base64），不超过 10 MB")

    @field_validator("content_base64")
    @classmethod
    def _decodes(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("附件内容不是有效的 base64") from exc
        return value

    def decoded(self) -> tuple[str, bytes]:
        return self.name, base64.b64decode(self.content_base64)


class InternalAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class InternalEmailTaskIn(Schema):
    center_id: Id
    sender: str = Field(..., max_length=200, description="发件人")
    subject: str = Field(..., max_length=200)
    body: str = Field("", max_length=20000)
    received_at: InputDateTime
    owner_id: Id = Field(..., description="负责人")
    due_at: InputDateTime


class InternalEmailTaskOut(Schema):
    id: int
    sender: str
    subject: str
    body: str
    received_at: LocalDateTime
    user: UserRef
    due_at: LocalDateTime
    done_at: LocalDateTime | None
    version: int


def email_task_body(task) -> dict:
    return {
        "id": task.pk,
        "sender": task.sender,
        "subject": task.subject,
        "body": task.body,
        "received_at": task.received_at,
        "user": user_ref(task.user),
        "due_at": task.due_at,
        "done_at": task.done_at,
        "version": task.version,
    }


class InternalTodayOut(Schema):
    actions: list[InternalActionOut]
    email_tasks: list[InternalEmailTaskOut]
    sign_in_enabled: bool
    sign_in: InternalSignInOut | None
    today: str
