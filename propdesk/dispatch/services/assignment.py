"""Choosing who does a job and dispatching it (派单, R-WO-1, R-WO-7): eligibility (trade, duty and
reachability, load, shift), the three dispatch modes (direct, grab, round-robin) and re-assignment."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core.errors import field_error
from propdesk.core.permissions import can, require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.org.selectors import away
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import Status as TicketStatus

from ..choices import HOUSEKEEPING_TRADES, DispatchMode, EventKind, Routing, Status
from ..models import DutyStatus, WorkOrder
from ..selectors import active_load, on_shift_ids
from .common import lock, move, settings_for, touch

# Where a job may still be (re-)dispatched: not yet finished on site.
DISPATCHABLE = (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.ON_THE_WAY, Status.ARRIVED)
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


def eligible_staff(*, work_order: WorkOrder, now: dt.datetime | None = None) -> list[dict]:
    """Field staff who could take the job now: a worker role over its community, the right trade, on duty
    and reachable (R-WO-7) — with their load and whether they are on shift; best choice first."""
    now = now or timezone.now()
    community = work_order.community
    center = community.service_center
    wanted_role = Role.HOUSEKEEPER if work_order.trade in HOUSEKEEPING_TRADES else Role.TECHNICIAN
    members = RoleMembership.objects.filter(is_active=True, role=wanted_role).filter(
        Q(community=community.pk)
        | Q(service_center=center.pk)
        | Q(branch=center.branch_id)
        | Q(company=center.branch.company_id)
    )
    # Load and last job per worker as correlated subqueries over their own orders (served by the assignee
    # indexes), not an aggregate joining every order they ever had.
    last_assignment = (
        WorkOrder.objects.filter(assignee=OuterRef("pk"), assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )
    users = list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile", "duty")
        .annotate(load=active_load(), last_assigned=Subquery(last_assignment))
    )
    on_shift = on_shift_ids([user.pk for user in users], now=now)
    gone = away([user.pk for user in users], now=now)
    rows = [_eligibility(user, work_order, now, user.pk in on_shift, gone.get(user.pk)) for user in users]
    rows.sort(key=lambda r: (not r["eligible"], not r["on_shift"], r["load"], r["last_assigned"] or _EPOCH, r["name"]))
    return rows


def _eligibility(user, work_order: WorkOrder, now: dt.datetime, on_shift: bool, absent: dict | None) -> dict:
    profile = getattr(user, "staff_profile", None)
    trades = profile.trades if profile else []
    duty = getattr(user, "duty", None)
    reachable = duty is not None and duty.is_reachable(now)
    trade_ok = not trades or work_order.trade in trades
    return {
        "user": user,
        "name": profile.name if profile else user.get_username(),
        "trades": trades,
        "trade_ok": trade_ok,
        "on_shift": on_shift,
        "reachable": reachable,
        "away_until": duty.away_until if duty else None,
        # On leave or out of the community (the whereabouts board): never offered or assigned.
        "unavailable": absent["reason"] if absent else "",
        "load": user.load,
        "last_assigned": user.last_assigned,
        "eligible": trade_ok and reachable and absent is None,
    }


def _refuse_away(user) -> None:
    """Someone on leave or out of the community is not dispatchable; the reason says why (in the reader's
    language, from the app keeping whereabouts)."""
    absent = away([user.pk]).get(user.pk)
    if absent is not None:
        raise field_error("assignee", absent["reason"], "away")


def suggest(*, work_order: WorkOrder) -> dict | None:
    """The suggested assignee: eligible, on shift, least loaded, longest since their last job."""
    rows = [r for r in eligible_staff(work_order=work_order) if r["eligible"]]
    return rows[0] if rows else None


def round_robin_pick(*, work_order: WorkOrder):
    """Round-robin mode: the eligible worker whose last job is oldest."""
    rows = [r for r in eligible_staff(work_order=work_order) if r["eligible"]]
    if not rows:
        return None
    return min(rows, key=lambda r: (r["last_assigned"] or _EPOCH, r["name"]))["user"]


@transaction.atomic
def work_order_assign(
    *, actor, work_order: WorkOrder, assignee, expected_version: int | None = None, reason: str = ""
) -> WorkOrder:
    """Dispatch (or re-dispatch) to a reachable worker. Two dispatchers racing on the same version: one wins,
    the other gets StaleWorkOrder and nothing changes."""
    wo = lock(work_order, expected_version)
    require(actor, "work_order.dispatch", wo, _("只有控制中心可以派单"))
    if wo.status not in DISPATCHABLE:
        raise field_error(
            "status", _("工作单“%(s)s”，不能再派单") % {"s": wo.get_status_display()}, "illegal_transition"
        )
    if wo.routing == Routing.VENDOR:
        raise field_error("routing", _("外联单位处理的工作单不派给本中心人员"), "vendor")
    if not can(assignee, "work_order.be_assigned", wo):
        raise field_error("assignee", _("该员工不是本小区的维修/家政人员"), "not_worker")
    duty = DutyStatus.objects.filter(user=assignee).first()
    if duty is None or not duty.is_reachable():
        raise field_error("assignee", _("该员工当前不在岗或联系不上，不能派单"), "unreachable")
    _refuse_away(assignee)
    if wo.assignee_id == assignee.pk and wo.status != Status.PENDING:
        return wo
    previous = wo.assignee_id
    now = timezone.now()
    wo.assignee = assignee
    wo.assigned_at = now
    wo.offered = False
    for stamp in ("accepted_at", "on_the_way_at", "arrived_at"):
        setattr(wo, stamp, None)
    move(
        wo,
        Status.ASSIGNED,
        actor,
        reason=reason,
        kind=EventKind.ASSIGNED,
        from_assignee=previous,
        to_assignee=assignee.pk,
    )
    after_dispatch(wo, actor, now)
    notify(
        recipients=[assignee],
        message=Message(
            kind="dispatch.assigned",
            subject=t(gettext_noop("新工作单 %(n)s：%(where)s"), n=wo.number, where=where(wo)),
            body=wo.description[:200],
            url=reverse("dispatch:job", args=[wo.pk]),
            urgent=True,
        ),
        dedupe=f"wo-assigned:{wo.pk}:{wo.version}",
    )
    return wo


def where(wo: WorkOrder) -> str:
    """Where the job is, as the worker's notification says it."""
    place = wo.ticket.place
    return f"{wo.community.name} {place}" if place else wo.community.name


