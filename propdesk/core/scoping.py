"""What a user may see: one ``Scope`` per user, applied by ``ScopedQuerySet.visible_to(user)``.

A scope is computed from the user's active role memberships (and, for a resident, their resident
records), cached on the user object for the request and kept by the process between requests under the
current *scope generation*: a token in the database replaced whenever anything a scope is computed from
is saved or deleted (memberships, residents, households, units, buildings, communities, the organisation
tree, users). Reading the generation is one statement; computing a scope is four to six. Processes share
nothing but the database, so a change made by one web process is seen by every other one on its next
request. Writes that bypass the model signals (``QuerySet.update``, ``bulk_create``) must call
``scope_changed()``. ``PROPDESK_KEEP_SCOPES = False`` (the test settings) computes the scope on every request. Visibility flows down the
organisation tree: a company role sees every community of the company, a service-center role
every community of its center, a community role that community only, a resident their own
household. Each model says how it reaches those levels in ``scope_paths``:

    scope_paths = {"community": "building__community", "household": "households"}

Keys: ``company`` (company-wide roles), ``member_company`` (reference data every member of a
company may read, e.g. vendors), ``branch``, ``service_center``, ``community``, and for
residents ``household``, ``resident_unit``, ``resident_community``. A model without a matching
key is invisible to that user.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

_CACHE_ATTR = "_propdesk_scope"
# Models whose rows a scope is computed from ("app_label.Model", connected lazily: core imports none of them).
SCOPE_INPUTS = (
    "org.RoleMembership",
    "org.Company",
    "org.Branch",
    "org.ServiceCenter",
    "communities.Community",
    "communities.Building",
    "communities.Unit",
    "communities.Household",
    "communities.Resident",
)
# Scopes kept by this process between requests: user id → (generation, is_superuser, scope).
_SHARED_MAX = 5000
_shared: dict[int, tuple[object, bool, "Scope"]] = {}


@dataclass(frozen=True)
class Scope:
    unrestricted: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    company: frozenset[int] = field(default_factory=frozenset)
    member_company: frozenset[int] = field(default_factory=frozenset)
    branch: frozenset[int] = field(default_factory=frozenset)
    service_center: frozenset[int] = field(default_factory=frozenset)
    community: frozenset[int] = field(default_factory=frozenset)
    household: frozenset[int] = field(default_factory=frozenset)
    resident_unit: frozenset[int] = field(default_factory=frozenset)
    resident_community: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return self.unrestricted or bool(self.member_company)

    @property
    def is_resident(self) -> bool:
        return bool(self.household)

    def has_role(self, *roles: str) -> bool:
        return self.unrestricted or any(role in self.roles for role in roles)

    def roles_in_community(self, community_id: int) -> frozenset[str]:
        """Roles that apply to one community (used by permission checks on a specific object)."""
        return self._roles_by_community.get(community_id, frozenset())

    def roles_in_center(self, center_id: int) -> frozenset[str]:
        """Roles held over a whole service center (at the center, its branch or its company)."""
        return self._roles_by_center.get(center_id, frozenset())

    _roles_by_community: dict = field(default_factory=dict, compare=False, repr=False)
    _roles_by_center: dict = field(default_factory=dict, compare=False, repr=False)


EMPTY_SCOPE = Scope()


def get_scope(user) -> Scope:
    """The cached scope of ``user`` (anonymous and inactive users see nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _shared_scope(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _shared_scope(user) -> "Scope":
    """The scope kept by this process when it was computed under the current generation, else a new one.

    The generation is read before computing, so a change committed meanwhile leaves the scope stored under
    the old generation, which the next request no longer matches."""
    generation = _generation.read() if _keeping() else None
    if generation is None:
        return _compute_scope(user)
    hit = _shared.get(user.pk)
    if hit is not None and hit[0] == generation and hit[1] == user.is_superuser:
        return hit[2]
    scope = _compute_scope(user)
    if len(_shared) >= _SHARED_MAX:
        _shared.clear()
    _shared[user.pk] = (generation, user.is_superuser, scope)
    return scope


def invalidate_scope(user) -> None:
    """Forget a cached scope after the user's memberships or resident links change (in every process)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    scope_changed()


def scope_changed(**_signal_kwargs) -> None:
    """Something scopes are computed from changed: every process recomputes on its next request.

    Inside a transaction the new generation becomes visible with the change itself (same commit)."""
    _shared.clear()
    if _keeping():
        _generation.bump()


def _keeping() -> bool:
    return _generation is not None and getattr(settings, "PROPDESK_KEEP_SCOPES", True)


class ScopeGeneration:
    """Where the shared generation token lives: ``read() -> object | None`` (None: do not keep scopes) and
    ``bump()`` (store a new token that never equals an earlier one, even after a rollback)."""

    def read(self):  # pragma: no cover - interface
        raise NotImplementedError

    def bump(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


_generation: ScopeGeneration | None = None


def register_scope_generation(generation: ScopeGeneration) -> None:
    """Install the shared generation store (an app with a table for it registers at start-up) and listen
    to the models scopes are computed from."""
    global _generation
    _generation = generation
    for label in (*SCOPE_INPUTS, settings.AUTH_USER_MODEL):
        post_save.connect(scope_changed, sender=label, dispatch_uid=f"scope_changed_save_{label}")
        post_delete.connect(scope_changed, sender=label, dispatch_uid=f"scope_changed_delete_{label}")


def register_scope_provider(provider) -> None:
    """Install the function that computes a user's scope from the organisation tree.

    ``core`` knows nothing of roles, centers or households; ``communities`` (the lowest app that
    knows both the organisation and the residents) registers the real computation at start-up.
    """
    global _provider
    _provider = provider


def _no_provider(user) -> Scope:
    raise RuntimeError("no scope provider registered (is propdesk.communities installed?)")


_provider = _no_provider


def _compute_scope(user) -> Scope:
    return _provider(user)


def center_id_of(obj) -> int | None:
    """The id of the service center an object belongs to, found through its ``scope_paths``."""
    paths: dict[str, str] = getattr(type(obj), "scope_paths", {})
    path = paths.get("service_center")
    if path is None and "community" in paths:
        path = "service_center" if paths["community"] == "pk" else f"{paths['community']}__service_center"
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *parents, last = path.split("__")
    value = obj
    for part in parents:
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, f"{last}_id", None)


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to what a user may see."""

    def visible_to(self, user) -> "ScopedQuerySet":
        scope = get_scope(user)
        if scope.unrestricted:
            return self.all()
        paths: dict[str, str] = getattr(self.model, "scope_paths", {})
        condition = Q(pk__in=[])
        for key, path in paths.items():
            ids = getattr(scope, key)
            if ids:
                condition |= Q(**{f"{path}__in": sorted(ids)})
        return self.filter(condition)

    def restrict(self, user, action: str = "view") -> "ScopedQuerySet":
        """The rows ``user`` may take ``action`` on ("view", or an action of the app's rule set)."""
        if action == "view":
            return self.visible_to(user)
        from .permissions import restrict

        return restrict(self, user, action)
