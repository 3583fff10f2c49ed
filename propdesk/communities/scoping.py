"""The scope provider: what a user may see, computed from the organisation tree and resident records.

``core.scoping`` holds the ``Scope`` value and ``visible_to``; this module fills it in and is
registered by ``CommunitiesConfig.ready``.
"""

from django.db.models import Q

from propdesk.core.scoping import Scope
from propdesk.org.choices import Role
from propdesk.org.models import Branch, RoleMembership, ServiceCenter

from .models import Community, Resident


class _ScopeBuilder:
    """Collects, level by level, where a user's roles apply; a role held higher applies below."""

    def __init__(self) -> None:
        self.roles: set[str] = set()
        self.company: set[int] = set()
        self.member_company: set[int] = set()
        self.branch: set[int] = set()
        self.center: set[int] = set()
        self.community: set[int] = set()
        # Which roles apply where, for object-level permission checks.
        self.at_company: dict[int, set[str]] = {}
        self.at_branch: dict[int, set[str]] = {}
        self.at_center: dict[int, set[str]] = {}
        self.at_community: dict[int, set[str]] = {}
        # Where each center sits (for roles held at its branch or company).
        self.center_parents: dict[int, tuple[int, int]] = {}
        self.roles_by_center: dict[int, frozenset[str]] = {}
        self.roles_by_community: dict[int, frozenset[str]] = {}

    def add_membership(self, m: RoleMembership) -> None:
        self.roles.add(m.role)
        if m.company_id:
            self.company.add(m.company_id)
            self.member_company.add(m.company_id)
            self.at_company.setdefault(m.company_id, set()).add(m.role)
        elif m.branch_id:
            self.branch.add(m.branch_id)
            self.member_company.add(m.branch.company_id)
            self.at_branch.setdefault(m.branch_id, set()).add(m.role)
        elif m.service_center_id:
            self.center.add(m.service_center_id)
            self.member_company.add(m.service_center.branch.company_id)
            self.at_center.setdefault(m.service_center_id, set()).add(m.role)
            self.center_parents[m.service_center_id] = (m.service_center.branch_id, m.service_center.branch.company_id)
        elif m.community_id:
            self.community.add(m.community_id)
            self.member_company.add(m.community.service_center.branch.company_id)
            self.at_community.setdefault(m.community_id, set()).add(m.role)

    def _inherited(self, center_id: int, branch_id: int, company_id: int) -> set[str]:
        return (
            self.at_center.get(center_id, set())
            | self.at_branch.get(branch_id, set())
            | self.at_company.get(company_id, set())
        )

    def expand_centers(self) -> None:
        """Company roles reach every branch of the company; branch roles every center of the branch."""
        if self.company:
            self.branch |= set(Branch.objects.filter(company__in=self.company).values_list("pk", flat=True))
        if self.branch:
            for pk, branch_id, company_id in ServiceCenter.objects.filter(branch__in=self.branch).values_list(
                "pk", "branch_id", "branch__company_id"
            ):
                self.center.add(pk)
                self.center_parents[pk] = (branch_id, company_id)
        self.roles_by_center = {
            pk: frozenset(self._inherited(pk, branch_id, company_id))
            for pk, (branch_id, company_id) in self.center_parents.items()
        }

    def expand_communities(self) -> None:
        """Center roles reach every community of the center."""
        if not (self.center or self.community):
            return
        rows = Community.objects.filter(Q(service_center__in=self.center) | Q(pk__in=self.community)).values_list(
            "pk", "service_center_id", "service_center__branch_id", "service_center__branch__company_id"
        )
        for pk, center_id, branch_id, company_id in rows:
            self.community.add(pk)
            applied = self.at_community.get(pk, set()) | self._inherited(center_id, branch_id, company_id)
            self.roles_by_community[pk] = frozenset(applied)
        # A community-level member also sees the center that runs the community.
        self.center |= set(Community.objects.filter(pk__in=self.community).values_list("service_center_id", flat=True))


def compute_scope(user) -> Scope:
    """A user's scope from their active role memberships and resident records."""
    if user.is_superuser:
        return Scope(unrestricted=True, roles=frozenset(Role))

    builder = _ScopeBuilder()
    for membership in RoleMembership.objects.filter(user=user, is_active=True).select_related(
        "branch", "service_center__branch", "community__service_center__branch"
    ):
        builder.add_membership(membership)
    builder.expand_centers()
    builder.expand_communities()

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
        builder.roles.add(Role.RESIDENT)

    return Scope(
        roles=frozenset(builder.roles),
        company=frozenset(builder.company),
        member_company=frozenset(builder.member_company),
        branch=frozenset(builder.branch),
        service_center=frozenset(builder.center),
        community=frozenset(builder.community),
        household=frozenset(households),
        resident_unit=frozenset(units),
        resident_community=frozenset(resident_communities),
        _roles_by_community=builder.roles_by_community,
        _roles_by_center=builder.roles_by_center,
    )
