"""Peak-hour gate duty (R-CV-5, 002 §5.3): the roster of a community's peak slots, the check-in at the post,
the alert to the security managers when a slot starts unstaffed, and the month's coverage rate."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.permissions import can, require
from propdesk.core.texts import label, t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders

from ..choices import PeakSlot
from ..models import PEAK_HOURS, GateDuty

# Checking in at the post is possible from 15 minutes before the slot until its end; a slot counts as staffed
# when someone checked in by its start (the alert goes out at the start, with the worker's next tick).
CHECK_IN_EARLY = dt.timedelta(minutes=15)
START_GRACE = dt.timedelta(0)


def slot_bounds(day: dt.date, slot: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = PEAK_HOURS[slot]
    return timezone.make_aware(dt.datetime.combine(day, start)), timezone.make_aware(dt.datetime.combine(day, end))


@transaction.atomic
def roster_add(*, actor, community: Community, day: dt.date, slot: str, user) -> GateDuty:
    """Put ``user`` on the peak slot of ``day`` at the community's gate."""
    probe = GateDuty(community=community, day=day, slot=slot, user=user)
    require(actor, "gate_duty.plan", probe, _("您无权安排该小区的高峰期门岗值岗"))
    if slot not in PeakSlot.values:
        raise field_error("slot", _("请选择时段"), "invalid_choice")
    if day < timezone.localdate():
        raise field_error("day", _("不能为过去的日期排班"), "past")
    if user is None or not can(user, "gate_duty.be_on", probe):
        raise field_error("user", _("只能安排该小区的客服主管、安全管理员或安全员班长值岗"), "not_eligible")
    try:
        with transaction.atomic():
            return GateDuty.objects.create(community=community, day=day, slot=slot, user=user, created_by=actor)
    except IntegrityError:
        raise field_error("user", _("此人已在该时段的值岗名单中"), "duplicate") from None


@transaction.atomic
def roster_remove(*, actor, duty: GateDuty) -> None:
    """Take someone off a slot that has not started yet and that they have not checked in for (audited)."""
    require(actor, "gate_duty.plan", duty, _("您无权安排该小区的高峰期门岗值岗"))
    duty = GateDuty.objects.select_for_update().filter(pk=duty.pk).first()
    if duty is None:
        raise field_error("duty", _("该值岗已被移除"), "gone")
    if duty.checked_in_at is not None:
        raise field_error("duty", _("已到岗的值岗不能移除"), "checked_in")
    if slot_bounds(duty.day, duty.slot)[0] <= timezone.now():
        raise field_error("duty", _("已开始或已过去的时段不能移除"), "started")
    record_event(
        actor=actor,
        verb="gate_duty.removed",
        target=duty,
        data={"day": duty.day.isoformat(), "slot": duty.slot, "user": duty.user_id},
    )
    duty.delete()


def eligible_people(community: Community) -> list:
    """Who may be put on the community's peak-hour roster: its CS supervisors, security managers and guards."""
    return role_holders(
        roles=[Role.CS_SUPERVISOR, Role.SECURITY_MANAGER, Role.SECURITY_GUARD],
        community_id=community.pk,
        service_center=community.service_center,
    )


@transaction.atomic
def duty_check_in(*, actor, duty: GateDuty) -> GateDuty:
    """The person on duty checks in at the post, from 15 minutes before the slot until its end (once)."""
    require(actor, "gate_duty.check_in", duty, _("只能为自己的值岗登记到岗"))
    duty = GateDuty.objects.select_for_update().get(pk=duty.pk)
    if duty.checked_in_at is not None:
        raise field_error(
            "duty", _("已于 %(t)s 到岗") % {"t": f"{timezone.localtime(duty.checked_in_at):%H:%M}"}, "done"
        )
    now = timezone.now()
    start, end = slot_bounds(duty.day, duty.slot)
    if not start - CHECK_IN_EARLY <= now <= end:
        raise field_error("duty", _("只能在值岗时段内（可提前 15 分钟）登记到岗"), "outside_slot")
    duty.checked_in_at = now
    duty.save(update_fields=["checked_in_at"])
    return duty


def _staffed(community_id: int, day: dt.date, slot: str, by: dt.datetime) -> bool:
    return GateDuty.objects.filter(
        community_id=community_id, day=day, slot=slot, checked_in_at__isnull=False, checked_in_at__lte=by
    ).exists()


def alert_unstaffed(now: dt.datetime | None = None) -> int:
    """At the start of each peak slot (and until its end, for a worker that was down), tell the security managers of
    every community whose gate nobody has checked in at. Once per community and slot (de-duplicated)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    alerts = 0
    for slot in PeakSlot.values:
        start, end = slot_bounds(day, slot)
        if not start + START_GRACE <= now < end:
            continue
        for community in Community.objects.select_related("service_center__branch"):
            if _staffed(community.pk, day, slot, start + START_GRACE):
                continue
            managers = role_holders(
                roles=[Role.SECURITY_MANAGER], community_id=community.pk, service_center=community.service_center
            )
            message = Message(
                kind="visitors.peak_unstaffed",
                subject=t(
                    N_("%(community)s %(slot)s 门岗无人到岗"),
                    community=community.name,
                    slot=label(PeakSlot(slot).label),
                ),
                url=f"/visitors/?community={community.pk}",
                urgent=True,
            )
            with transaction.atomic():
                sent = notify(recipients=managers, message=message, dedupe=f"visitors.peak:{community.pk}:{day}:{slot}")
            alerts += bool(sent)
    return alerts


def coverage(*, community: Community, month: dt.date, today: dt.date | None = None) -> dict:
    """The month's peak slots (up to today) at the community's gate and how many were staffed in time."""
    today = today or timezone.localdate()
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    last = min(last, today)
    slots = staffed = 0
    day = first
    checked = {
        (d.day, d.slot): d.checked_in_at
        for d in GateDuty.objects.filter(
            community=community, day__range=(first, last), checked_in_at__isnull=False
        ).order_by("-checked_in_at")  # the earliest check-in of a slot is kept
    }
    while day <= last:
        for slot in PeakSlot.values:
            slots += 1
            at = checked.get((day, slot))
            if at is not None and at <= slot_bounds(day, slot)[0] + START_GRACE:
                staffed += 1
        day += dt.timedelta(days=1)
    return {"slots": slots, "staffed": staffed, "rate": round(staffed / slots, 4) if slots else None}


def unstaffed(*, community: Community, month: dt.date, now: dt.datetime | None = None) -> list[tuple[dt.date, str]]:
    """The month's peak slots that have started and had nobody checked in by their start (the alerts sent)."""
    now = now or timezone.now()
    first = month.replace(day=1)
    last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), timezone.localdate(now))
    staffed = {
        (d.day, d.slot)
        for d in GateDuty.objects.filter(community=community, day__range=(first, last), checked_in_at__isnull=False)
        if d.checked_in_at <= slot_bounds(d.day, d.slot)[0] + START_GRACE
    }
    found = []
    day = first
    while day <= last:
        for slot in PeakSlot.values:
            if slot_bounds(day, slot)[0] <= now and (day, slot) not in staffed:
                found.append((day, slot))
        day += dt.timedelta(days=1)
    return found
