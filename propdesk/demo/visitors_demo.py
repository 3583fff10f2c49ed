"""Demo data of the visitors app beyond the gate (activity.py has the visitors inside and an invitation): the
tenants of a center's let households registered with their lease (most of them, so the rate is below its 100 %
target; one lease ending within a week, one already expired), a vehicle on the watch list, and the peak-hour gate
roster of the coming week for each community. Safe to call twice: a center that has tenant registrations is
left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.communities.choices import Relation
from propdesk.communities.models import Resident
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter
from propdesk.org.selectors import role_holders
from propdesk.visitors import services
from propdesk.visitors.choices import PeakSlot
from propdesk.visitors.models import TenantRegistration

AREA_CODES = ("440305", "440306", "440308", "430102", "510104")
REGISTERED_SHARE = 0.8
MAX_TENANTS = 12


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(12000))
    body = rng.choice(AREA_CODES) + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _holder(community, role):
    found = role_holders(roles=[role], community_id=community.pk, service_center=community.service_center)
    return found[0] if found else None


def _tenants(community, desk, rng: random.Random) -> None:
    today = timezone.localdate()
    tenants = list(
        Resident.objects.filter(
            household__unit__building__community=community, household__is_active=True, relation=Relation.TENANT
        )
        .select_related("household__unit__building")
        .order_by("household__unit__code")[:MAX_TENANTS]
    )
    for index, tenant in enumerate(tenants[: max(1, int(len(tenants) * REGISTERED_SHARE))]):
        start = today - dt.timedelta(days=rng.randrange(30, 300))
        end = today + dt.timedelta(days=5 if index == 0 else rng.randrange(40, 400))
        registration = services.register_tenant(
            actor=desk,
            community=community,
            household=tenant.household,
            name=tenant.name,
            document_type="id_card",
            id_number=_id_number(rng),
            phone=tenant.phone,
            lease_start=start,
            lease_end=end,
            police_reference=f"SZ{today:%Y}{rng.randrange(10**6):06d}" if index % 2 else "",
        )
        if index == 1:
            # A lease that ran out last week and was neither renewed nor ended: the page lists it as expired.
            TenantRegistration.objects.filter(pk=registration.pk).update(
                lease_start=today - dt.timedelta(days=370), lease_end=today - dt.timedelta(days=7)
            )


def _roster(community, planner) -> None:
    people = {
        PeakSlot.MORNING: [_holder(community, Role.CS_SUPERVISOR), _holder(community, Role.SECURITY_MANAGER)],
        PeakSlot.NOON: [_holder(community, Role.SECURITY_GUARD)],
        PeakSlot.EVENING: [_holder(community, Role.SECURITY_MANAGER), _holder(community, Role.CS_SUPERVISOR)],
    }
    today = timezone.localdate()
    for offset in range(1, 8):
        for slot, candidates in people.items():
            chosen = [p for p in candidates if p is not None]
            if chosen:
                who = chosen[offset % len(chosen)]
                services.roster_add(
                    actor=planner, community=community, day=today + dt.timedelta(days=offset), slot=slot, user=who
                )


def create_visitors_demo(center: ServiceCenter, rng: random.Random) -> None:
    """Tenants, a watch entry and the coming week's gate roster for ``center`` (once)."""
    communities = list(center.communities.select_related("service_center__branch").order_by("code"))
    if not communities or TenantRegistration.objects.filter(community__in=communities).exists():
        return
    for community in communities:
        desk = _holder(community, Role.RECEPTIONIST) or _holder(community, Role.CS_SUPERVISOR)
        if desk is not None:
            _tenants(community, desk, rng)
        planner = _holder(community, Role.SECURITY_MANAGER) or _holder(community, Role.CS_SUPERVISOR)
        if planner is not None:
            _roster(community, planner)
    manager = _holder(communities[0], Role.SECURITY_MANAGER)
    if manager is not None:
        services.watch_add(
            actor=manager,
            service_center=center,
            kind="plate",
            name="无牌照改装面包车",
            plate="粤B7K2X9",
            reason="多次夜间在地库出入口徘徊，已报派出所",
            expires_at=timezone.now() + dt.timedelta(days=60),
        )
