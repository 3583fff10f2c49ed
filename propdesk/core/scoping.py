"""What a user may see: one ``Scope`` per user, applied by ``ScopedQuerySet.visible_to(user)``.

A scope is computed once per request from the user's active role memberships (and, for a
resident, their resident records) and cached on the user object. Visibility flows down the
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

from django.db import models
from django.db.models import Q

_CACHE_ATTR = "_propdesk_scope"


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

    _roles_by_community: dict = field(default_factory=dict, compare=False, repr=False)


EMPTY_SCOPE = Scope()


def get_scope(user) -> Scope:
    """The cached scope of ``user`` (anonymous and inactive users see nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _compute_scope(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def invalidate_scope(user) -> None:
    """Forget a cached scope after the user's memberships or resident links change."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute_scope(user) -> Scope:
    from propdesk.communities.models import Community, Resident
    from propdesk.org.choices import Role
    from propdesk.org.models import Branch, RoleMembership, ServiceCenter

    if user.is_superuser:
        return Scope(unrestricted=True, roles=frozenset(Role))

    memberships = list(
        RoleMembership.objects.filter(user=user, is_active=True).select_related(
            "branch", "service_center__branch", "community__service_center__branch"
        )
    )
    roles: set[str] = set()
    company: set[int] = set()
    member_company: set[int] = set()
    branch: set[int] = set()
    center: set[int] = set()
    community: set[int] = set()
    # Which roles apply where, for object-level permission checks.
    role_at_company: dict[int, set[str]] = {}
    role_at_branch: dict[int, set[str]] = {}
    role_at_center: dict[int, set[str]] = {}
    role_at_community: dict[int, set[str]] = {}

    for m in memberships:
        roles.add(m.role)
        if m.company_id:
            company.add(m.company_id)
            member_company.add(m.company_id)
            role_at_company.setdefault(m.company_id, set()).add(m.role)
        elif m.branch_id:
            branch.add(m.branch_id)
            member_company.add(m.branch.company_id)
            role_at_branch.setdefault(m.branch_id, set()).add(m.role)
        elif m.service_center_id:
            center.add(m.service_center_id)
            member_company.add(m.service_center.branch.company_id)
            role_at_center.setdefault(m.service_center_id, set()).add(m.role)
        elif m.community_id:
            community.add(m.community_id)
            member_company.add(m.community.service_center.branch.company_id)
            role_at_community.setdefault(m.community_id, set()).add(m.role)

    if company:
        branch |= set(Branch.objects.filter(company__in=company).values_list("pk", flat=True))
    if branch:
        center |= set(ServiceCenter.objects.filter(branch__in=branch).values_list("pk", flat=True))
    roles_by_community: dict[int, set[str]] = {}
    if center or community:
        rows = Community.objects.filter(Q(service_center__in=center) | Q(pk__in=community)).values_list(
            "pk", "service_center_id", "service_center__branch_id", "service_center__branch__company_id"
        )
        for pk, center_id, branch_id, company_id in rows:
            community.add(pk)
            applied = (
                role_at_community.get(pk, set())
                | role_at_center.get(center_id, set())
                | role_at_branch.get(branch_id, set())
                | role_at_company.get(company_id, set())
            )
            roles_by_community[pk] = frozenset(applied)
        # A community-level member also sees the center that runs the community.
        center |= set(Community.objects.filter(pk__in=community).values_list("service_center_id", flat=True))

    households: set[int] = set()
    units: set[int] = set()
    resident_communities: set[int] = set()
    for household_id, unit_id, community_id in Resident.objects.filter(
        user=user, is_active=True, household__is_active=True
    ).values_list("household_id", "household__unit_id", "household__unit__building__community_id"):
        households.add(household_id)
        units.add(unit_id)
        resident_communities.add(community_id)
    if households:
        roles.add(Role.RESIDENT)

    return Scope(
        roles=frozenset(roles),
        company=frozenset(company),
        member_company=frozenset(member_company),
        branch=frozenset(branch),
        service_center=frozenset(center),
        community=frozenset(community),
        household=frozenset(households),
        resident_unit=frozenset(units),
        resident_community=frozenset(resident_communities),
        _roles_by_community=roles_by_community,
    )


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
