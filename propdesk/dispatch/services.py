"""Every write of dispatch: work orders through their life, duty and reachability, shifts, housekeeping
arrangements, return visits, contact sheets, vendor chasing, follow-ups and the weekly approval.

Each work-order service locks the row, checks the state machine and the version the caller saw, writes,
appends a WorkOrderEvent and tells the SLA engine (R-WO-1 … R-WO-7)."""

import base64
import binascii
import datetime as dt
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Household, Vendor
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.scoping import get_scope
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import Kind
from propdesk.tickets.choices import Status as TicketStatus
from propdesk.tickets.models import Ticket

from .choices import (
    ACTIVE_WORK,
    ALLOWED_TRANSITIONS,
    HOUSEKEEPING_TRADES,
    OPEN_STATUSES,
    ContactSheetStep,
    DispatchMode,
    DutyEventKind,
    EventKind,
    ReturnVisitPolicy,
    Routing,
    Status,
    Trade,
)
from .models import (
    ContactSheet,
    DispatchSettings,
    DutyEvent,
    DutyStatus,
    FollowUp,
    HousekeepingArrangement,
    Material,
    Photo,
    ReturnVisit,
    RotaEntry,
    WeeklyApproval,
    WorkOrder,
    WorkOrderEvent,
)

WORKER_ROLES = frozenset({Role.TECHNICIAN, Role.HOUSEKEEPER})
DISPATCH_ROLES = frozenset(
    {
        Role.CONTROL_OPERATOR,
        Role.RECEPTIONIST,
        Role.CS_SUPERVISOR,
        Role.CENTER_MANAGER,
        Role.REPAIR_MANAGER,
        Role.DEPARTMENT_MANAGER,
    }
)
SIGNATURE_MAX_BYTES = 512 * 1024


class StaleWorkOrder(ValidationError):
    """The work order changed since the caller read it (another dispatcher was faster)."""


# ----------------------------------------------------------------------------- helpers


def settings_for(service_center_id: int) -> DispatchSettings:
    found = DispatchSettings.objects.filter(service_center_id=service_center_id).first()
    return found or DispatchSettings(service_center_id=service_center_id)


def is_dispatcher(user, community_id: int) -> bool:
    scope = get_scope(user)
    return scope.unrestricted or bool(DISPATCH_ROLES & scope.roles_in_community(community_id))


def _lock(work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    locked = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleWorkOrder(
            _("工作单 %(n)s 已被他人处理（%(s)s），请刷新后再操作")
            % {"n": locked.number, "s": locked.get_status_display()},
            code="stale_version",
        )
    return locked


def _move(wo: WorkOrder, to_status: str, actor, *, reason: str = "", on_behalf_of=None, kind=EventKind.STATUS, **data):
    """The only place a work order's status changes."""
    if to_status not in ALLOWED_TRANSITIONS[wo.status]:
        raise field_error(
            "status",
            _("工作单状态不能从“%(a)s”变为“%(b)s”") % {"a": Status(wo.status).label, "b": Status(to_status).label},
            "illegal_transition",
        )
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
        reason=reason,
        data=data,
    )
    return wo


def _touch(wo: WorkOrder, actor, kind: str, *, reason: str = "", on_behalf_of=None, **data) -> None:
    wo.version = F("version") + 1
    wo.save()
    wo.refresh_from_db()
    WorkOrderEvent.objects.create(
        work_order=wo, kind=kind, actor=actor, on_behalf_of=on_behalf_of, reason=reason, data=data
    )


def _acting_for(actor, wo: WorkOrder, on_behalf_of=None):
    """The worker may act on their own job; a dispatcher may act for a worker who cannot use a phone.
    Returns the on-behalf-of user to record (None when acting for oneself)."""
    if wo.assignee_id == actor.pk and on_behalf_of is None:
        return None
    if is_dispatcher(actor, wo.community_id):
        return wo.assignee if on_behalf_of is None else on_behalf_of
    raise PermissionDenied(_("只有本工作单的维修人员或控制中心可以操作"))


def _worker_ok(user, community_id: int) -> bool:
    scope = get_scope(user)
    return bool(WORKER_ROLES & scope.roles_in_community(community_id))


def _shift_end(user, at: dt.datetime) -> dt.datetime | None:
    entry = RotaEntry.objects.filter(user=user, starts_at__lte=at, ends_at__gt=at).order_by("ends_at").first()
    return entry.ends_at if entry else None


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


