"""Staff logins of any SPEC role at any scope, for tests (built on ``factories.staff_user``).

``role_user(Role.CS_SUPERVISOR, world.center_a)`` is a CS supervisor of center A,
``role_user(Role.TECHNICIAN, world.community_b)`` a technician of one community, ``role_user(Role.QUALITY_DEPT,
world.company)`` the company quality department, ``role_user(Role.BRANCH_LEADER, world.branch)`` a branch leader.
The root ``conftest.py`` offers the same as the ``staff`` fixture, with the scope defaulting from the world.
"""

import itertools

from propdesk.communities.models import Community
from propdesk.org.choices import BRANCH_ROLES, COMPANY_ROLES, MEMBERSHIP_ROLES, Role, ScopeLevel, allowed_levels
from propdesk.org.models import Branch, Company, ServiceCenter

from .factories import OrgWorld, staff_user

_SCOPE_KWARG = {Company: "company", Branch: "branch", ServiceCenter: "center", Community: "community"}
_SCOPE_LEVEL = {
    Company: ScopeLevel.COMPANY,
    Branch: ScopeLevel.BRANCH,
    ServiceCenter: ScopeLevel.SERVICE_CENTER,
    Community: ScopeLevel.COMMUNITY,
}
_NUMBER = itertools.count(1)


def role_user(role: str, scope, *, username: str | None = None, department=None):
    """A staff login holding ``role`` at ``scope`` (a Company, Branch, ServiceCenter or Community).

    Refuses a scope the role cannot be granted at (``org.choices.allowed_levels``), so a test cannot build a
    membership production would never hold. ``username`` defaults to a fresh ``<role>-<n>``; ``department``
    to the one ``staff_user`` makes (a customer-service department of the center, or a quality department of
    the company)."""
    if role not in MEMBERSHIP_ROLES:
        raise ValueError(f"{role!r} is not a staff role")
    kind = type(scope)
    if kind not in _SCOPE_KWARG:
        raise TypeError(f"a role is held at a company, branch, service center or community, not {scope!r}")
    if _SCOPE_LEVEL[kind] not in allowed_levels(role):
        raise ValueError(f"{role} cannot be held at {_SCOPE_LEVEL[kind]} level")
    username = username or f"{role}-{next(_NUMBER)}"
    return staff_user(username, role, department=department, **{_SCOPE_KWARG[kind]: scope})


def default_scope(role: str, world: OrgWorld):
    """Where a role sits in the test world unless a test says otherwise: company roles at the company, branch
    roles at the branch, every other role at service center A."""
    if role in COMPANY_ROLES:
        return world.company
    if role in BRANCH_ROLES:
        return world.branch
    return world.center_a


__all__ = ["Role", "default_scope", "role_user"]
