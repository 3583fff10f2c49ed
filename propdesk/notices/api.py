"""Endpoints of the JSON API for notices (mounted by config/api.py): notices and their approval chain,
broadcast tasks, warnings with acknowledgements and the broadcast decision, special-customer deliveries, and a
household's notices — the same services, selectors and rules as the pages."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, page_of, user_ref
from propdesk.communities.models import Household
from propdesk.core.permissions import can
from propdesk.org.models import ServiceCenter

from . import api_board, selectors, services
from .api_schemas import (
    NoticesAckOut,
    NoticesDecisionIn,
    NoticesDeliveryAckIn,
    NoticesDeliveryOut,
    NoticesNoticeFilters,
    NoticesNoticeIn,
    NoticesNoticeOut,
    NoticesNoticePage,
    NoticesNoticeUpdateIn,
    NoticesReasonIn,
    NoticesScheduleIn,
    NoticesTaskDoneIn,
    NoticesTaskOut,
    NoticesVersionIn,
    NoticesWarningIn,
    NoticesWarningOut,
    delivery_body,
    notice_body,
    task_body,
    warning_body,
)
from .models import Notice, SpecialDelivery, WeatherWarning

router = Router(tags=["公告预警 Notices"])
router.add_router("", api_board.router)
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _center(request: HttpRequest, center_id: int, action: str) -> ServiceCenter:
    center = ServiceCenter.objects.select_related("branch").filter(pk=center_id).first()
    if center is None or not can(request.auth, action, Notice(service_center=center)):
        raise Http404(_("服务中心不存在或您无权操作"))
    return center


def _notice(request: HttpRequest, notice_id: int) -> Notice:
    try:
        return selectors.notice_get(user=request.auth, pk=notice_id)
    except Notice.DoesNotExist as exc:
        raise Http404(_("公告不存在或您无权查看")) from exc


def _warning(request: HttpRequest, warning_id: int) -> WeatherWarning:
    try:
        return selectors.warning_get(user=request.auth, pk=warning_id)
    except WeatherWarning.DoesNotExist as exc:
        raise Http404(_("预警不存在或您无权查看")) from exc


def _data(payload) -> dict:
    return payload.dict(exclude={"service_center_id", "expected_version"})


@router.get("/notices", response={200: NoticesNoticePage, **COMMON_ERRORS})
def list_notices(request: HttpRequest, filters: Query[NoticesNoticeFilters]):
    """公告（可按状态、类别筛选）/ Notices the caller may read."""
    qs = selectors.notice_list(user=request.auth, status=filters.status, kind=filters.kind or "")
    page = page_of(qs.prefetch_related("buildings", "units", "special_customers"), filters.offset, filters.limit)
    return {**page, "items": [notice_body(n) for n in page["items"]]}


@router.post("/notices", response={201: NoticesNoticeOut, **COMMON_ERRORS})
def create_notice(request: HttpRequest, payload: NoticesNoticeIn):
    """起草公告（正文清除不安全内容）/ Draft a notice."""
    center = _center(request, payload.service_center_id, "notice.draft")
    notice = services.notice_create(actor=request.auth, service_center=center, data=_data(payload))
    return Status(201, notice_body(_notice(request, notice.pk)))


@router.get("/notices/approvals", response={200: list[NoticesNoticeOut], **COMMON_ERRORS})
def approval_queue(request: HttpRequest):
    """待本人审批的公告（服务中心经理）/ The manager's approval queue."""
    return [notice_body(n) for n in selectors.approval_queue(user=request.auth)[:100]]


@router.get("/notices/{int:notice_id}", response={200: NoticesNoticeOut, **COMMON_ERRORS})
def get_notice(request: HttpRequest, notice_id: Id):
    """一条公告（含推送给住户的发送统计）/ One notice, with its delivery counts to residents."""
    notice = _notice(request, notice_id)
    return {**notice_body(notice), "resident_deliveries": selectors.delivery_counts(notice)}