# ----------------------------------------------------------------------------- creation


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
    """A work order for a repair or special-service ticket (one ticket may need several trades)."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("unit__building").get(pk=ticket.pk)
    if ticket.kind not in (Kind.REPAIR, Kind.SPECIAL_SERVICE):
        raise field_error("ticket", _("只有报修和特约服务工单可以派工作单"), "wrong_kind")
    if ticket.status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        raise field_error("ticket", _("已关闭或已撤销的工单不能再派工作单"), "closed")
    if actor is not None and not is_dispatcher(actor, ticket.community_id) and ticket.received_by_id != actor.pk:
        raise PermissionDenied(_("您无权为该工单派工作单"))
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
        _notify_vendor(wo, actor)
    return wo


def _notify_vendor(wo: WorkOrder, actor) -> None:
    """The external unit is told (by the control center, recorded) and its promised time becomes the deadline."""
    now = timezone.now()
    wo.vendor_notified_at = now
    wo.vendor_due_at = now + dt.timedelta(hours=wo.vendor.promised_response_hours)
    _touch(
        wo,
        actor,
        EventKind.VENDOR,
        reason=_("已通知外联单位 %(v)s，承诺 %(h)s 小时内处理")
        % {"v": wo.vendor.name, "h": wo.vendor.promised_response_hours},
        vendor=wo.vendor_id,
        due=wo.vendor_due_at.isoformat(),
    )


# ----------------------------------------------------------------------------- eligibility


def eligible_staff(*, work_order: WorkOrder, now: dt.datetime | None = None) -> list[dict]:
    """Field staff who could take the job now: a worker role over its community, the right trade, on duty
    and reachable (R-WO-7) — with their load and whether they are on shift; best choice first."""
    from django.contrib.auth import get_user_model

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
    users = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile", "duty")
        .annotate(
            load=Count("work_orders", filter=Q(work_orders__status__in=ACTIVE_WORK)),
            last_assigned=Max("work_orders__assigned_at"),
        )
    )
    on_shift = set(
        RotaEntry.objects.filter(starts_at__lte=now, ends_at__gt=now, user__in=users).values_list("user_id", flat=True)
    )
    rows = []
    for user in users:
        profile = getattr(user, "staff_profile", None)
        trades = profile.trades if profile else []
        duty = getattr(user, "duty", None)
        reachable = duty is not None and duty.is_reachable(now)
        trade_ok = not trades or work_order.trade in trades
        rows.append(
            {
                "user": user,
                "name": profile.name if profile else user.get_username(),
                "trades": trades,
                "trade_ok": trade_ok,
                "on_shift": user.pk in on_shift,
                "reachable": reachable,
                "away_until": duty.away_until if duty else None,
                "load": user.load,
                "last_assigned": user.last_assigned,
                "eligible": trade_ok and reachable,
            }
        )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (not r["eligible"], not r["on_shift"], r["load"], r["last_assigned"] or epoch, r["name"]))
    return rows


def suggest(*, work_order: WorkOrder) -> dict | None:
    """The suggested assignee: eligible, on shift, least loaded, longest since their last job."""
    rows = [r for r in eligible_staff(work_order=work_order) if r["eligible"]]
    return rows[0] if rows else None


# ----------------------------------------------------------------------------- dispatch


@transaction.atomic
def work_order_assign(
    *, actor, work_order: WorkOrder, assignee, expected_version: int | None = None, reason: str = ""
) -> WorkOrder:
    """Dispatch (or re-dispatch) to a reachable worker. Two dispatchers racing on the same version: one wins,
    the other gets StaleWorkOrder and nothing changes."""
    wo = _lock(work_order, expected_version)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("只有控制中心可以派单"))
    if wo.status not in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.ON_THE_WAY, Status.ARRIVED):
        raise field_error(
            "status", _("工作单“%(s)s”，不能再派单") % {"s": wo.get_status_display()}, "illegal_transition"
        )
    if wo.routing == Routing.VENDOR:
        raise field_error("routing", _("外联单位处理的工作单不派给本中心人员"), "vendor")
    if not _worker_ok(assignee, wo.community_id):
        raise field_error("assignee", _("该员工不是本小区的维修/家政人员"), "not_worker")
    duty = DutyStatus.objects.filter(user=assignee).first()
    if duty is None or not duty.is_reachable():
        raise field_error("assignee", _("该员工当前不在岗或联系不上，不能派单"), "unreachable")
    if wo.assignee_id == assignee.pk and wo.status != Status.PENDING:
        return wo
    previous = wo.assignee_id
    now = timezone.now()
    wo.assignee = assignee
    wo.assigned_at = now
    wo.offered = False
    for stamp in ("accepted_at", "on_the_way_at", "arrived_at"):
        setattr(wo, stamp, None)
    _move(
        wo,
        Status.ASSIGNED,
        actor,
        reason=reason,
        kind=EventKind.ASSIGNED,
        from_assignee=previous,
        to_assignee=assignee.pk,
    )
    _after_dispatch(wo, actor, now)
    notify(
        recipients=[assignee],
        message=Message(
            kind="dispatch.assigned",
            subject=_("新工作单 %(n)s：%(where)s") % {"n": wo.number, "where": _where(wo)},
            body=wo.description[:200],
            url=reverse("dispatch:job", args=[wo.pk]),
            urgent=True,
        ),
        dedupe=f"wo-assigned:{wo.pk}:{wo.version}",
    )
    return wo


def _where(wo: WorkOrder) -> str:
    unit = wo.ticket.unit
    return f"{wo.community.name} {unit.label}" if unit else wo.community.name


def _after_dispatch(wo: WorkOrder, actor, now: dt.datetime) -> None:
    ticket = wo.ticket
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.WORK_DISPATCHED, at=now, work_order=wo)
    if ticket.status == TicketStatus.NEW:
        ticket_services.ticket_transition(
            check_permission=False, actor=actor, ticket=ticket, to_status=TicketStatus.IN_PROGRESS, reason=_("已派单")
        )


@transaction.atomic
def work_order_offer(*, actor, work_order: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    """Grab mode (抢单): publish the job to every eligible worker; the first to grab it gets it."""
    wo = _lock(work_order, expected_version)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("只有控制中心可以发布抢单"))
    if wo.status != Status.PENDING:
        raise field_error("status", _("只有待派单的工作单可以发布抢单"), "illegal_transition")
    wo.offered = True
    _touch(wo, actor, EventKind.OFFERED)
    workers = [r["user"] for r in eligible_staff(work_order=wo) if r["eligible"]]
    notify(
        recipients=workers,
        message=Message(
            kind="dispatch.offered",
            subject=_("抢单：%(n)s %(where)s") % {"n": wo.number, "where": _where(wo)},
            body=wo.description[:200],
            url=reverse("dispatch:job", args=[wo.pk]),
        ),
        dedupe=f"wo-offer:{wo.pk}:{wo.version}",
    )
    return wo


@transaction.atomic
def work_order_grab(*, actor, work_order: WorkOrder) -> WorkOrder:
    """A worker grabs an offered job; a late grab is refused with a clear message."""
    wo = _lock(work_order)
    if wo.status != Status.PENDING or not wo.offered:
        raise field_error("status", _("该工作单已被他人接走"), "taken")
    if not _worker_ok(actor, wo.community_id):
        raise PermissionDenied(_("只有本小区的维修/家政人员可以抢单"))
    duty = DutyStatus.objects.filter(user=actor).first()
    if duty is None or not duty.is_reachable():
        raise field_error("assignee", _("请先上岗并确认对讲机正常，再抢单"), "unreachable")
    now = timezone.now()
    wo.assignee = actor
    wo.assigned_at = now
    wo.accepted_at = now
    wo.offered = False
    _move(wo, Status.ACCEPTED, actor, kind=EventKind.ASSIGNED, grabbed=True, to_assignee=actor.pk)
    _after_dispatch(wo, actor, now)
    return wo


def round_robin_pick(*, work_order: WorkOrder):
    """Round-robin mode: the eligible worker whose last job is oldest."""
    rows = [r for r in eligible_staff(work_order=work_order) if r["eligible"]]
    if not rows:
        return None
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(rows, key=lambda r: (r["last_assigned"] or epoch, r["name"]))["user"]


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


@transaction.atomic
def work_order_decline(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    """The worker declines (with a reason): the job goes back to the board."""
    wo = _lock(work_order)
    on_behalf_of = _acting_for(actor, wo)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写拒单原因"), "required")
    if wo.status not in (Status.ASSIGNED, Status.ACCEPTED, Status.ON_THE_WAY):
        raise field_error("status", _("当前状态不能拒单"), "illegal_transition")
    previous = wo.assignee
    wo.assignee = None
    _move(
        wo,
        Status.PENDING,
        actor,
        reason=reason,
        on_behalf_of=on_behalf_of,
        kind=EventKind.DECLINED,
        from_assignee=previous.pk,
    )
    control = RoleMembership.objects.filter(is_active=True, role=Role.CONTROL_OPERATOR).filter(
        Q(service_center=wo.service_center_id) | Q(community=wo.community_id)
    )
    from django.contrib.auth import get_user_model

    notify(
        recipients=list(get_user_model().objects.filter(pk__in=control.values("user"))),
        message=Message(
            kind="dispatch.declined",
            subject=_("%(who)s 拒单 %(n)s：%(r)s") % {"who": previous, "n": wo.number, "r": reason},
            url=reverse("dispatch:board"),
            urgent=True,
        ),
        dedupe=f"wo-declined:{wo.pk}:{wo.version}",
    )
    return wo


PROGRESS = {
    Status.ACCEPTED: "accepted_at",
    Status.ON_THE_WAY: "on_the_way_at",
    Status.ARRIVED: "arrived_at",
}


@transaction.atomic
def work_order_progress(
    *, actor, work_order: WorkOrder, to_status: str, on_behalf_of=None, expected_version: int | None = None
) -> WorkOrder:
    """Accept / on the way / arrived — by the worker, or by a dispatcher for them (both recorded)."""
    wo = _lock(work_order, expected_version)
    behalf = _acting_for(actor, wo, on_behalf_of)
    if to_status not in PROGRESS:
        raise field_error("status", _("未知的进度：%(v)s") % {"v": to_status}, "invalid")
    setattr(wo, PROGRESS[to_status], timezone.now())
    return _move(wo, to_status, actor, on_behalf_of=behalf)


def _signature_file(data_url: str, number: str) -> ContentFile:
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise field_error("signature", _("签名格式不正确"), "invalid")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise field_error("signature", _("签名格式不正确"), "invalid") from exc
    if len(raw) > SIGNATURE_MAX_BYTES or sniff_type(raw[:16], "s.png") != "image/png":
        raise field_error("signature", _("签名格式不正确"), "invalid")
    return ContentFile(raw, name=f"{number}.png")


@transaction.atomic
def work_order_finish(
    *,
    actor,
    work_order: WorkOrder,
    result: str,
    signature: str = "",
    customer_absent_reason: str = "",
    rating: int | None = None,
    on_behalf_of=None,
    expected_version: int | None = None,
) -> WorkOrder:
    """Work finished on site: the result, and the customer's confirmation (a drawn signature) or why the
    customer could not confirm. Starts the 10-minute completion-report clock (R-WO-2)."""
    wo = _lock(work_order, expected_version)
    behalf = _acting_for(actor, wo, on_behalf_of)
    result = (result or "").strip()
    if not result:
        raise field_error("result", _("请填写处理结果"), "required")
    absent = (customer_absent_reason or "").strip()
    if not signature and not absent:
        raise field_error("signature", _("请客户在屏幕上签名确认，或填写客户不在场的原因"), "required")
    if rating is not None and not 1 <= rating <= 5:
        raise field_error("rating", _("评价应为 1 到 5"), "invalid")
    if signature:
        wo.signature.save(f"{wo.number}.png", _signature_file(signature, wo.number), save=False)
        wo.customer_confirmed = True
    else:
        wo.customer_confirmed = False
        wo.customer_absent_reason = absent[:200]
    wo.result = result[:5000]
    wo.customer_rating = rating
    now = timezone.now()
    wo.finished_at = now
    if wo.accepted_at is None:
        wo.accepted_at = now
    _move(wo, Status.FINISHED, actor, on_behalf_of=behalf, confirmed=bool(signature), rating=rating)
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.WORK_FINISHED, at=now, work_order=wo)
    return wo


@transaction.atomic
def work_order_report(*, actor, work_order: WorkOrder, on_behalf_of=None) -> WorkOrder:
    """Completion reported to the control center (R-WO-2); the end-of-shift sign-off clock starts."""
    wo = _lock(work_order)
    behalf = _acting_for(actor, wo, on_behalf_of)
    now = timezone.now()
    wo.reported_at = now
    _move(wo, Status.REPORTED, actor, on_behalf_of=behalf)
    sla.on_ticket_event(
        ticket=wo.ticket, trigger=Trigger.WORK_REPORTED, at=now, work_order=wo, due_at=_shift_end(wo.assignee, now)
    )
    return wo


def _needs_return_visit(wo: WorkOrder) -> tuple[bool, str]:
    if wo.trade in HOUSEKEEPING_TRADES or wo.routing == Routing.HOUSEKEEPING:
        return True, ""
    config = settings_for(wo.service_center_id)
    if config.return_visit_policy == ReturnVisitPolicy.SKIP_IF_RATED and wo.customer_rating is not None:
        return False, _("客户已现场评价 %(r)s 分，按规则免回访") % {"r": wo.customer_rating}
    # A sample is deterministic per work order, so the decision can be re-derived and audited.
    sampled_out = random.Random(wo.pk).randrange(100) >= config.sample_percent  # noqa: S311 (sampling, not security)
    if config.return_visit_policy == ReturnVisitPolicy.SAMPLE and sampled_out:
        return False, _("按 %(p)s%% 抽样规则未抽中，免回访") % {"p": config.sample_percent}
    return True, ""


@transaction.atomic
def work_order_sign_off(*, actor, work_orders: list[WorkOrder], on_behalf_of=None) -> list[WorkOrder]:
    """End-of-shift sign-off at the center (R-WO-2) of reported jobs; then the return visit, or closing
    when the center's policy exempts the job."""
    done = []
    for work_order in sorted(work_orders, key=lambda w: w.pk):
        wo = _lock(work_order)
        behalf = _acting_for(actor, wo, on_behalf_of)
        now = timezone.now()
        wo.signed_off_at = now
        required, note = _needs_return_visit(wo)
        wo.return_visit_required = required
        wo.return_visit_note = note
        _move(wo, Status.SIGNED_OFF, actor, on_behalf_of=behalf, return_visit_required=required)
        sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.WORK_SIGNED_OFF, at=now, work_order=wo)
        if not required:
            wo.closed_at = now
            _move(wo, Status.CLOSED, actor, reason=note)
        _sync_ticket(wo, actor)
        done.append(wo)
    return done


