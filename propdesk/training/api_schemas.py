"""The shapes of the training API: what goes in (bounded) and what comes out. Schema names start with
``Training`` (they are unique across the whole API)."""

from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, InputDateTime, LocalDateTime, Ref, UserRef, Version, user_ref
from propdesk.core.people import person_name
from propdesk.org.choices import Role

from .choices import ProcedureStatus

MarkIn = Literal["present", "absent"]


class TrainingTargetsIn(Schema):
    roles: list[str] = Field(default_factory=list, max_length=30, description="培训岗位（角色代码）")
    department_ids: list[Id] = Field(default_factory=list, max_length=50, description="培训部门")
    user_ids: list[Id] = Field(default_factory=list, max_length=500, description="指定人员")


class TrainingProcedureIn(TrainingTargetsIn):
    title: str = Field(..., max_length=100)
    summary: str = Field("", max_length=5000)
    effective_on: InputDate
    due_on: InputDate = Field(..., description="培训完成期限")
    pass_mark: int | None = Field(None, ge=1, le=100, description="测验合格分数；不测验留空")


class TrainingRegisterIn(TrainingProcedureIn):
    center_id: Id
    department_id: Id = Field(..., description="制定部门（本中心的部门或公司职能部门）")


class TrainingResubmitIn(TrainingProcedureIn):
    expected_version: Version | None = None


class TrainingDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200, description="批准意见；退回时为退回原因（必填）")
    expected_version: Version | None = None


class TrainingSessionIn(Schema):
    starts_at: InputDateTime
    place: str = Field(..., max_length=100)
    trainer_id: Id
    capacity: int = Field(..., ge=1, le=500)


class TrainingInviteIn(Schema):
    user_ids: list[Id] = Field(default_factory=list, max_length=500, description="不填：通知尚未安排场次的未培训人员")


class TrainingAttendanceIn(Schema):
    user_id: Id
    mark: MarkIn
    score: int | None = Field(None, ge=0, le=100)


class TrainingProcedureOut(Schema):
    id: int
    center: Ref
    department: Ref
    title: str
    summary: str
    has_document: bool
    effective_on: str
    due_on: str
    pass_mark: int | None
    status: str
    status_label: str
    target_roles: list[str]
    target_role_labels: list[str]
    created_by: UserRef
    decided_by: UserRef | None
    decided_at: LocalDateTime | None
    decision_note: str
    trainees: int
    trained: int
    version: int


class TrainingTraineeOut(Schema):
    procedure: Ref
    user: UserRef
    department: str
    due_on: str
    overdue: bool
    trained_at: LocalDateTime | None


class TrainingAttendanceOut(Schema):
    user: UserRef
    department: str
    mark: str
    signed_at: LocalDateTime | None
    score: int | None
    trained: bool


class TrainingSessionOut(Schema):
    id: int
    procedure: Ref
    starts_at: LocalDateTime
    place: str
    trainer: UserRef
    capacity: int
    sheet: list[TrainingAttendanceOut]
    version: int


class TrainingDepartmentCountOut(Schema):
    department_id: int | None
    department: str
    untrained: int
    overdue: int


class TrainingUntrainedOut(Schema):
    departments: list[TrainingDepartmentCountOut]
    people: list[TrainingTraineeOut]


def procedure_body(p) -> dict:
    return {
        "id": p.pk,
        "center": {"id": p.service_center_id, "name": p.service_center.name},
        "department": {"id": p.department_id, "name": p.department.name},
        "title": p.title,
        "summary": p.summary,
        "has_document": bool(p.document),
        "effective_on": p.effective_on.isoformat(),
        "due_on": p.due_on.isoformat(),
        "pass_mark": p.pass_mark,
        "status": p.status,
        "status_label": str(ProcedureStatus(p.status).label),
        "target_roles": p.target_roles,
        "target_role_labels": [str(Role(r).label) for r in p.target_roles if r in Role.values],
        "created_by": user_ref(p.created_by),
        "decided_by": user_ref(p.decided_by),
        "decided_at": p.decided_at,
        "decision_note": p.decision_note,
        "trainees": getattr(p, "trainee_count", 0),
        "trained": getattr(p, "trained_count", 0),
        "version": p.version,
    }


def _department(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.department.name if profile and profile.department_id else ""


def trainee_body(t, today=None) -> dict:
    today = today or timezone.localdate()
    return {
        "procedure": {"id": t.procedure_id, "name": t.procedure.title},
        "user": {"id": t.user_id, "name": person_name(t.user)},
        "department": _department(t.user),
        "due_on": t.due_on.isoformat(),
        "overdue": t.is_overdue(today),
        "trained_at": t.trained_at,
    }


def session_body(s, rows) -> dict:
    return {
        "id": s.pk,
        "procedure": {"id": s.procedure_id, "name": s.procedure.title},
        "starts_at": s.starts_at,
        "place": s.place,
        "trainer": user_ref(s.trainer),
        "capacity": s.capacity,
        "sheet": [
            {
                "user": user_ref(r.trainee.user),
                "department": _department(r.trainee.user),
                "mark": r.mark,
                "signed_at": r.signed_at,
                "score": r.score,
                "trained": r.trainee.trained_at is not None,
            }
            for r in rows
        ],
        "version": s.version,
    }
