"""Internal communication over the API (``/api/v1/internal/…``): the whereabouts board, going out and back,
leave with its decision, return and HR confirmation, "my day" and the manager's dashboard — the same
services, selectors and rules as the pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, page_of
from propdesk.core.permissions import can
from propdesk.dispatch.selectors import my_jobs
from propdesk.org.models import ServiceCenter

from . import selectors, services
from .api_routine import router as routine_router
from .api_schemas import (
    InternalCircularDoneIn,
    InternalCircularIn,
    InternalCircularMeetingIn,
    InternalCircularOut,
    InternalDashboardOut,
    InternalDutyDoneIn,
    InternalDutyOut,
    InternalFindingIn,
    InternalFindingOut,
    InternalLeaveDecisionIn,
    InternalLeaveFilters,
    InternalLeaveIn,
    InternalLeaveOut,
    InternalLeavePage,
    InternalMyDayOut,
    InternalOutingIn,
    InternalOutingOut,
    InternalVersionIn,
    InternalWorkLogIn,
    InternalWorkLogOut,
    circular_body,
    duty_body,
    finding_body,
    leave_body,
    outing_body,
    work_log_body,
)
from .models import Circular, DutyTask, LeaveRequest, Outing, PatrolFinding

router = Router(tags=["内部沟通 Internal"])
router.add_router("", routine_router)
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _outing(request: HttpRequest, outing_id: int) -> Outing:
    try:
        return selectors.outing_get(user=request.auth, pk=outing_id)
    except Outing.DoesNotExist as exc:
        raise Http404(_("外出登记不存在或您无权查看")) from exc


def _leave(request: HttpRequest, leave_id: int) -> LeaveRequest:
    try:
        return selectors.leave_get(user=request.auth, pk=leave_id)
    except LeaveRequest.DoesNotExist as exc:
        raise Http404(_("请假单不存在或您无权查看")) from exc


@router.get("/internal/board", response={200: list[InternalOutingOut], **COMMON_ERRORS})
def board(request: HttpRequest, center_id: Id | None = None):
    """外出公告栏：现在谁在外出（超时的在前）/ The whereabouts board: who is out now."""
    return [outing_body(o) for o in selectors.board(user=request.auth, center_id=center_id)]


@router.post("/internal/outings", response={201: InternalOutingOut, **COMMON_ERRORS})
def post_outing(request: HttpRequest, payload: InternalOutingIn):
    """登记外出（本人）：原因、地点、电话、预计返回；上级收到通知 / Post going out; the superior is told."""
    outing = services.outing_post(actor=request.auth, **payload.dict())
    return Status(201, outing_body(selectors.outing_get(user=request.auth, pk=outing.pk)))


@router.post("/internal/outings/{outing_id}/return", response={200: InternalOutingOut, **CONFLICT})
def return_outing(request: HttpRequest, outing_id: Id, payload: InternalVersionIn):
    """登记返回（本人，一次）/ Back in the community (once)."""
    outing = services.outing_return(
        actor=request.auth, outing=_outing(request, outing_id), expected_version=payload.expected_version
    )
    return outing_body(selectors.outing_get(user=request.auth, pk=outing.pk))


@router.get("/internal/leave", response={200: InternalLeavePage, **COMMON_ERRORS})
def list_leave(request: HttpRequest, filters: Query[InternalLeaveFilters]):
    """请假单（本人的；部门经理看本部门；经理和人事看本中心）/ Leave requests the caller may read."""
    qs = selectors.leave_list(user=request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(user=request.auth)
    page = page_of(qs.order_by("-starts_on", "-pk"), filters.offset, filters.limit)
    return {**page, "items": [leave_body(x) for x in page["items"]]}


@router.post("/internal/leave", response={201: InternalLeaveOut, **COMMON_ERRORS})
def request_leave(request: HttpRequest, payload: InternalLeaveIn):
    """申请请假（本人）；排班表上的休息日不计入 / Ask for leave; rest days on the rota are not counted."""
    leave = services.leave_request(actor=request.auth, **payload.dict())
    return Status(201, leave_body(selectors.leave_get(user=request.auth, pk=leave.pk)))


@router.get("/internal/leave/{leave_id}", response={200: InternalLeaveOut, **COMMON_ERRORS})
def get_leave(request: HttpRequest, leave_id: Id):
    """一张请假单 / One leave request."""
    return leave_body(_leave(request, leave_id))


@router.post("/internal/leave/{leave_id}/decide", response={200: InternalLeaveOut, **CONFLICT})
def decide_leave(request: HttpRequest, leave_id: Id, payload: InternalLeaveDecisionIn):
    """部门经理（或服务中心经理代）批准或不批准 / Approve or refuse."""
    leave = services.leave_decide(
        actor=request.auth,
        leave=_leave(request, leave_id),
        approve=payload.approve,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return leave_body(selectors.leave_get(user=request.auth, pk=leave.pk))


def _step(request: HttpRequest, leave_id: int, payload: InternalVersionIn, service) -> dict:
    leave = service(actor=request.auth, leave=_leave(request, leave_id), expected_version=payload.expected_version)
    return leave_body(selectors.leave_get(user=request.auth, pk=leave.pk))


@router.post("/internal/leave/{leave_id}/withdraw", response={200: InternalLeaveOut, **CONFLICT})
def withdraw_leave(request: HttpRequest, leave_id: Id, payload: InternalVersionIn):
    """撤回（本人，假期开始前）/ Withdraw before the leave starts."""
    return _step(request, leave_id, payload, services.leave_withdraw)


@router.post("/internal/leave/{leave_id}/return", response={200: InternalLeaveOut, **CONFLICT})
def return_leave(request: HttpRequest, leave_id: Id, payload: InternalVersionIn):
    """销假（本人返岗）/ Back at work: cancel the leave."""
    return _step(request, leave_id, payload, services.leave_return)


@router.post("/internal/leave/{leave_id}/confirm", response={200: InternalLeaveOut, **CONFLICT})
def confirm_leave(request: HttpRequest, leave_id: Id, payload: InternalVersionIn):
    """人事确认销假并归档 / HR confirms the return."""
    return _step(request, leave_id, payload, services.leave_confirm)


@router.get("/internal/my-day", response={200: InternalMyDayOut, **COMMON_ERRORS})
def my_day(request: HttpRequest):
    """我的一天：外出、请假、待我处理、工作单数 / My day."""
    user = request.auth
    if not can(user, "internal_desk.my_day"):
        raise PermissionDenied(_("“我的一天”仅限员工使用"))
    outing = selectors.my_open_outing(user=user)
    return {
        "outing": outing_body(outing) if outing else None,
        "leave": [leave_body(x) for x in selectors.my_leave(user=user)],
        "approvals_waiting": [leave_body(x) for x in selectors.approvals_waiting(user=user)],
        "returns_to_confirm": [leave_body(x) for x in selectors.returns_to_confirm(user=user)],
        "open_jobs": my_jobs(user=user).count(),
    }


@router.get("/internal/dashboard", response={200: InternalDashboardOut, **COMMON_ERRORS})
def dashboard(request: HttpRequest, center_id: Id | None = None):
    """管理看板：谁在外出、今日休假、待审批、未销假 / The manager's dashboard of a center."""
    user = request.auth
    centers = selectors.dashboard_centers(user=user)
    if not centers.exists():
        raise PermissionDenied(_("管理看板仅限服务中心的经理和人事管理员"))
    center = centers.filter(pk=center_id).first() if center_id else centers.first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权查看"))

    def rows(qs):
        return [leave_body(x) for x in qs.filter(service_center=center)]

    return {
        "center": {"id": center.pk, "name": center.name},
        "out": [outing_body(o) for o in selectors.board(user=user, center_id=center.pk)],
        "on_leave": rows(selectors.on_leave_now(user=user)),
        "approvals_waiting": rows(selectors.approvals_waiting(user=user)),
        "returns_to_confirm": rows(selectors.returns_to_confirm(user=user)),
        "not_returned": rows(selectors.not_returned(user=user)),
    }