def _sync_ticket(wo: WorkOrder, actor) -> None:
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
            reason=_("工作单已全部完成"),
        )
    if statuses <= {Status.CLOSED} and ticket.status == TicketStatus.RESOLVED:
        ticket_services.ticket_transition(
            check_permission=False, actor=actor, ticket=ticket, to_status=TicketStatus.CLOSED, reason=_("已回访，销单")
        )


TICKET_OPEN = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_VENDOR)


@transaction.atomic
def return_visit_record(
    *,
    actor,
    work_order: WorkOrder,
    reached: bool,
    quality: int | None = None,
    on_time: bool | None = None,
    minutes_late: int | None = None,
    comments: str = "",
) -> ReturnVisit:
    """Record a return visit (R-WO-3). Satisfied → the order is closed (销单); dissatisfied → reopened for
    dispatch and the supervisor told; unreachable → retried up to the center's limit, then closed with a note."""
    wo = _lock(work_order)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("只有控制中心或客服可以回访"))
    if wo.status != Status.SIGNED_OFF:
        raise field_error("status", _("工作单签认后才能回访"), "illegal_transition")
    if reached:
        if quality is None or not 1 <= quality <= 5:
            raise field_error("quality", _("请选择服务质量评分（1–5）"), "required")
        if on_time is None:
            raise field_error("on_time", _("请选择是否准时"), "required")
        if on_time is False and (minutes_late is None or minutes_late <= 0):
            raise field_error("minutes_late", _("请填写迟到的分钟数"), "required")
    visit = ReturnVisit.objects.create(
        work_order=wo,
        by=actor,
        reached=reached,
        quality=quality if reached else None,
        on_time=on_time if reached else None,
        minutes_late=minutes_late if reached and on_time is False else None,
        comments=(comments or "").strip()[:2000],
    )
    now = timezone.now()
    if not reached:
        attempts = wo.return_visits.filter(reached=False).count()
        limit = settings_for(wo.service_center_id).max_visit_attempts
        if attempts >= limit:
            wo.closed_at = now
            _move(
                wo,
                Status.CLOSED,
                actor,
                kind=EventKind.RETURN_VISIT,
                reason=_("回访 %(n)s 次均未联系上客户，销单") % {"n": attempts},
                visit=visit.pk,
            )
            sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.RETURN_VISITED, at=now, work_order=wo)
            _sync_ticket(wo, actor)
        else:
            _touch(
                wo, actor, EventKind.RETURN_VISIT, reason=_("第 %(n)s 次回访未联系上") % {"n": attempts}, visit=visit.pk
            )
        return visit
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.RETURN_VISITED, at=now, work_order=wo)
    ticket_services.ticket_reply(
        actor=actor,
        ticket=wo.ticket,
        method="phone",
        content=_("回访：服务质量 %(q)s 分，%(t)s")
        % {"q": quality, "t": _("准时") if on_time else _("迟到 %(m)s 分钟") % {"m": minutes_late}},
        customer_opinion=visit.comments,
        satisfied=visit.satisfied,
    )
    if visit.satisfied:
        wo.closed_at = now
        _move(wo, Status.CLOSED, actor, kind=EventKind.RETURN_VISIT, visit=visit.pk, quality=quality)
        _sync_ticket(wo, actor)
    else:
        wo.assignee = None
        _move(
            wo,
            Status.PENDING,
            actor,
            kind=EventKind.RETURN_VISIT,
            reason=_("回访不满意，重新派单"),
            visit=visit.pk,
            quality=quality,
        )
        notify(
            recipients=sla.recipients_for(wo.ticket, ["supervisor"]),
            message=Message(
                kind="dispatch.dissatisfied",
                subject=_("回访不满意：%(n)s（%(q)s 分）") % {"n": wo.number, "q": quality},
                body=visit.comments,
                url=reverse("tickets:detail", args=[wo.ticket_id]),
                urgent=True,
            ),
            dedupe=f"wo-unhappy:{visit.pk}",
        )
    return visit


