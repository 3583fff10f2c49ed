"""Procedure training over the API (``/api/v1/training/…``): register, approve or return, sessions with their
invitations and sign-in sheet, the untrained per procedure and department, and "my trainings" — the same
services, selectors and rules as the pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id
from propdesk.org.models import ServiceCenter

from . import selectors, services
from .api_schemas import (
    TrainingAttendanceIn,
    TrainingAttendanceOut,
    TrainingDecisionIn,
    TrainingInviteIn,
    TrainingProcedureOut,
    TrainingRegisterIn,
    TrainingResubmitIn,
    TrainingSessionIn,
    TrainingSessionOut,
    TrainingTraineeOut,
    TrainingUntrainedOut,
    procedure_body,
    session_body,
    trainee_body,
)
from .models import Procedure, Session

router = Router(tags=["培训 Training"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _procedure(request: HttpRequest, procedure_id: int) -> Procedure:
    try:
        return selectors.procedure_get(user=request.auth, pk=procedure_id)
    except Procedure.DoesNotExist as exc:
        raise Http404(_("新程序不存在或您无权查看")) from exc


def _session(request: HttpRequest, session_id: int) -> Session:
    try:
        return selectors.session_get(user=request.auth, pk=session_id)
    except Session.DoesNotExist as exc:
        raise Http404(_("培训场次不存在或您无权查看")) from exc


def _procedure_out(request: HttpRequest, pk: int) -> dict:
    return procedure_body(selectors.procedure_get(user=request.auth, pk=pk))


def _session_out(request: HttpRequest, pk: int) -> dict:
    session = selectors.session_get(user=request.auth, pk=pk)
    return session_body(session, selectors.sheet(session=session))


@router.get("/training/procedures", response={200: list[TrainingProcedureOut], **COMMON_ERRORS})
def list_procedures(request: HttpRequest, waiting: bool = False):
    """新程序（waiting=true：待我审批的）/ Procedures the caller may read (or waiting for their approval)."""
    qs = selectors.approvals_waiting(user=request.auth) if waiting else selectors.procedures(user=request.auth)
    return [procedure_body(p) for p in qs[:200]]


@router.post("/training/procedures", response={201: TrainingProcedureOut, **COMMON_ERRORS})
def register_procedure(request: HttpRequest, payload: TrainingRegisterIn):
    """登记新程序与培训范围，等待经理审批 / Register a procedure and who must be trained; it waits for approval."""
    data = payload.dict()
    center = ServiceCenter.objects.filter(pk=data.pop("center_id")).first()
    if center is None:
        raise PermissionDenied(_("您不能登记新程序"))
    procedure = services.procedure_register(actor=request.auth, center=center, **data)
    return Status(201, _procedure_out(request, procedure.pk))


@router.get("/training/procedures/{procedure_id}", response={200: TrainingProcedureOut, **COMMON_ERRORS})
def get_procedure(request: HttpRequest, procedure_id: Id):
    """一项新程序 / One procedure."""
    return procedure_body(_procedure(request, procedure_id))


@router.post("/training/procedures/{procedure_id}/document", response={200: TrainingProcedureOut, **CONFLICT})
def upload_document(request: HttpRequest, procedure_id: Id, file: File[UploadedFile]):
    """上传或更换文件（PDF 或图片，审批前）/ Upload the procedure's document (before approval)."""
    procedure = services.procedure_attach(
        actor=request.auth, procedure=_procedure(request, procedure_id), document=file
    )
    return _procedure_out(request, procedure.pk)


@router.post("/training/procedures/{procedure_id}/resubmit", response={200: TrainingProcedureOut, **CONFLICT})
def resubmit_procedure(request: HttpRequest, procedure_id: Id, payload: TrainingResubmitIn):
    """被退回的新程序修改后重新提交 / Correct a returned procedure and submit it again."""
    procedure = services.procedure_resubmit(
        actor=request.auth, procedure=_procedure(request, procedure_id), **payload.dict()
    )
    return _procedure_out(request, procedure.pk)