def _circular(request: HttpRequest, circular_id: int):
    try:
        return selectors.circular_get(user=request.auth, pk=circular_id)
    except Circular.DoesNotExist as exc:
        raise Http404(_("信息传达不存在或您无权查看")) from exc


def _circular_out(request: HttpRequest, circular) -> dict:
    circular = selectors.circular_get(user=request.auth, pk=circular.pk)
    tracks = can(request.auth, "circular.track", circular)
    return circular_body(circular, rows=selectors.circular_rows(circular=circular) if tracks else ())


@router.get("/internal/circulars", response={200: list[InternalCircularOut], **COMMON_ERRORS})
def list_circulars(request: HttpRequest, waiting: bool = False):
    """跟踪的信息传达（信息管理员、经理）；waiting=true 时为待我阅读或落实的 / Tracked circulars, or mine."""
    if waiting:
        return [circular_body(r.circular) for r in selectors.circulars_waiting(user=request.auth)[:100]]
    return [_circular_out(request, c) for c in selectors.circulars_tracked(user=request.auth)[:100]]


@router.post("/internal/circulars", response={201: InternalCircularOut, **COMMON_ERRORS})
def register_circular(request: HttpRequest, payload: InternalCircularIn):
    """登记信息传达：传送级别、传达岗位/部门/人员、落实期限；邮件级别同时发送邮件 / Register a circular."""
    center = ServiceCenter.objects.filter(pk=payload.center_id).first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权查看"))
    data = payload.dict(exclude={"center_id", "attachments"})
    files = [a.decoded() for a in payload.attachments]
    circular = services.circular_register(actor=request.auth, center=center, files=files, **data)
    return Status(201, _circular_out(request, circular))


