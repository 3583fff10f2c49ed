"""Duty and reachability (R-WO-7), shifts and the rota (排班), free slots and long-term housekeeping
arrangements (长期家政, R-WO-4)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Household
from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.permissions import can, require
from propdesk.org.models import RoleMembership
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import Kind

from ..choices import OPEN_STATUSES, DutyEventKind, EventKind, Status, Trade
from ..models import DutyEvent, DutyStatus, HousekeepingArrangement, RotaEntry, WorkOrder
from ..permissions import Post
from .assignment import after_dispatch
from .common import move
from .work_orders import work_order_create

MAX_AWAY = dt.timedelta(hours=24)

# ----------------------------------------------------------------------------- duty (R-WO-7)


def worker_posts(user) -> list[Post]:
    """Where ``user`` works: one post per active membership at a service center or a community."""
    posts = []
    memberships = RoleMembership.objects.filter(user=user, is_active=True).select_related("community")
    for m in memberships:
        if m.service_center_id:
            posts.append(Post(user_id=user.pk, service_center_id=m.service_center_id))
        elif m.community_id:
            posts.append(
                Post(user_id=user.pk, service_center_id=m.community.service_center_id, community_id=m.community_id)
            )
    return posts


def _post_for(actor, user, service_center) -> Post:
    """The post whose duty ``actor`` records for ``user``: their own, or — for the control center — a
    worker's of their center; with ``service_center`` given, the post at that center."""
    own = actor.pk == user.pk
    posts = worker_posts(user)
    allowed = [p for p in posts if can(actor, "duty.record_own" if own else "duty.record_for", p)]
    if not allowed:
        if not posts and (own or can(actor, "duty.record_for")):
            raise PermissionDenied(_("该员工没有岗位，不能上岗"))
        raise PermissionDenied(_("只能登记自己或本中心一线人员的在岗状态"))
    if service_center is not None:
        allowed = [p for p in allowed if p.service_center_id == service_center.pk]
        if not allowed:
            raise field_error("service_center", _("该员工不在该服务中心任职"), "invalid")
    return allowed[0]


def _apply(duty: DutyStatus, kind: str, until: dt.datetime | None, note: str, center_id: int) -> None:
    now = timezone.now()
    if kind == DutyEventKind.CHECK_IN:
        duty.on_duty, duty.away_until, duty.service_center_id = True, None, center_id
    elif kind == DutyEventKind.CHECK_OUT:
        duty.on_duty, duty.away_until = False, None
    elif kind == DutyEventKind.RADIO_FAULT:
        duty.radio_ok = False
    elif kind == DutyEventKind.RADIO_OK:
        duty.radio_ok = True
    elif kind == DutyEventKind.LEAVE_COVERAGE:
        if until is None or until <= now:
            raise field_error("until", _("请填写预计返回时间（须晚于现在）"), "required")
        if until > now + MAX_AWAY:
            raise field_error("until", _("离开时间不能超过 24 小时，长时间离开请下岗"), "too_long")
        duty.away_until, duty.away_reason = until, (note or "").strip()[:100]
    elif kind == DutyEventKind.BACK_IN_COVERAGE:
        duty.away_until, duty.away_reason = None, ""


@transaction.atomic
def duty_update(
    *, actor, user, kind: str, until: dt.datetime | None = None, note: str = "", service_center=None
) -> DutyStatus:
    """Check in/out, report a radio fault or its repair, announce leaving coverage until HH:MM or coming back.
    Staff do it for themselves; the control center of their center may record it for them."""
    if kind not in DutyEventKind.values:
        raise field_error("kind", _("未知的在岗事项"), "invalid")
    post = _post_for(actor, user, service_center)
    duty, _created = DutyStatus.objects.select_for_update().get_or_create(
        user=user, defaults={"service_center_id": post.service_center_id}
    )
    _apply(duty, kind, until, note, post.service_center_id)
    duty.save()
    DutyEvent.objects.create(user=user, kind=kind, until=until, note=(note or "").strip()[:200], actor=actor)
    return duty


# ----------------------------------------------------------------------------- shifts


@transaction.atomic
def rota_set(*, actor, user, day: dt.date, shift) -> RotaEntry:
    """Put a worker on a shift for a day (排班): the center's planners put the center's active field staff
    (technicians, housekeepers, security guards) on its shifts; anyone else is refused on the ``user`` field."""
    entry = RotaEntry(user=user, date=day, shift=shift)
    if not can(actor, "rota.plan", entry):
        if can(actor, "rota.plan"):
            raise PermissionDenied(_("不能为其他服务中心排班"))
        raise PermissionDenied(_("只有部门经理、维修管理员或控制中心可以排班"))
    if not can(user, "rota.be_on", entry):
        raise field_error("user", _("只能为本服务中心在职的维修、家政或安全人员排班"), "not_field_staff")
    entry, _created = RotaEntry.objects.get_or_create(user=user, date=day, shift=shift)
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


# ----------------------------------------------------------------------------- long-term housekeeping (R-WO-4)


@transaction.atomic
def arrangement_create(
    *, actor, household: Household, weekday: int, starts: dt.time, ends: dt.time, description: str, worker=None
) -> HousekeepingArrangement:
    """A long-term housekeeping arrangement of a household: a weekday and hours, optionally a fixed housekeeper."""
    arrangement = HousekeepingArrangement(
        household=household, weekday=weekday, starts=starts, ends=ends, worker=worker, created_by=actor
    )
    require(actor, "arrangement.create", arrangement, _("您无权登记长期家政安排"))
    if not 0 <= weekday <= 6:
        raise field_error("weekday", _("星期应为 0（星期一）到 6（星期日）"), "invalid")
    if ends <= starts:
        raise field_error("ends", _("结束时间须晚于开始时间"), "invalid")
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("请填写服务内容"), "required")
    if worker is not None and not can(worker, "arrangement.be_worker", arrangement):
        raise field_error("worker", _("该员工不是本小区的家政人员"), "not_worker")
    arrangement.description = description[:200]
    arrangement.save()
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
        move(
            wo,
            Status.ASSIGNED,
            None,
            kind=EventKind.ASSIGNED,
            arrangement=arrangement.pk,
            to_assignee=arrangement.worker_id,
        )
        after_dispatch(wo, arrangement.created_by, now)
    return 1
