"""What every dispatch service shares: the row lock with its version check, the one place a status
changes, the history rows, the center's settings and keeping the ticket in step with its work orders."""

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core import texts
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.permissions import can, require
from propdesk.core.texts import Text, t
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import Status as TicketStatus
from propdesk.tickets.models import Ticket

from .. import permissions  # noqa: F401  (declares the dispatch rules)
from ..choices import ALLOWED_TRANSITIONS, EventKind, Status
from ..models import DispatchSettings, RotaEntry, WorkOrder, WorkOrderEvent

TICKET_OPEN = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_VENDOR)


class StaleWorkOrder(StaleVersion):
    """The work order changed since the caller read it (another dispatcher was faster)."""


def settings_for(service_center_id: int) -> DispatchSettings:
    """The center's dispatch settings, or the defaults when none were saved."""
    found = DispatchSettings.objects.filter(service_center_id=service_center_id).first()
    return found or DispatchSettings(service_center_id=service_center_id)


def lock(work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    """The work order re-read under a row lock; a version other than the caller's is refused."""
    locked = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleWorkOrder(
            _("工作单 %(n)s 已被他人处理（%(s)s），请刷新后再操作")
            % {"n": locked.number, "s": locked.get_status_display()},
            code="stale_version",
        )
    return locked


def check_move(wo: WorkOrder, to_status: str) -> None:
    """Refuse a status change the work order's state does not allow (before anything is written)."""
    if to_status not in ALLOWED_TRANSITIONS[wo.status]:
        raise field_error(
            "status",
            _("工作单状态不能从“%(a)s”变为“%(b)s”") % {"a": Status(wo.status).label, "b": Status(to_status).label},
            "illegal_transition",
        )


def move(
    wo: WorkOrder, to_status: str, actor, *, reason: Text | str = "", on_behalf_of=None, kind=EventKind.STATUS, **data
):
    """The only place a work order's status changes. A ``reason`` the system writes is a ``core.texts`` Text,
    stored as msgid + parameters (read in the reader's language); a person's is stored as typed."""
    check_move(wo, to_status)
    from_status = wo.status
    wo.status = to_status
    wo.version = F("version") + 1
    wo.save()
    wo.refresh_from_db()
    WorkOrderEvent.objects.create(
        work_order=wo,
        kind=kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_status=from_status,
        to_status=to_status,
        reason=texts.dumps(reason),
        data=data,
    )
    return wo


def touch(wo: WorkOrder, actor, kind: str, *, reason: Text | str = "", on_behalf_of=None, **data) -> None:
    """Save a change that is not a status change, with its history row."""
    wo.version = F("version") + 1
    wo.save()
    wo.refresh_from_db()
    WorkOrderEvent.objects.create(
        work_order=wo, kind=kind, actor=actor, on_behalf_of=on_behalf_of, reason=texts.dumps(reason), data=data
    )


def acting_for(actor, wo: WorkOrder, on_behalf_of=None):
    """The worker may act on their own job; a dispatcher may act for a worker who cannot use a phone.
    Returns the on-behalf-of user to record (None when acting for oneself)."""
    if on_behalf_of is None and wo.assignee_id == actor.pk and can(actor, "work_order.work", wo):
        return None
    require(actor, "work_order.work_for", wo, _("只有本工作单的维修人员或控制中心可以操作"))
    return wo.assignee if on_behalf_of is None else on_behalf_of


def shift_end(user, at: dt.datetime) -> dt.datetime | None:
    """When the shift ``user`` is on at ``at`` ends (None when they are on no shift)."""
    entry = RotaEntry.objects.filter(user=user, starts_at__lte=at, ends_at__gt=at).order_by("ends_at").first()
    return entry.ends_at if entry else None


def sync_ticket(wo: WorkOrder, actor) -> None:
    """The ticket is resolved when all its work orders are signed off, closed when all are closed."""
    ticket = Ticket.objects.select_for_update().get(pk=wo.ticket_id)
    statuses = set(
        WorkOrder.objects.filter(ticket=ticket).exclude(status=Status.CANCELLED).values_list("status", flat=True)
    )
    if not statuses or not statuses <= {Status.SIGNED_OFF, Status.CLOSED}:
        return
    if ticket.status in TICKET_OPEN:
        ticket = ticket_services.ticket_transition(
            check_permission=False,
            actor=actor,
            ticket=ticket,
            to_status=TicketStatus.RESOLVED,
            reason=t(gettext_noop("工作单已全部完成")),
        )
    if statuses <= {Status.CLOSED} and ticket.status == TicketStatus.RESOLVED:
        ticket_services.ticket_transition(
            check_permission=False,
            actor=actor,
            ticket=ticket,
            to_status=TicketStatus.CLOSED,
            reason=t(gettext_noop("已回访，销单")),
        )
