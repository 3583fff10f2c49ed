"""Every read of the visitor register, scoped to the user (``visit.read`` / ``invitation.read``)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from propdesk.communities.models import Community
from propdesk.communities.validators import parse_room
from propdesk.core.permissions import condition
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter

from . import permissions  # noqa: F401  (declares the visitor rules)
from .choices import InvitationStatus
from .identity import PLATE_RE
from .models import (
    DEFAULT_DAY_END,
    DEFAULT_OVERSTAY_HOURS,
    GateDuty,
    Invitation,
    Visit,
    VisitorSettings,
    WatchEntry,
)

VISIT_RELATED = ("community", "household__unit__building", "checked_in_by", "checked_out_by")


def gate_communities(*, user):
    """The communities where the user keeps the gate (may check visitors in)."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "visit.check_in", paths={"community": "pk"}))
        .order_by("code")
    )


def readable_communities(*, user):
    """The communities whose register the user may read as staff."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "visit.read", paths={"community": "pk"}))
        .order_by("code")
    )


def visits(*, user):
    return Visit.objects.restrict(user, "visit.read").select_related(*VISIT_RELATED)


def visit_get(*, user, pk: int) -> Visit:
    return visits(user=user).get(pk=pk)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


@dataclass(frozen=True)
class VisitFilters:
    community_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    inside: bool | None = None
    purpose: str = ""
    q: str = ""


def _search(q: str) -> Q:
    """A room (3-2-1202, 3栋2单元1202) by its unit code, a plate exactly, anything else in the visitor's name."""
    room = parse_room(q)
    if room:
        return Q(household__unit__code=room)
    plate = "".join(q.split()).upper()
    if PLATE_RE.match(plate):
        return Q(plate=plate)
    return Q(visitor_name__contains=q)


def visit_register(*, user, filters: VisitFilters):
    """The register (来访登记簿), newest first, filtered."""
    qs = visits(user=user)
    if filters.community_id:
        qs = qs.filter(community_id=filters.community_id)
    if filters.date_from:
        qs = qs.filter(checked_in_at__gte=_day_bounds(filters.date_from)[0])
    if filters.date_to:
        qs = qs.filter(checked_in_at__lt=_day_bounds(filters.date_to)[1])
    if filters.inside is not None:
        qs = qs.filter(checked_out_at__isnull=filters.inside)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    if filters.q.strip():
        qs = qs.filter(_search(filters.q.strip()))
    return qs.order_by("-checked_in_at", "-id")


def inside_now(*, user, community_id: int | None = None):
    qs = visits(user=user).filter(checked_out_at__isnull=True)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("checked_in_at", "id")


def _limits() -> dict[int, tuple[int, dt.time]]:
    return {
        s.company_id: (s.overstay_hours, s.day_end)
        for s in VisitorSettings.objects.only("company_id", "overstay_hours", "day_end")
    }


def is_overstaying(visit: Visit, now: dt.datetime, hours: int, day_end: dt.time) -> bool:
    """Still inside after ``hours``, after the end of the day (``day_end``), or since an earlier day."""
    if visit.checked_out_at is not None:
        return False
    local_now = timezone.localtime(now)
    return (
        now - visit.checked_in_at >= dt.timedelta(hours=hours)
        or timezone.localtime(visit.checked_in_at).date() < local_now.date()
        or local_now.time() >= day_end
    )


def overstays(*, user, community_id: int | None = None, now: dt.datetime | None = None) -> list[Visit]:
    """The visitors the guard should look after: still inside for too long (R-CV-2)."""
    now = now or timezone.now()
    limits = _limits()
    found = []
    for visit in inside_now(user=user, community_id=community_id).select_related("community__service_center__branch"):
        company_id = visit.community.service_center.branch.company_id
        hours, day_end = limits.get(company_id, (DEFAULT_OVERSTAY_HOURS, DEFAULT_DAY_END))
        if is_overstaying(visit, now, hours, day_end):
            found.append(visit)
    return found


def invitations(*, user):
    return Invitation.objects.restrict(user, "invitation.read").select_related(
        "community", "household__unit__building", "created_by"
    )


def invitation_get(*, user, pk: int) -> Invitation:
    return invitations(user=user).get(pk=pk)


def code_visible(*, user, invitation: Invitation) -> bool:
    """The code (and its QR code) is shown only to whoever created the invitation and to the household."""
    return invitation.created_by_id == user.pk or invitation.household_id in get_scope(user).household


def expected_today(*, user, community_id: int | None = None, now: dt.datetime | None = None):
    """Pending invitations whose window is still open and starts by the end of today."""
    now = now or timezone.now()
    end_of_day = _day_bounds(timezone.localdate(now))[1]
    qs = invitations(user=user).filter(status=InvitationStatus.PENDING, valid_until__gte=now, valid_from__lt=end_of_day)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("valid_from", "id")


def watch_centers(*, user):
    """The service centers whose watch list the user keeps (the security manager)."""
    return (
        ServiceCenter.objects.visible_to(user)
        .filter(condition(user, "watch.manage", paths={"center": "pk"}))
        .order_by("code")
    )


def watch_list(*, user, active_only: bool = True):
    qs = WatchEntry.objects.restrict(user, "watch.manage").select_related("service_center", "created_by")
    if active_only:
        qs = qs.filter(removed_at__isnull=True, expires_at__gt=timezone.now())
    return qs.order_by("-created_at", "-id")


def export_communities(*, user):
    """The communities whose register the user may export."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "visit.export", paths={"community": "pk"}))
        .values("pk")
    )


def duty_list(*, user):
    """Peak-hour duties the user plans, or is on."""
    planned = GateDuty.objects.restrict(user, "gate_duty.plan")
    return (
        GateDuty.objects.filter(Q(pk__in=planned.values("pk")) | Q(user=user))
        .select_related("community", "user")
        .order_by("day", "slot", "id")
    )


def duty_communities(*, user):
    """The communities whose peak-hour roster the user plans."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "gate_duty.plan", paths={"community": "pk"}))
        .order_by("code")
    )