@router.put("/notices/{int:notice_id}", response={200: NoticesNoticeOut, **CONFLICT})
def update_notice(request: HttpRequest, notice_id: Id, payload: NoticesNoticeUpdateIn):
    """修改草稿或已退回的公告 / Change a draft or a returned notice."""
    notice = _notice(request, notice_id)
    services.notice_update(
        actor=request.auth, notice=notice, data=_data(payload), expected_version=payload.expected_version
    )
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/submit", response={200: NoticesNoticeOut, **CONFLICT})
def submit_notice(request: HttpRequest, notice_id: Id, payload: NoticesVersionIn):
    """提交经理审批；计划停水停电须在开始前至少 72 小时 / Submit for the manager's approval."""
    services.notice_submit(
        actor=request.auth, notice=_notice(request, notice_id), expected_version=payload.expected_version
    )
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/approve", response={200: NoticesNoticeOut, **CONFLICT})
def approve_notice(request: HttpRequest, notice_id: Id, payload: NoticesVersionIn):
    """经理审批通过；紧急停水停电同时生成控制中心广播任务 / Approve."""
    services.notice_approve(
        actor=request.auth, notice=_notice(request, notice_id), expected_version=payload.expected_version
    )
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/return", response={200: NoticesNoticeOut, **CONFLICT})
def return_notice(request: HttpRequest, notice_id: Id, payload: NoticesReasonIn):
    """退回修改（须填原因）/ Return with a reason."""
    services.notice_return(
        actor=request.auth, notice=_notice(request, notice_id), reason=payload.reason,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/seal", response={200: NoticesNoticeOut, **CONFLICT})
def seal_notice(request: HttpRequest, notice_id: Id, payload: NoticesVersionIn):
    """加盖服务中心业务专用章 / Place the center's seal."""
    services.notice_seal(
        actor=request.auth, notice=_notice(request, notice_id), expected_version=payload.expected_version
    )
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/schedule", response={200: NoticesNoticeOut, **CONFLICT})
def schedule_notice(request: HttpRequest, notice_id: Id, payload: NoticesScheduleIn):
    """安排发布（到时自动发布；不填时间为立即）/ Schedule (or post now)."""
    services.notice_schedule(
        actor=request.auth, notice=_notice(request, notice_id), publish_at=payload.publish_at,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return notice_body(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/withdraw", response={200: NoticesNoticeOut, **CONFLICT})
def withdraw_notice(request: HttpRequest, notice_id: Id, payload: NoticesReasonIn):
    """撤回（须填原因）/ Withdraw with a reason."""
    services.notice_withdraw(
        actor=request.auth, notice=_notice(request, notice_id), reason=payload.reason,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return notice_body(_notice(request, notice_id))


@router.get("/notices/{int:notice_id}/deliveries", response={200: list[NoticesDeliveryOut], **COMMON_ERRORS})
def list_deliveries(request: HttpRequest, notice_id: Id):
    """特殊顾客送达与签收 / Deliveries to special customers."""
    return [delivery_body(d) for d in selectors.deliveries(notice=_notice(request, notice_id))]


def _delivery(request: HttpRequest, delivery_id: int) -> SpecialDelivery:
    found = SpecialDelivery.objects.filter(pk=delivery_id).select_related("notice", "customer").first()
    if found is None or not can(request.auth, "notice.read", found.notice):
        raise Http404(_("送达记录不存在"))
    return found


@router.post("/notices/deliveries/{delivery_id}/deliver", response={200: NoticesDeliveryOut, **CONFLICT})
def record_delivery(request: HttpRequest, delivery_id: Id, payload: NoticesVersionIn):
    """登记已送达特殊顾客 / Record the delivery."""
    found = services.delivery_record(
        actor=request.auth, delivery=_delivery(request, delivery_id), expected_version=payload.expected_version
    )
    return delivery_body(found)


@router.post("/notices/deliveries/{delivery_id}/acknowledge", response={200: NoticesDeliveryOut, **CONFLICT})
def acknowledge_delivery(request: HttpRequest, delivery_id: Id, payload: NoticesDeliveryAckIn):
    """登记特殊顾客签收 / Record who signed for it."""
    found = services.delivery_acknowledge(
        actor=request.auth, delivery=_delivery(request, delivery_id), name=payload.name,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return delivery_body(found)


@router.get("/notices/broadcasts/tasks", response={200: list[NoticesTaskOut], **COMMON_ERRORS})
def list_tasks(request: HttpRequest):
    """控制中心广播任务：未完成在前 / Broadcast tasks, open first."""
    open_tasks, done_tasks = selectors.broadcast_tasks(user=request.auth, limit=50)
    return [task_body(t) for t in [*open_tasks, *done_tasks]]


@router.post("/notices/broadcasts/tasks/{task_id}/done", response={200: NoticesTaskOut, **CONFLICT})
def task_done(request: HttpRequest, task_id: Id, payload: NoticesTaskDoneIn):
    """登记广播完成（时间、方式）/ Record a broadcast done."""
    task = selectors.broadcast_task_get(user=request.auth, pk=task_id)
    if task is None:
        raise Http404(_("广播任务不存在"))
    done = services.broadcast_done(
        actor=request.auth, task=task, methods=list(payload.methods), done_at=payload.done_at, note=payload.note,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return task_body(done)


@router.get("/notices/warnings", response={200: list[NoticesWarningOut], **COMMON_ERRORS})
def list_warnings(request: HttpRequest):
    """天气预警 / Weather warnings."""
    return [warning_body(w) for w in selectors.warning_list(user=request.auth).select_related("service_center")[:100]]


@router.post("/notices/warnings", response={201: NoticesWarningOut, **COMMON_ERRORS})
def enter_warning(request: HttpRequest, payload: NoticesWarningIn):
    """录入预警：按公司规则通知人员、生成广播任务 / Enter a warning; the company's rules act on its level."""
    center = _center(request, payload.service_center_id, "warning.enter")
    warning = services.warning_enter(
        actor=request.auth, service_center=center, hazard=payload.hazard, level=payload.level, headline=payload.headline
    )
    return Status(201, warning_body(warning))


@router.get("/notices/warnings/{warning_id}/acknowledgements", response={200: list[NoticesAckOut], **COMMON_ERRORS})
def list_acknowledgements(request: HttpRequest, warning_id: Id):
    """通知了谁、谁已确认（未确认在前）/ Who was told, who acknowledged."""
    acks = selectors.acknowledgements(warning=_warning(request, warning_id))
    return [
        {"user": user_ref(a.user), "notified_at": a.notified_at, "acknowledged_at": a.acknowledged_at,
         "chase_count": a.chase_count}
        for a in acks
    ]  # fmt: skip


@router.post("/notices/warnings/{warning_id}/acknowledge", response={200: NoticesAckOut, **COMMON_ERRORS})
def acknowledge_warning(request: HttpRequest, warning_id: Id):
    """确认收到预警（一键）/ Acknowledge a warning."""
    ack = services.warning_acknowledge(actor=request.auth, warning=_warning(request, warning_id))
    return {"user": user_ref(ack.user), "notified_at": ack.notified_at, "acknowledged_at": ack.acknowledged_at,
            "chase_count": ack.chase_count}  # fmt: skip


@router.post("/notices/warnings/{warning_id}/decision", response={200: NoticesWarningOut, **CONFLICT})
def decide_warning(request: HttpRequest, warning_id: Id, payload: NoticesDecisionIn):
    """记录是否广播（如二号风球）/ Record whether to broadcast."""
    warning = services.warning_decide(
        actor=request.auth, warning=_warning(request, warning_id), broadcast=payload.broadcast, reason=payload.reason,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return warning_body(warning)


@router.get("/notices/households/{household_id}", response={200: list[NoticesNoticeOut], **COMMON_ERRORS})
def household_notices(request: HttpRequest, household_id: Id):
    """一户住户现在应看到的公告（住户本人或可查看该户的员工）/ The notices a household sees now."""
    household = (
        Household.objects.visible_to(request.auth)
        .select_related("unit__building__community")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404(_("住户不存在或您无权查看"))
    rows = selectors.notices_for_household(household=household).select_related("community", "service_center")
    return [notice_body(n) for n in rows[:50]]