@router.post("/training/procedures/{procedure_id}/decide", response={200: TrainingProcedureOut, **CONFLICT})
def decide_procedure(request: HttpRequest, procedure_id: Id, payload: TrainingDecisionIn):
    """经理批准（确定培训名单）或退回（须写原因）/ Approve (fixes who is trained) or return with a reason."""
    procedure = _procedure(request, procedure_id)
    if payload.approve:
        done = services.procedure_approve(
            actor=request.auth, procedure=procedure, note=payload.note, expected_version=payload.expected_version
        )
    else:
        done = services.procedure_return(
            actor=request.auth, procedure=procedure, reason=payload.note, expected_version=payload.expected_version
        )
    return _procedure_out(request, done.pk)


@router.get("/training/procedures/{procedure_id}/trainees", response={200: list[TrainingTraineeOut], **COMMON_ERRORS})
def list_trainees(request: HttpRequest, procedure_id: Id):
    """培训对象与培训情况 / Who must be trained on it, and who is."""
    procedure = _procedure(request, procedure_id)
    today = timezone.localdate()
    return [trainee_body(t, today) for t in selectors.trainees_of(user=request.auth, procedure=procedure)]


@router.post("/training/procedures/{procedure_id}/sessions", response={201: TrainingSessionOut, **COMMON_ERRORS})
def schedule_session(request: HttpRequest, procedure_id: Id, payload: TrainingSessionIn):
    """人事安排培训场次（仅限已批准的新程序）/ HR schedules a session (approved procedures only)."""
    session = services.session_schedule(
        actor=request.auth, procedure=_procedure(request, procedure_id), **payload.dict()
    )
    return Status(201, _session_out(request, session.pk))


@router.get("/training/sessions/{session_id}", response={200: TrainingSessionOut, **COMMON_ERRORS})
def get_session(request: HttpRequest, session_id: Id):
    """一场培训及签到表 / One session with its sign-in sheet."""
    return _session_out(request, _session(request, session_id).pk)


@router.post("/training/sessions/{session_id}/invite", response={200: TrainingSessionOut, **COMMON_ERRORS})
def invite(request: HttpRequest, session_id: Id, payload: TrainingInviteIn):
    """通知参训（发送通知）/ Put trainees on the sheet and notify them."""
    session = _session(request, session_id)
    services.session_invite(actor=request.auth, session=session, user_ids=payload.user_ids)
    return _session_out(request, session.pk)


@router.post("/training/sessions/{session_id}/attendance", response={200: TrainingAttendanceOut, **COMMON_ERRORS})
def record_attendance(request: HttpRequest, session_id: Id, payload: TrainingAttendanceIn):
    """签到（记录时间，可填测验分数）或缺席 / Sign a trainee in (with an optional score) or mark them absent."""
    session = _session(request, session_id)
    row = services.attendance_record(actor=request.auth, session=session, **payload.dict())
    row.trainee.refresh_from_db()
    return session_body(session, [row])["sheet"][0]


@router.get("/training/untrained", response={200: TrainingUntrainedOut, **COMMON_ERRORS})
def untrained(request: HttpRequest, procedure_id: Id | None = None, department_id: Id | None = None):
    """未培训人员（按新程序、按部门，含逾期）/ The untrained, per procedure and per department."""
    if not selectors.centers_for(user=request.auth, action="untrained"):
        raise PermissionDenied(_("您不能查看未培训人员名单"))
    today = timezone.localdate()
    people = selectors.untrained(user=request.auth, procedure_id=procedure_id, department_id=department_id)
    return {
        "departments": selectors.untrained_by_department(user=request.auth, procedure_id=procedure_id, today=today),
        "people": [trainee_body(t, today) for t in people[:500]],
    }


@router.get("/training/mine", response={200: list[TrainingTraineeOut], **COMMON_ERRORS})
def mine(request: HttpRequest):
    """我的培训 / My trainings: what I must be trained on, by when, and what is done."""
    today = timezone.localdate()
    return [trainee_body(t, today) for t in selectors.my_trainings(user=request.auth)]
