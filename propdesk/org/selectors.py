"""Reads of organisation data: a user's memberships, who holds a role over a community, and who of them is on
duty now."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .choices import Role
from .models import RoleMembership


def memberships_of(*, user):
    """The user's active role memberships with their scope objects."""
    return RoleMembership.objects.filter(user=user, is_active=True).select_related(
        "company", "branch", "service_center", "community"
    )


def role_holders(*, roles: Iterable[str], community_id: int, service_center) -> list:
    """Active users holding one of ``roles`` over a community: in it, or at its service center (given with its
    branch loaded), branch or company."""
    center = service_center
    memberships = RoleMembership.objects.filter(is_active=True, role__in=list(roles)).filter(
        Q(community=community_id)
        | Q(service_center=center.pk)
        | Q(branch=center.branch_id)
        | Q(company=center.branch.company_id)
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .select_related("staff_profile")
        .order_by("pk")
    )


# Who is on duty is kept by the app that keeps check-ins and the rota (dispatch, R-WO-4/R-WO-7), far above
# org; it registers ``provider(user_ids, *, service_center_id, now) -> set of user ids`` at start-up.
_on_duty_providers: list[Callable] = []


def register_on_duty(provider: Callable) -> Callable:
    """Register a provider telling which of some users are on duty at a service center now."""
    if provider not in _on_duty_providers:
        _on_duty_providers.append(provider)
    return provider


def on_duty(users: list, *, service_center_id: int, now: dt.datetime | None = None) -> list:
    """Those of ``users`` on duty at the service center now; all of them when nobody is known to be (no one
    checked in or rostered, or no app keeps duty): a message for "whoever is on duty" must reach someone."""
    if not users or not _on_duty_providers:
        return list(users)
    now = now or timezone.now()
    ids = [u.pk for u in users]
    present: set[int] = set()
    for provider in _on_duty_providers:
        present |= set(provider(ids, service_center_id=service_center_id, now=now))
    return [u for u in users if u.pk in present] or list(users)


# Who is away (on leave, out of the community) is kept by an app far above org (internal, R-IC-1/R-IC-2); it
# registers ``provider(user_ids, *, now) -> {user id: {"reason": str, "until": datetime | None}}`` at start-up,
# and dispatch asks ``away`` so that nobody away is offered or assigned a job.
_away_providers: list[Callable] = []


def register_away(provider: Callable) -> Callable:
    """Register a provider telling which of some users are away now, and why."""
    if provider not in _away_providers:
        _away_providers.append(provider)
    return provider


def away(user_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, dict]:
    """Those of ``user_ids`` away now, with the reason (in the reader's language) and until when if known;
    empty when no app keeps whereabouts."""
    ids = list(user_ids)
    if not ids or not _away_providers:
        return {}
    now = now or timezone.now()
    found: dict[int, dict] = {}
    for provider in _away_providers:
        for user_id, info in provider(ids, now=now).items():
            found.setdefault(user_id, info)
    return found


def control_center_on_duty(*, community_id: int, service_center, now: dt.datetime | None = None) -> list:
    """The control center's operators over a community who are on duty now (all of them when none is; none
    when the center has no operator)."""
    operators = role_holders(roles=[Role.CONTROL_OPERATOR], community_id=community_id, service_center=service_center)
    return on_duty(operators, service_center_id=service_center.pk, now=now)
