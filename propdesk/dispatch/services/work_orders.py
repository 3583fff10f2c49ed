"""Work orders coming into being and being cancelled: one per trade of a repair or special-service
ticket, routed by the unit's warranty (R-WO-1, R-WO-5)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Vendor
from propdesk.core.errors import field_error
from propdesk.core.permissions import require
from propdesk.tickets.choices import Kind
from propdesk.tickets.choices import Status as TicketStatus
from propdesk.tickets.models import Ticket

from ..choices import EventKind, Routing, Status, Trade
from ..models import HousekeepingArrangement, WorkOrder, WorkOrderEvent
from .common import lock, move
from .routing import notify_vendor


def warranty_routing(ticket: Ticket, today: dt.date | None = None) -> str:
    """Repairs of a unit still in its housing-quality warranty are the developer's (整改类)."""
    if ticket.kind == Kind.SPECIAL_SERVICE:
        return Routing.HOUSEKEEPING
    today = today or timezone.localdate()
    if ticket.unit_id:
        end = ticket.unit.effective_warranty_end
        if end is not None and end >= today:
            return Routing.RECTIFICATION
    return Routing.ENGINEERING


def _next_number(ticket: Ticket) -> str:
    count = WorkOrder.objects.filter(ticket=ticket).count()
    return f"{ticket.number}-{count + 1}"


def open_work_for_new_ticket(*, ticket: Ticket) -> WorkOrder | None:
    """A new repair or special-service ticket goes straight onto the control center's board (R-WO-1)."""
    if ticket.kind not in (Kind.REPAIR, Kind.SPECIAL_SERVICE):
        return None
    return work_order_create(actor=None, ticket=ticket)


@transaction.atomic
def work_order_create(
    *,
    actor,
    ticket: Ticket,
    trade: str | None = None,
    description: str = "",
    routing: str | None = None,
    scheduled_start: dt.datetime | None = None,
    scheduled_end: dt.datetime | None = None,
    vendor: Vendor | None = None,
    arrangement: HousekeepingArrangement | None = None,
) -> WorkOrder:
    """A work order for a repair or special-service ticket (one ticket may need several trades).
    ``actor=None`` is the system opening work for a new ticket."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("unit__building").get(pk=ticket.pk)
    if ticket.kind not in (Kind.REPAIR, Kind.SPECIAL_SERVICE):
        raise field_error("ticket", _("只有报修和特约服务工单可以派工作单"), "wrong_kind")
    if ticket.status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        raise field_error("ticket", _("已关闭或已撤销的工单不能再派工作单"), "closed")
    if actor is not None:
        where = WorkOrder(ticket=ticket, community_id=ticket.community_id, service_center_id=ticket.service_center_id)
        require(actor, "work_order.create", where, _("您无权为该工单派工作单"))
    trade = trade or (Trade.HOUSEKEEPING if ticket.kind == Kind.SPECIAL_SERVICE else Trade.GENERAL)
    if trade not in Trade.values:
        raise field_error("trade", _("未知的工种：%(v)s") % {"v": trade}, "invalid")
    routing = routing or warranty_routing(ticket)
    if routing not in Routing.values:
        raise field_error("routing", _("未知的处理类别：%(v)s") % {"v": routing}, "invalid")
    if routing == Routing.VENDOR and vendor is None:
        raise field_error("vendor", _("其他类（外联单位）须选择外联单位"), "required")
    if scheduled_start and scheduled_end and scheduled_end <= scheduled_start:
        raise field_error("scheduled_end", _("约定结束时间须晚于开始时间"), "invalid")
    wo = WorkOrder.objects.create(
        ticket=ticket,
        number=_next_number(ticket),
        service_center_id=ticket.service_center_id,
        community_id=ticket.community_id,
        trade=trade,
        routing=routing,
        description=(description or ticket.content).strip()[:5000],
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        vendor=vendor,
        arrangement=arrangement,
        created_by=actor or ticket.received_by,
    )
    WorkOrderEvent.objects.create(
        work_order=wo,
        kind=EventKind.CREATED,
        actor=actor,
        to_status=wo.status,
        data={"trade": trade, "routing": routing},
    )
    if routing == Routing.VENDOR:
        notify_vendor(wo, actor)
    return wo


@transaction.atomic
def work_order_cancel(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    """Cancel a work order that is no longer needed (with the reason)."""
    wo = lock(work_order)
    require(actor, "work_order.cancel", wo, _("只有控制中心可以取消工作单"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写取消原因"), "required")
    wo.offered = False
    return move(wo, Status.CANCELLED, actor, reason=reason)