def after_dispatch(wo: WorkOrder, actor, now: dt.datetime) -> None:
    """A job reached a worker: the dispatch clock is met and a new ticket is now in progress."""
    ticket = wo.ticket
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.WORK_DISPATCHED, at=now, work_order=wo)
    if ticket.status == TicketStatus.NEW:
        ticket_services.ticket_transition(
            check_permission=False,
            actor=actor,
            ticket=ticket,
            to_status=TicketStatus.IN_PROGRESS,
            reason=t(gettext_noop("已派单")),
        )


@transaction.atomic
def work_order_offer(*, actor, work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    """Grab mode (抢单): publish the job to every eligible worker; the first to grab it gets it."""
    wo = lock(work_order, expected_version)
    require(actor, "work_order.dispatch", wo, _("只有控制中心可以发布抢单"))
    if wo.status != Status.PENDING:
        raise field_error("status", _("只有待派单的工作单可以发布抢单"), "illegal_transition")
    wo.offered = True
    touch(wo, actor, EventKind.OFFERED)
    workers = [r["user"] for r in eligible_staff(work_order=wo) if r["eligible"]]
    notify(
        recipients=workers,
        message=Message(
            kind="dispatch.offered",
            subject=t(gettext_noop("抢单：%(n)s %(where)s"), n=wo.number, where=where(wo)),
            body=wo.description[:200],
            url=reverse("dispatch:job", args=[wo.pk]),
        ),
        dedupe=f"wo-offer:{wo.pk}:{wo.version}",
    )
    return wo


@transaction.atomic
def work_order_grab(*, actor, work_order: WorkOrder) -> WorkOrder:
    """A worker grabs an offered job; a late grab is refused with a clear message."""
    wo = lock(work_order)
    if wo.status != Status.PENDING or not wo.offered:
        raise field_error("status", _("该工作单已被他人接走"), "taken")
    require(actor, "work_order.grab", wo, _("只有本小区的维修/家政人员可以抢单"))
    duty = DutyStatus.objects.filter(user=actor).first()
    if duty is None or not duty.is_reachable():
        raise field_error("assignee", _("请先上岗并确认对讲机正常，再抢单"), "unreachable")
    _refuse_away(actor)
    now = timezone.now()
    wo.assignee = actor
    wo.assigned_at = now
    wo.accepted_at = now
    wo.offered = False
    move(wo, Status.ACCEPTED, actor, kind=EventKind.ASSIGNED, grabbed=True, to_assignee=actor.pk)
    after_dispatch(wo, actor, now)
    return wo


@transaction.atomic
def work_order_dispatch_auto(*, actor, work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    """Dispatch the way the service center is set up: direct → the suggestion; grab → offer; round-robin."""
    mode = settings_for(work_order.service_center_id).mode
    if mode == DispatchMode.GRAB:
        return work_order_offer(actor=actor, work_order=work_order, expected_version=expected_version)
    pick = round_robin_pick(work_order=work_order) if mode == DispatchMode.ROUND_ROBIN else None
    if pick is None:
        best = suggest(work_order=work_order)
        pick = best["user"] if best else None
    if pick is None:
        raise field_error("assignee", _("当前没有在岗且可联系的合适人员"), "nobody")
    return work_order_assign(actor=actor, work_order=work_order, assignee=pick, expected_version=expected_version)