@transaction.atomic
def work_order_close(*, actor, work_order: WorkOrder, reason: str = "") -> WorkOrder:
    """Close (销单) a signed-off order: only when its return visit is done or the policy exempts it."""
    wo = _lock(work_order)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("只有控制中心可以销单"))
    if wo.status != Status.SIGNED_OFF:
        raise field_error("status", _("签认后才能销单"), "illegal_transition")
    if wo.return_visit_required and not wo.return_visits.filter(reached=True).exists():
        raise field_error("status", _("该工作单须先回访才能销单"), "visit_required")
    wo.closed_at = timezone.now()
    _move(wo, Status.CLOSED, actor, reason=reason)
    _sync_ticket(wo, actor)
    return wo


@transaction.atomic
def work_order_cancel(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    wo = _lock(work_order)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("只有控制中心可以取消工作单"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写取消原因"), "required")
    wo.offered = False
    return _move(wo, Status.CANCELLED, actor, reason=reason)


@transaction.atomic
def material_add(*, actor, work_order: WorkOrder, name: str, quantity, unit: str = "") -> Material:
    wo = _lock(work_order)
    behalf = _acting_for(actor, wo)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("请填写材料名称"), "required")
    try:
        from decimal import Decimal, InvalidOperation

        quantity = Decimal(str(quantity))
        if quantity <= 0 or quantity >= 100000:
            raise InvalidOperation
    except (InvalidOperation, ValueError) as exc:
        raise field_error("quantity", _("数量应为大于 0 的数字"), "invalid") from exc
    material = Material.objects.create(
        work_order=wo, name=name[:100], quantity=quantity, unit=(unit or "")[:10], recorded_by=actor
    )
    _touch(
        wo,
        actor,
        EventKind.MATERIAL,
        on_behalf_of=behalf,
        material=material.pk,
        name=material.name,
        quantity=str(quantity),
    )
    return material


@transaction.atomic
def photo_add(*, actor, work_order: WorkOrder, stage: str, upload) -> Photo:
    from django.conf import settings

    wo = _lock(work_order)
    behalf = _acting_for(actor, wo)
    if stage not in Photo.Stage.values:
        raise field_error("stage", _("未知的照片阶段"), "invalid")
    if upload.size == 0 or upload.size > settings.PROPDESK_ATTACHMENT_MAX_BYTES:
        raise field_error("file", _("照片为空或过大"), "size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_type(head, upload.name or "")
    if content_type is None or not content_type.startswith("image/"):
        raise field_error("file", _("只能上传照片（JPG、PNG、GIF、WebP、HEIC）"), "invalid_type")
    photo = Photo(work_order=wo, stage=stage, content_type=content_type, uploaded_by=actor)
    photo.file.save(upload.name.rsplit("/", 1)[-1][:100], upload, save=False)
    photo.save()
    _touch(wo, actor, EventKind.PHOTO, on_behalf_of=behalf, photo=photo.pk, stage=stage)
    return photo


# ----------------------------------------------------------------------------- routing classes


@transaction.atomic
def contact_sheet_advance(
    *, actor, work_order: WorkOrder, step: str, content: str = "", signer_name: str = "", scan=None
) -> ContactSheet:
    """The warranty work contact sheet (工作联系单) step by step: drafted → manager signed → developer
    received → developer done; each step with who and when. The developer's signatures are recorded by
    staff (with the name of the developer's signer and, ideally, a scan)."""
    wo = _lock(work_order)
    if wo.routing != Routing.RECTIFICATION:
        raise field_error("routing", _("只有整改类工作单使用工作联系单"), "wrong_routing")
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("您无权处理工作联系单"))
    scope = get_scope(actor)
    now = timezone.now()
    sheet = ContactSheet.objects.filter(work_order=wo).first()
    if step == ContactSheetStep.DRAFTED:
        if sheet is not None:
            raise field_error("step", _("工作联系单已填写"), "exists")
        developer = wo.ticket.unit.building.developer if wo.ticket.unit_id else wo.community.developer
        developer = developer or wo.community.developer
        if developer is None:
            raise field_error("step", _("该楼栋未登记开发商，无法填写工作联系单"), "no_developer")
        content = (content or "").strip()
        if not content:
            raise field_error("content", _("请填写整改内容"), "required")
        sheet = ContactSheet.objects.create(work_order=wo, developer=developer, content=content, drafted_by=actor)
    else:
        if sheet is None:
            raise field_error("step", _("请先填写工作联系单"), "missing")
        order = [s for s, _label in ContactSheetStep.choices]
        if order.index(step) != order.index(sheet.step) + 1:
            raise field_error(
                "step", _("工作联系单须按顺序办理，当前：%(s)s") % {"s": sheet.get_step_display()}, "out_of_order"
            )
        if step == ContactSheetStep.MANAGER_SIGNED:
            if not (scope.unrestricted or Role.CENTER_MANAGER in scope.roles_in_community(wo.community_id)):
                raise PermissionDenied(_("工作联系单须由服务中心经理核实签字"))
            sheet.manager_signed_by, sheet.manager_signed_at = actor, now
        else:
            signer_name = (signer_name or "").strip()
            if not signer_name:
                raise field_error("signer_name", _("请填写开发商签字人姓名"), "required")
            if step == ContactSheetStep.DEVELOPER_RECEIVED:
                sheet.received_by_name, sheet.received_at, sheet.received_recorded_by = signer_name[:50], now, actor
            else:
                sheet.done_by_name, sheet.done_at, sheet.done_recorded_by = signer_name[:50], now, actor
        if scan is not None:
            sheet.scan.save(scan.name.rsplit("/", 1)[-1][:100], scan, save=False)
        sheet.step = step
        sheet.save()
    _touch(wo, actor, EventKind.CONTACT_SHEET, reason=ContactSheetStep(step).label, step=step, signer=signer_name)
    if step == ContactSheetStep.DEVELOPER_DONE and wo.status in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED):
        wo.finished_at = now
        wo.result = wo.result or _("开发商已整改完成（%(who)s 签字）") % {"who": signer_name}
        wo.customer_confirmed = False
        wo.customer_absent_reason = _("开发商整改")
        if wo.status == Status.PENDING:
            _move(wo, Status.ACCEPTED, actor)
        _move(wo, Status.FINISHED, actor)
        wo.reported_at = timezone.now()
        _move(wo, Status.REPORTED, actor)
    return sheet


