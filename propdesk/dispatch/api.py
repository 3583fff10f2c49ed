"""Work-order and dispatch endpoints of the JSON API: everything the dispatch pages do.

Thin: parse, call a selector or a service, shape. Reads are scoped by ``dispatch.selectors`` (and the
work orders' own ``visible_to``), so a work order or a center outside the caller's scope is answered 404 and
a technician sees only their own jobs (and the offers they may grab). Writes are the ``dispatch.services``;
a stale ``expected_version`` is answered 409. This module holds the router, the work orders themselves and
dispatching them; ``api_jobs`` the job's progress and records, ``api_centers`` the board, duty, rota,
housekeeping arrangements, weekly approval and the technician's own jobs.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.communities.models import Vendor
from propdesk.core.permissions import require
from propdesk.tickets.api import Id, page_of, user_ref, visible
from propdesk.tickets.models import Ticket

from . import api_calls, api_centers, api_jobs, services
from .api_common import LIST_RELATED, TAGS, active_user, call, work_order, work_order_body
from .api_schemas import (
    EligibilityOut,
    VersionIn,
    WorkOrderAssignIn,
    WorkOrderCreateIn,
    WorkOrderDetailOut,
    WorkOrderFilters,
    WorkOrderOut,
    WorkOrderPage,
)
from .choices import Routing
from .models import WorkOrder

router = Router(tags=TAGS)
router.add_router("", api_jobs.router)
router.add_router("", api_centers.router)
router.add_router("", api_calls.router)

CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


@router.get("/work-orders", response={200: WorkOrderPage, **COMMON_ERRORS}, summary="工作单列表 / List work orders")
def list_work_orders(request: HttpRequest, filters: Query[WorkOrderFilters]):
    """我可以查看的工作单，按创建时间倒序，分页（``limit`` 最大 100）。维修/家政人员只看到自己的工作单和可抢的单。
    按 ``routing``（及 ``in_followup_register``）筛选即各类登记簿。

    Work orders the caller may see, newest first, paginated (``limit`` at most 100). Field staff see only
    their own jobs and the offers they may grab. Filter by ``routing`` (and ``in_followup_register``) for
    the registers.
    """
    qs = WorkOrder.objects.visible_to(request.auth).select_related(*LIST_RELATED)
    lists = {"status__in": filters.status, "trade__in": filters.trade, "routing__in": filters.routing}
    ids = {
        "assignee_id": filters.assignee_id,
        "community_id": filters.community_id,
        "service_center_id": filters.service_center_id,
        "in_followup_register": filters.in_followup_register,
    }
    qs = qs.filter(**{k: v for k, v in lists.items() if v}, **{k: v for k, v in ids.items() if v is not None})
    return page_of(qs.order_by("-created_at", "-id"), filters.offset, filters.limit)


@router.post("/work-orders", response={201: WorkOrderOut, **CONFLICT}, summary="为工单派工作单 / Create a work order")
def create_work_order(
    request: HttpRequest,
    response: HttpResponse,
    payload: WorkOrderCreateIn,
    idempotency_key: str | None = key_header(),
):
    """为报修或特约服务工单开一张工作单（一张工单可有多个工种）。支持 ``Idempotency-Key``。

    Open a work order for a repair or special-service ticket (one ticket may need several trades).
    Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        user = request.auth
        ticket = visible(Ticket, user, payload.ticket_id, "ticket_id", _("工单不存在或您无权访问"))
        vendor = visible(Vendor, user, payload.vendor_id, "vendor_id", _("记录不存在或您无权查看"))
        wo = services.work_order_create(
            actor=user,
            ticket=ticket,
            trade=payload.trade,
            description=payload.description,
            routing=payload.routing,
            scheduled_start=payload.scheduled_start,
            scheduled_end=payload.scheduled_end,
            vendor=vendor,
        )
        return 201, work_order_body(wo)

    return idempotent(request, response, endpoint="work_orders.create", key=idempotency_key, create=create)


@router.get(
    "/work-orders/{work_order_id}",
    response={200: WorkOrderDetailOut, **COMMON_ERRORS},
    summary="工作单详情 / Get a work order",
)
def get_work_order(request: HttpRequest, work_order_id: Id):
    """一张工作单及其处理记录、材料、照片（元数据）、回访、跟进和工作联系单。

    One work order with its history, materials, photo metadata, return visits, follow-ups and contact sheet.
    """
    return work_order(request, work_order_id)


