"""One permission rule set: which roles may take which action on which object, in which scope.

After NetBox's ``restrict(user, action)``. Every app declares its rules in one module, its own
``permissions.py``, with a ``RuleSet``; services, selectors, views, the API and the admin ask
``can(user, "ticket.cancel", ticket)`` / ``require(…)`` or ``Model.objects.restrict(user, action)``
and never decide on their own. ``core`` knows no roles: rules name role codes as plain strings.

A rule grants an action when **one** of its grants holds:

* ``roles`` — the user holds one of these roles *where the object is*: in its community
  (``community=`` says how to find the community id of an object), or, for center-wide objects, at
  its service center (``center=``); a role held at a higher level (branch, company) applies below.
  Without an object the question is "may the user do this anywhere?".
* ``residents`` — the user is a resident of the object's household (``household=``).
* ``anyone`` — any signed-in user (with ``when``: "their own notification").
* ``when`` — an extra condition on the object that must hold as well (``lambda user, obj: …``), for
  example "only the assigned worker" or "only while open". A rule with ``when`` describes its
  condition for ``restrict`` with ``q`` (a function of the user returning a ``Q``).

The superuser (system administrator) may do everything.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .scoping import Scope, get_scope

Locator = Callable[[Any], int | None]
Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Grant:
    """One way to be allowed an action."""

    roles: frozenset[str] = frozenset()
    residents: bool = False
    anyone: bool = False
    when: Predicate | None = None
    q: Callable[[Any], Q] | None = None


@dataclass
class RuleSet:
    """The rules of one kind of object (a ticket, a work order, a community…).

    ``community``/``center``/``household`` locate an object; ``paths`` give the same as queryset
    lookups (``{"community": "community_id", "center": "service_center_id", "household": "household_id"}``)
    so that ``restrict`` can filter in the database.
    """

    name: str
    community: Locator | None = None
    center: Locator | None = None
    household: Locator | None = None
    paths: dict[str, str] = field(default_factory=dict)
    grants: dict[str, list[Grant]] = field(default_factory=dict)

    def allow(
        self,
        action: str,
        roles=(),
        *,
        residents: bool = False,
        anyone: bool = False,
        when: Predicate | None = None,
        q: Callable[[Any], Q] | None = None,
    ) -> "RuleSet":
        """Grant ``<name>.<action>`` to ``roles`` (and/or residents of the household), optionally ``when``."""
        key = f"{self.name}.{action}"
        self.grants.setdefault(key, []).append(
            Grant(roles=frozenset(str(r) for r in roles), residents=residents, anyone=anyone, when=when, q=q)
        )
        _REGISTRY[key] = self
        return self

    def actions(self) -> list[str]:
        return sorted(self.grants)

    # --- checking one object -------------------------------------------------------------------

    def _roles_at(self, scope: Scope, obj) -> frozenset[str]:
        if obj is None:
            return scope.roles
        if self.community is not None:
            community_id = self.community(obj)
            if community_id is not None:
                return scope.roles_in_community(community_id)
        if self.center is not None:
            center_id = self.center(obj)
            if center_id is not None:
                return scope.roles_in_center(center_id)
        return frozenset()

    def _is_household_member(self, scope: Scope, obj) -> bool:
        if obj is None:
            return scope.is_resident
        if self.household is None:
            return False
        household_id = self.household(obj)
        return household_id is not None and household_id in scope.household

    def check(self, user, action: str, obj=None) -> bool:
        scope = get_scope(user)
        if scope.unrestricted:
            return True
        grants = self.grants.get(action)
        if not grants or not getattr(user, "is_authenticated", False):
            return False
        held = None
        for grant in grants:
            if grant.roles:
                if held is None:
                    held = self._roles_at(scope, obj)
                ok = bool(grant.roles & held)
            else:
                ok = grant.anyone
            if not ok and grant.residents:
                ok = self._is_household_member(scope, obj)
            if ok and grant.when is not None and obj is not None:
                ok = bool(grant.when(user, obj))
            if ok:
                return True
        return False

    # --- filtering a queryset ------------------------------------------------------------------

    def condition(self, user, action: str, paths: dict[str, str] | None = None) -> Q:
        """A ``Q`` selecting the rows ``user`` may take ``action`` on (``Q(pk__in=[])`` for none).

        ``paths`` (default: the rule set's own) locate the rows of another model in the same places, for
        "where may the user do this?" asked of other rows: the tickets of the communities where the
        user may reveal a resident's phone. Rules with ``when`` cannot be asked that way."""
        nothing = Q(pk__in=[])
        grants = self.grants.get(action, [])
        if paths is None:
            paths = self.paths
        elif any(grant.when is not None for grant in grants):
            raise ValueError(f"{action}: a rule with 'when' applies to its own objects only")
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return nothing
        # The scope is computed only when a grant depends on it (it costs a few queries once per request).
        needs_scope = any(grant.roles or grant.residents for grant in grants)
        if user.is_superuser or (needs_scope and get_scope(user).unrestricted):
            return Q()
        scope = get_scope(user) if needs_scope else None
        result = nothing
        for grant in grants:
            where = Q() if grant.anyone else nothing
            if grant.roles:
                if "community" in paths:
                    ids = sorted(c for c in scope.community if grant.roles & scope.roles_in_community(c))
                    if ids:
                        where |= Q(**{f"{paths['community']}__in": ids})
                if "center" in paths:
                    ids = sorted(c for c in scope.service_center if grant.roles & scope.roles_in_center(c))
                    if ids:
                        where |= Q(**{f"{paths['center']}__in": ids})
            if grant.residents and "household" in paths and scope.household:
                where |= Q(**{f"{paths['household']}__in": sorted(scope.household)})
            if grant.when is not None:
                if grant.q is None:
                    raise ValueError(f"{action}: a rule with 'when' needs 'q' to filter a queryset")
                where &= grant.q(user)
            result |= where
        return result


_REGISTRY: dict[str, RuleSet] = {}


def rules_for(action: str) -> RuleSet:
    try:
        return _REGISTRY[action]
    except KeyError:
        raise LookupError(f"no permission rule declares {action!r}") from None


def can(user, action: str, obj=None) -> bool:
    """May ``user`` take ``action`` ("ticket.cancel") on ``obj`` (or anywhere, without an object)?"""
    return rules_for(action).check(user, action, obj)


def require(user, action: str, obj=None, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` (with a message for the user) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(message or _("您无权进行此操作"))


def restrict(queryset, user, action: str):
    """The rows of ``queryset`` on which ``user`` may take ``action``."""
    return queryset.filter(rules_for(action).condition(user, action))


def condition(user, action: str, *, paths: dict[str, str]) -> Q:
    """Where ``user`` may take ``action``, as a ``Q`` on another model located by ``paths``
    (``{"community": "community_id"}``): ``Ticket.objects.filter(condition(user, "resident.reveal", …))``
    are the tickets of the communities where the user may reveal residents' phones."""
    return rules_for(action).condition(user, action, paths)


def registered_actions() -> list[str]:
    return sorted(_REGISTRY)