@transaction.atomic
def vendor_record_result(*, actor, work_order: WorkOrder, result: str) -> WorkOrder:
    """The external unit came and did the job: record it; the customer is then answered and visited."""
    wo = _lock(work_order)
    if wo.routing != Routing.VENDOR:
        raise field_error("routing", _("只有外联单位处理的工作单可以登记外联结果"), "wrong_routing")
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("您无权登记外联结果"))
    result = (result or "").strip()
    if not result:
        raise field_error("result", _("请填写处理结果"), "required")
    now = timezone.now()
    wo.result = result[:5000]
    wo.finished_at = now
    wo.customer_confirmed = False
    wo.customer_absent_reason = _("外联单位处理")
    if wo.status == Status.PENDING:
        _move(wo, Status.ACCEPTED, actor)
    _move(wo, Status.FINISHED, actor, vendor=wo.vendor_id)
    wo.reported_at = now
    return _move(wo, Status.REPORTED, actor)


def chase_overdue_vendors(*, now: dt.datetime | None = None) -> int:
    """Vendors past their promised time are chased (the control center is told; repeated every 4 h)."""
    now = now or timezone.now()
    chased = 0
    overdue = WorkOrder.objects.filter(
        routing=Routing.VENDOR, vendor_due_at__lt=now, finished_at__isnull=True, status__in=OPEN_STATUSES
    ).filter(Q(vendor_chased_at__isnull=True) | Q(vendor_chased_at__lt=now - dt.timedelta(hours=4)))
    for wo in overdue.select_related("vendor", "ticket__service_center__branch", "community"):
        with transaction.atomic():
            locked = _lock(wo)
            locked.vendor_chased_at = now
            _touch(
                locked, None, EventKind.VENDOR, reason=_("外联单位 %(v)s 已超过承诺时间，催办") % {"v": wo.vendor.name}
            )
            notify(
                recipients=sla.recipients_for(wo.ticket, ["control", "owner"]),
                message=Message(
                    kind="dispatch.vendor_overdue",
                    subject=_("请催办外联单位 %(v)s（%(p)s）：%(n)s")
                    % {"v": wo.vendor.name, "p": wo.vendor.phone, "n": wo.number},
                    url=reverse("dispatch:work_order", args=[wo.pk]),
                    urgent=True,
                ),
                dedupe=f"vendor-chase:{wo.pk}:{now:%Y%m%d%H}",
            )
        chased += 1
    return chased


