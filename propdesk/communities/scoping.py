"""The scope provider: what a user may see, computed from the organisation tree and resident records.

``core.scoping`` holds the ``Scope`` value and ``visible_to``; this module fills it in and is
registered by ``CommunitiesConfig.ready``.
"""

from django.db.models import Q

from propdesk.core.scoping import Scope
from propdesk.org.choices import Role
from propdesk.org.models import Branch, RoleMembership, ServiceCenter

from .models import Community, Resident


def compute_scope(user) -> Scope:
    """A user's scope from their active role memberships and resident records."""
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
    # Where each center sits (for roles held at its branch or company), without another query.
    center_parents: dict[int, tuple[int, int]] = {
        m.service_center_id: (m.service_center.branch_id, m.service_center.branch.company_id)
        for m in memberships
        if m.service_center_id
    }
    if branch:
        for pk, branch_id, company_id in ServiceCenter.objects.filter(branch__in=branch).values_list(
            "pk", "branch_id", "branch__company_id"
        ):
            center.add(pk)
            center_parents[pk] = (branch_id, company_id)
    roles_by_center = {
        pk: frozenset(
            role_at_center.get(pk, set())
            | role_at_branch.get(branch_id, set())
            | role_at_company.get(company_id, set())
        )
        for pk, (branch_id, company_id) in center_parents.items()
    }
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
        _roles_by_center=roles_by_center,
    )