def _eligible_row(row: dict, slots: list) -> dict:
    fields = ("name", "trades", "trade_ok", "on_shift", "reachable", "away_until", "load", "last_assigned", "eligible")
    return {
        "user": user_ref(row["user"]),
        **{key: row[key] for key in fields},
        "free_slots": [{"start": start, "end": end} for start, end in slots],
    }


@router.get(
    "/work-orders/{work_order_id}/eligible-staff",
    response={200: EligibilityOut, **COMMON_ERRORS},
    summary="可派人员与推荐 / Eligible staff and the suggestion",
)
def eligible_staff(request: HttpRequest, work_order_id: Id):
    """派单面板：本小区该工种的一线人员，在岗、可联系、是否在班、手上工作量，最合适的在前；``suggestion`` 为推荐人选。
    家政类附今天班内的空闲时段。仅控制中心可用。

    The assign panel: field staff of the community and trade — on duty, reachable, on shift, load — best
    first; ``suggestion`` is the suggested assignee. Housekeeping jobs list today's free windows. Dispatchers only.
    """
    wo = work_order(request, work_order_id)
    require(request.auth, "work_order.dispatch", wo, _("只有控制中心可以派单"))
    day = timezone.localdate()
    housekeeping = wo.routing == Routing.HOUSEKEEPING
    staff = [
        _eligible_row(row, services.free_slots(user=row["user"], day=day) if housekeeping and row["eligible"] else [])
        for row in services.eligible_staff(work_order=wo)
    ]
    best = services.suggest(work_order=wo)
    suggestion = next((s for s in staff if best and s["user"]["id"] == best["user"].pk), None)
    return {"mode": services.settings_for(wo.service_center_id).mode, "suggestion": suggestion, "staff": staff}


@router.post(
    "/work-orders/{work_order_id}/assign",
    response={200: WorkOrderOut, **CONFLICT},
    summary="派单 / 改派 · Assign or reassign",
)
def assign_work_order(request: HttpRequest, work_order_id: Id, payload: WorkOrderAssignIn):
    """派给（或改派给）在岗且可联系的本小区维修/家政人员。带上 ``expected_version``：两位调度同时派单时只有一位成功，另一位得到 409。

    Dispatch (or re-dispatch) to a reachable worker of the community. With ``expected_version``, of two
    dispatchers racing on the same version one wins and the other gets a 409.
    """
    wo = work_order(request, work_order_id)
    assignee = active_user(payload.assignee_id, "assignee_id")
    return call(
        services.work_order_assign,
        actor=request.auth,
        work_order=wo,
        assignee=assignee,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )


@router.post(
    "/work-orders/{work_order_id}/auto-dispatch",
    response={200: WorkOrderOut, **CONFLICT},
    summary="按本中心方式自动派单 / Dispatch the center's way",
)
def auto_dispatch_work_order(request: HttpRequest, work_order_id: Id, payload: VersionIn | None = None):
    """按服务中心的派单方式派单：直接派单给推荐人选、发布抢单或轮流派单。

    Dispatch the way the service center is set up: direct to the suggestion, offer for grabbing, or round robin.
    """
    payload = payload or VersionIn()
    wo = work_order(request, work_order_id)
    return call(
        services.work_order_dispatch_auto,
        actor=request.auth,
        work_order=wo,
        expected_version=payload.expected_version,
    )


@router.post(
    "/work-orders/{work_order_id}/offer",
    response={200: WorkOrderOut, **CONFLICT},
    summary="发布抢单 / Offer for grabbing",
)
def offer_work_order(request: HttpRequest, work_order_id: Id, payload: VersionIn | None = None):
    """抢单模式：把待派单的工作单发布给所有可派人员，先抢到者得。

    Grab mode: publish a pending job to every eligible worker; the first to grab it gets it.
    """
    payload = payload or VersionIn()
    wo = work_order(request, work_order_id)
    return call(services.work_order_offer, actor=request.auth, work_order=wo, expected_version=payload.expected_version)


@router.post(
    "/work-orders/{work_order_id}/grab", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="抢单 / Grab an offer"
)
def grab_work_order(request: HttpRequest, work_order_id: Id):
    """维修/家政人员抢单（须已上岗且对讲机正常）；已被他人抢走时返回 400。

    A worker grabs an offered job (checked in, radio working); a late grab is refused with a 400.
    """
    wo = work_order(request, work_order_id)
    return call(services.work_order_grab, actor=request.auth, work_order=wo)