@transaction.atomic
def follow_up_plan(*, actor, work_order: WorkOrder, due_at: dt.datetime, note: str) -> FollowUp:
    wo = _lock(work_order)
    if not is_dispatcher(actor, wo.community_id):
        raise PermissionDenied(_("您无权安排跟进"))
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写跟进事项"), "required")
    if due_at <= timezone.now():
        raise field_error("due_at", _("计划跟进时间须晚于现在"), "past")
    follow_up = FollowUp.objects.create(work_order=wo, due_at=due_at, note=note[:200])
    _touch(wo, actor, EventKind.FOLLOW_UP, reason=note, due=due_at.isoformat())
    return follow_up


@transaction.atomic
def follow_up_done(*, actor, follow_up: FollowUp, outcome: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("work_order").get(pk=follow_up.pk)
    if not is_dispatcher(actor, follow_up.work_order.community_id):
        raise PermissionDenied(_("您无权登记跟进"))
    if follow_up.done_at:
        raise field_error("follow_up", _("该跟进已完成"), "done")
    outcome = (outcome or "").strip()
    if not outcome:
        raise field_error("outcome", _("请填写跟进结果"), "required")
    follow_up.done_at, follow_up.done_by, follow_up.outcome = timezone.now(), actor, outcome[:200]
    follow_up.save()
    _touch(follow_up.work_order, actor, EventKind.FOLLOW_UP, reason=outcome, follow_up=follow_up.pk)
    return follow_up


ENGINEERING_OVERDUE = dt.timedelta(hours=48)


def mark_overdue_engineering(*, now: dt.datetime | None = None) -> int:
    """Engineering orders not finished within 48 h (or past their agreed end) move into the engineering
    follow-up register (分类处理记录-工程类)."""
    now = now or timezone.now()
    overdue = WorkOrder.objects.filter(
        routing=Routing.ENGINEERING,
        in_followup_register=False,
        finished_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).filter(Q(scheduled_end__lt=now) | Q(scheduled_end__isnull=True, created_at__lt=now - ENGINEERING_OVERDUE))
    moved = 0
    for wo in overdue:
        with transaction.atomic():
            locked = _lock(wo)
            locked.in_followup_register = True
            _touch(locked, None, EventKind.FOLLOW_UP, reason=_("超时未完成，转入工程类跟进登记"))
        moved += 1
    return moved


# ----------------------------------------------------------------------------- duty (R-WO-7)


@transaction.atomic
def duty_update(
    *, actor, user, kind: str, until: dt.datetime | None = None, note: str = "", service_center=None
) -> DutyStatus:
    """Check in/out, report a radio fault or its repair, announce leaving coverage until HH:MM or coming back.
    Staff do it for themselves; the control center may record it for them."""
    if kind not in DutyEventKind.values:
        raise field_error("kind", _("未知的在岗事项"), "invalid")
    scope = get_scope(actor)
    if actor.pk != user.pk and not scope.unrestricted:
        # A dispatcher records the status of workers of their own center only.
        worker_centers = set(
            RoleMembership.objects.filter(user=user, is_active=True).values_list("service_center", flat=True)
        ) | set(
            RoleMembership.objects.filter(user=user, is_active=True, community__isnull=False).values_list(
                "community__service_center", flat=True
            )
        )
        dispatch_centers = {
            c
            for c in worker_centers
            if c
            and RoleMembership.objects.filter(user=actor, is_active=True, role__in=DISPATCH_ROLES)
            .filter(Q(service_center=c) | Q(community__service_center=c))
            .exists()
        }
        if not dispatch_centers:
            raise PermissionDenied(_("只能登记自己或本中心一线人员的在岗状态"))
    if service_center is None:
        membership = RoleMembership.objects.filter(user=user, is_active=True).select_related("community").first()
        if membership is None:
            raise PermissionDenied(_("该员工没有岗位，不能上岗"))
        service_center = membership.service_center or (
            membership.community.service_center if membership.community else None
        )
    if service_center is None:
        raise field_error("service_center", _("请指定服务中心"), "required")
    duty, _created = DutyStatus.objects.select_for_update().get_or_create(
        user=user, defaults={"service_center": service_center}
    )
    now = timezone.now()
    if kind == DutyEventKind.CHECK_IN:
        duty.on_duty, duty.away_until, duty.service_center = True, None, service_center
    elif kind == DutyEventKind.CHECK_OUT:
        duty.on_duty, duty.away_until = False, None
    elif kind == DutyEventKind.RADIO_FAULT:
        duty.radio_ok = False
    elif kind == DutyEventKind.RADIO_OK:
        duty.radio_ok = True
    elif kind == DutyEventKind.LEAVE_COVERAGE:
        if until is None or until <= now:
            raise field_error("until", _("请填写预计返回时间（须晚于现在）"), "required")
        if until > now + dt.timedelta(hours=24):
            raise field_error("until", _("离开时间不能超过 24 小时，长时间离开请下岗"), "too_long")
        duty.away_until, duty.away_reason = until, (note or "").strip()[:100]
    elif kind == DutyEventKind.BACK_IN_COVERAGE:
        duty.away_until, duty.away_reason = None, ""
    duty.save()
    DutyEvent.objects.create(user=user, kind=kind, until=until, note=(note or "").strip()[:200], actor=actor)
    return duty


# ----------------------------------------------------------------------------- shifts & arrangements


@transaction.atomic
def rota_set(*, actor, user, day: dt.date, shift) -> RotaEntry:
    """Put a worker on a shift for a day (排班)."""
    scope = get_scope(actor)
    if not (
        scope.unrestricted
        or {Role.DEPARTMENT_MANAGER, Role.REPAIR_MANAGER, Role.CENTER_MANAGER, Role.CONTROL_OPERATOR} & scope.roles
    ):
        raise PermissionDenied(_("只有部门经理、维修管理员或控制中心可以排班"))
    if shift.department.service_center_id not in scope.service_center and not scope.unrestricted:
        raise PermissionDenied(_("不能为其他服务中心排班"))
    entry, _created = RotaEntry.objects.get_or_create(user=user, date=day, shift=shift)
    from propdesk.core.events import record_event

    record_event(
        actor=actor, verb="rota.set", target=entry, data={"user": user.pk, "date": day.isoformat(), "shift": shift.pk}
    )
    return entry


def free_slots(
    *, user, day: dt.date, length: dt.timedelta = dt.timedelta(hours=2)
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Free windows of a housekeeper's shifts on ``day`` (between their scheduled jobs), for ad-hoc bookings."""
    slots = []
    busy = list(
        WorkOrder.objects.filter(
            assignee=user, status__in=OPEN_STATUSES, scheduled_start__isnull=False, scheduled_end__isnull=False
        )
        .filter(scheduled_start__date__lte=day + dt.timedelta(days=1), scheduled_end__date__gte=day)
        .values_list("scheduled_start", "scheduled_end")
        .order_by("scheduled_start")
    )
    for entry in RotaEntry.objects.filter(user=user, date=day).order_by("starts_at"):
        cursor = entry.starts_at
        for start, end in busy:
            if end <= cursor or start >= entry.ends_at:
                continue
            if start - cursor >= length:
                slots.append((cursor, start))
            cursor = max(cursor, end)
        if entry.ends_at - cursor >= length:
            slots.append((cursor, entry.ends_at))
    return slots


@transaction.atomic
def arrangement_create(
    *, actor, household: Household, weekday: int, starts: dt.time, ends: dt.time, description: str, worker=None
) -> HousekeepingArrangement:
    community_id = household.unit.building.community_id
    if not is_dispatcher(actor, community_id):
        raise PermissionDenied(_("您无权登记长期家政安排"))
    if not 0 <= weekday <= 6:
        raise field_error("weekday", _("星期应为 0（星期一）到 6（星期日）"), "invalid")
    if ends <= starts:
        raise field_error("ends", _("结束时间须晚于开始时间"), "invalid")
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("请填写服务内容"), "required")
    if worker is not None and not _worker_ok(worker, community_id):
        raise field_error("worker", _("该员工不是本小区的家政人员"), "not_worker")
    arrangement = HousekeepingArrangement.objects.create(
        household=household,
        weekday=weekday,
        starts=starts,
        ends=ends,
        worker=worker,
        description=description[:200],
        created_by=actor,
    )
    from propdesk.core.events import record_event

    record_event(actor=actor, verb="arrangement.created", target=arrangement)
    return arrangement


def generate_arrangement_orders(*, today: dt.date | None = None, days: int = 7) -> int:
    """Turn long-term arrangements into work orders for the coming week (idempotent: each date once)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    created = 0
    for arrangement in (
        HousekeepingArrangement.objects.filter(is_active=True)
        .order_by("pk")
        .select_related("household__unit__building__community")
    ):
        with transaction.atomic():
            arrangement = HousekeepingArrangement.objects.select_for_update().get(pk=arrangement.pk)
            start = max(today, (arrangement.generated_until or today - dt.timedelta(days=1)) + dt.timedelta(days=1))
            day = start
            while day <= horizon:
                if day.weekday() == arrangement.weekday:
                    created += _arrangement_order(arrangement, day)
                day += dt.timedelta(days=1)
            arrangement.generated_until = horizon
            arrangement.save(update_fields=["generated_until"])
    return created


def _arrangement_order(arrangement: HousekeepingArrangement, day: dt.date) -> int:
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(day, arrangement.starts, tzinfo=tz)
    end = dt.datetime.combine(day, arrangement.ends, tzinfo=tz)
    household = arrangement.household
    ticket = ticket_services.ticket_create(
        actor=arrangement.created_by,
        kind=Kind.SPECIAL_SERVICE,
        content=_("长期家政：%(d)s（%(t)s）") % {"d": arrangement.description, "t": f"{begin:%m-%d %H:%M}–{end:%H:%M}"},
        channel="staff",
        household=household,
        title=_("长期家政 %(d)s") % {"d": arrangement.description[:20]},
        received_at=min(timezone.now(), begin),
        create_work_order=False,
    )
    wo = work_order_create(
        actor=None,
        ticket=ticket,
        trade=Trade.HOUSEKEEPING,
        description=arrangement.description,
        scheduled_start=begin,
        scheduled_end=end,
        arrangement=arrangement,
    )
    if arrangement.worker_id:
        now = timezone.now()
        wo.assignee = arrangement.worker
        wo.assigned_at = now
        _move(
            wo,
            Status.ASSIGNED,
            None,
            kind=EventKind.ASSIGNED,
            arrangement=arrangement.pk,
            to_assignee=arrangement.worker_id,
        )
        _after_dispatch(wo, arrangement.created_by, now)
    return 1


# ----------------------------------------------------------------------------- weekly approval (R-WO-6)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def weekly_decide(*, actor, service_center, week: dt.date, decision: str, note: str = "") -> WeeklyApproval:
    """The repair manager approves (or returns with a note) the week's repair task orders."""
    scope = get_scope(actor)
    if not (scope.unrestricted or (Role.REPAIR_MANAGER in scope.roles and service_center.pk in scope.service_center)):
        raise PermissionDenied(_("只有本中心的维修管理员可以审批维修任务单"))
    if decision not in WeeklyApproval.Decision.values:
        raise field_error("decision", _("请选择批准或退回"), "invalid")
    note = (note or "").strip()
    if decision == WeeklyApproval.Decision.RETURNED and not note:
        raise field_error("note", _("退回须填写意见"), "required")
    monday = week_start(week)
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    orders = WorkOrder.objects.filter(
        service_center=service_center, created_at__gte=begin, created_at__lt=begin + dt.timedelta(days=7)
    ).exclude(trade__in=HOUSEKEEPING_TRADES)
    approval = WeeklyApproval.objects.create(
        service_center=service_center,
        week_start=monday,
        decision=decision,
        decided_by=actor,
        note=note,
        order_count=orders.count(),
    )
    orders.update(week_approved=decision == WeeklyApproval.Decision.APPROVED)
    from propdesk.core.events import record_event

    record_event(actor=actor, verb=f"weekly.{decision}", target=approval, reason=note)
    return approval
