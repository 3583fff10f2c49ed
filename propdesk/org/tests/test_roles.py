"""Role groups and the levels a role may be granted at (SPEC §1)."""

import pytest

from propdesk.org.choices import Role, ScopeLevel, allowed_levels
from propdesk.org.roles import BACK_OFFICE, FIELD, FRONT, HANDLERS, MANAGERS, OVERSIGHT, STAFF


def test_every_staff_role_is_in_exactly_one_job_group():
    groups = [FRONT, MANAGERS, FIELD, BACK_OFFICE, OVERSIGHT]
    for role in STAFF:
        assert sum(role in group for group in groups) == 1, role
    assert set().union(*groups) == set(STAFF)


def test_residents_are_not_staff_and_handlers_are_the_front_line_and_managers():
    assert Role.RESIDENT not in STAFF
    assert HANDLERS == FRONT | MANAGERS
    assert {Role.CONTROL_OPERATOR, Role.RECEPTIONIST, Role.CS_ASSISTANT, Role.CS_SUPERVISOR} == FRONT


@pytest.mark.parametrize(
    ("role", "levels"),
    [
        (Role.QUALITY_DEPT, {ScopeLevel.COMPANY}),
        (Role.BUSINESS_DEPT, {ScopeLevel.COMPANY}),
        (Role.BRANCH_LEADER, {ScopeLevel.BRANCH}),
        (Role.RECEPTIONIST, {ScopeLevel.SERVICE_CENTER, ScopeLevel.COMMUNITY}),
        (Role.TECHNICIAN, {ScopeLevel.SERVICE_CENTER, ScopeLevel.COMMUNITY}),
        (Role.RESIDENT, set()),
    ],
)
def test_levels_a_role_may_be_held_at(role, levels):
    assert allowed_levels(role) == levels