@router.get("/internal/circulars/{circular_id}", response={200: InternalCircularOut, **COMMON_ERRORS})
def get_circular(request: HttpRequest, circular_id: Id):
    """一份信息传达（跟踪者可见跟踪表）/ One circular."""
    return _circular_out(request, _circular(request, circular_id))


@router.post("/internal/circulars/{circular_id}/read", response={200: InternalCircularOut, **COMMON_ERRORS})
def read_circular(request: HttpRequest, circular_id: Id):
    """确认已阅（会议级别以会议签到为准）/ Acknowledge reading."""
    circular = _circular(request, circular_id)
    services.circular_acknowledge(actor=request.auth, circular=circular)
    return _circular_out(request, circular)


@router.post("/internal/circulars/{circular_id}/done", response={200: InternalCircularOut, **COMMON_ERRORS})
def done_circular(request: HttpRequest, circular_id: Id, payload: InternalCircularDoneIn):
    """确认已落实 / Confirm it is carried out."""
    circular = _circular(request, circular_id)
    services.circular_done(actor=request.auth, circular=circular, note=payload.note)
    return _circular_out(request, circular)


@router.post("/internal/circulars/{circular_id}/meeting", response={200: InternalCircularOut, **CONFLICT})
def meeting_circular(request: HttpRequest, circular_id: Id, payload: InternalCircularMeetingIn):
    """会议级别：登记传达会议与参会人员（代替个人确认）/ The meeting record with its attendees."""
    circular = services.circular_meeting(actor=request.auth, circular=_circular(request, circular_id), **payload.dict())
    return _circular_out(request, circular)


@router.post("/internal/circulars/{circular_id}/close", response={200: InternalCircularOut, **CONFLICT})
def close_circular(request: HttpRequest, circular_id: Id, payload: InternalVersionIn):
    """关闭（不再催办）/ Close: no more chasers."""
    circular = services.circular_close(
        actor=request.auth, circular=_circular(request, circular_id), expected_version=payload.expected_version
    )
    return _circular_out(request, circular)


@router.get("/internal/duties", response={200: list[InternalDutyOut], **COMMON_ERRORS})
def list_duties(request: HttpRequest):
    """我的例行工作（月度、每周，逾期在前）/ My recurring duties."""
    return [duty_body(d) for d in selectors.my_duties(user=request.auth)]


@router.post("/internal/duties/{duty_id}/complete", response={200: InternalDutyOut, **CONFLICT})
def complete_duty(request: HttpRequest, duty_id: Id, payload: InternalDutyDoneIn):
    """完成一项例行工作 / Mark a duty done."""
    try:
        task = selectors.duty_get(user=request.auth, pk=duty_id)
    except DutyTask.DoesNotExist as exc:
        raise Http404(_("例行工作不存在或您无权查看")) from exc
    return duty_body(services.duty_complete(actor=request.auth, task=task, **payload.dict()))


@router.get("/internal/work-log", response={200: InternalWorkLogOut, **COMMON_ERRORS})
def get_work_log(request: HttpRequest):
    """今天的个人工作日志与巡视发现 / Today's work log and patrol findings."""
    today = timezone.localdate()
    return work_log_body(selectors.todays_log(user=request.auth, today=today), today)


@router.post("/internal/work-log", response={200: InternalWorkLogOut, **CONFLICT})
def save_work_log(request: HttpRequest, payload: InternalWorkLogIn):
    """填写今天的个人工作日志（经理本人）/ Write today's log."""
    today = timezone.localdate()
    services.work_log_save(actor=request.auth, day=today, **payload.dict())
    return work_log_body(selectors.todays_log(user=request.auth, today=today), today)


@router.post("/internal/findings", response={201: InternalFindingOut, **COMMON_ERRORS})
def add_finding(request: HttpRequest, payload: InternalFindingIn):
    """记录巡视发现 / Record a patrol finding."""
    data = payload.dict()
    community = selectors.log_communities(user=request.auth).filter(pk=data.pop("community_id")).first()
    return Status(201, finding_body(services.finding_add(actor=request.auth, community=community, **data)))


@router.post("/internal/findings/{finding_id}/ticket", response={200: InternalFindingOut, **COMMON_ERRORS})
def finding_ticket(request: HttpRequest, finding_id: Id):
    """巡视发现转为报修工单（一步）/ Turn a finding into a repair ticket."""
    try:
        finding = selectors.finding_get(user=request.auth, pk=finding_id)
    except PatrolFinding.DoesNotExist as exc:
        raise Http404(_("巡视记录不存在或您无权查看")) from exc
    return finding_body(services.finding_to_ticket(actor=request.auth, finding=finding))
