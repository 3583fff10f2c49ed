"""Reads of the tenant register (002 §六.20), scoped to the user: ``tenant.read`` for the registrations and the
let households (a resident: their own household), ``tenant.rate`` for the registration rate of a community.

A household counts as **let** when it is marked let (an open ``Letting``) or has an active resident recorded as
tenant in the community master data (``Resident.relation``); it counts as **registered** when a tenant
registration of it is current (not ended, today within the lease). The rate's target is 100 %."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from propdesk.communities.choices import Relation
from propdesk.communities.models import Community, Household
from propdesk.core.permissions import condition

from . import permissions  # noqa: F401  (declares the visitor rules)
from .models import Letting, TenantRegistration

TARGET_RATE = 1.0


def tenant_communities(*, user):
    """The communities where the user registers tenants."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "tenant.register", paths={"community": "pk"}))
        .order_by("code")
    )


def rate_communities(*, user):
    """The communities whose registration rate the user may read."""
    return (
        Community.objects.visible_to(user)
        .filter(condition(user, "tenant.rate", paths={"community": "pk"}))
        .order_by("code")
    )


def registrations(*, user):
    return TenantRegistration.objects.restrict(user, "tenant.read").select_related(
        "community", "household__unit__building", "created_by"
    )


def registration_get(*, user, pk: int) -> TenantRegistration:
    return registrations(user=user).get(pk=pk)


def lettings(*, user):
    return Letting.objects.restrict(user, "tenant.read").select_related("community", "household__unit__building")


def current_q(today: dt.date) -> Q:
    return Q(ended_at__isnull=True, lease_start__lte=today, lease_end__gte=today)


def expired(*, user, community_id: int | None = None, today: dt.date | None = None):
    """Registrations whose lease has ended but whose tenant was never registered out nor renewed."""
    today = today or timezone.localdate()
    qs = registrations(user=user).filter(ended_at__isnull=True, lease_end__lt=today)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("lease_end", "id")


def _let_households(community: Community):
    marked = Letting.objects.filter(community=community, ended_at__isnull=True).values("household_id")
    with_tenant = Household.objects.filter(
        unit__building__community=community,
        residents__relation=Relation.TENANT,
        residents__is_active=True,
    ).values("pk")
    return Household.objects.filter(is_active=True).filter(Q(pk__in=marked) | Q(pk__in=with_tenant))


@dataclass
class Rate:
    community: Community
    let: int
    registered: int
    unregistered: list = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(self.registered / self.let, 4) if self.let else None

    @property
    def on_target(self) -> bool:
        return self.rate is None or self.rate >= TARGET_RATE

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f} %"


def registration_rate(*, community: Community, today: dt.date | None = None) -> Rate:
    """Let households of the community, how many have a current tenant registration, and the others."""
    today = today or timezone.localdate()
    let = _let_households(community).select_related("unit__building").order_by("unit__code", "pk")
    registered_ids = set(
        TenantRegistration.objects.filter(current_q(today), community=community).values_list("household_id", flat=True)
    )
    households = list(let)
    missing = [h for h in households if h.pk not in registered_ids]
    return Rate(community, len(households), len(households) - len(missing), missing)


def rates(*, user, today: dt.date | None = None) -> list[Rate]:
    return [registration_rate(community=c, today=today) for c in rate_communities(user=user)]
