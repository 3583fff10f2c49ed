"""The shared test kit itself: staff of any role at any scope, threads released together, the pinned clock."""

import datetime as dt
import threading

import pytest
from django.utils import timezone

from propdesk.org.choices import MEMBERSHIP_ROLES, Role, ScopeLevel, allowed_levels
from propdesk.org.models import RoleMembership
from propdesk.testing.clock import SHANGHAI, pinned, shanghai_time
from propdesk.testing.concurrency import errors, outcome, run_together
from propdesk.testing.roles import role_user

SCOPES = {
    ScopeLevel.COMPANY: lambda world: world.company,
    ScopeLevel.BRANCH: lambda world: world.branch,
    ScopeLevel.SERVICE_CENTER: lambda world: world.center_a,
    ScopeLevel.COMMUNITY: lambda world: world.community_b,
}
CASES = sorted((str(role), str(level)) for role in MEMBERSHIP_ROLES for level in SCOPES)


@pytest.mark.parametrize(("role", "level"), CASES, ids=[f"{r}@{lv}" for r, lv in CASES])
def test_role_user_holds_the_role_where_it_may_be_held_and_nowhere_else(world, role, level):
    scope = SCOPES[level](world)
    if level not in allowed_levels(role):
        with pytest.raises(ValueError, match=f"{role} cannot be held at {level} level"):
            role_user(role, scope)
        return

    user = role_user(role, scope)

    membership = RoleMembership.objects.get(user=user)
    assert (membership.role, membership.scope_level, membership.scope_object) == (role, level, scope)
    assert user.staff_profile.department is not None
    assert user.check_password("pw-123456")


def test_role_user_refuses_residents_and_objects_that_are_no_scope(world):
    with pytest.raises(ValueError, match="not a staff role"):
        role_user(Role.RESIDENT, world.center_a)
    with pytest.raises(TypeError):
        role_user(Role.RECEPTIONIST, world.household_a)


def test_staff_fixture_places_each_role_at_its_default_scope(world, staff):
    quality, leader, supervisor = staff(Role.QUALITY_DEPT), staff(Role.BRANCH_LEADER), staff(Role.CS_SUPERVISOR)
    elsewhere = staff(Role.TECHNICIAN, world.community_b, username="tech-b")

    scopes = [RoleMembership.objects.get(user=u).scope_object for u in (quality, leader, supervisor, elsewhere)]
    assert scopes == [world.company, world.branch, world.center_a, world.community_b]
    assert elsewhere.username == "tech-b"


def test_run_together_releases_every_thread_at_once_and_keeps_results_in_order():
    arrived = []
    lock = threading.Lock()

    def work(i: int):
        with lock:
            arrived.append(i)
        if i == 2:
            raise ValueError("three")
        return i * 10

    results = run_together(4, work)

    assert sorted(arrived) == [0, 1, 2, 3]
    assert [outcome(r) for r in results] == [0, 10, "ValueError", 30]
    assert [str(e) for e in errors(results)] == ["three"]


def test_pinned_clock_stands_still_until_moved():
    start = shanghai_time(2026, 11, 18, 10, 0, 30)
    assert start.tzinfo is SHANGHAI

    with pinned(start) as clock:
        first, second = timezone.now(), timezone.now()
        clock.shift(dt.timedelta(minutes=5))
        moved = timezone.now()

    assert first == second == start
    assert moved == shanghai_time(2026, 11, 18, 10, 5, 30)


@pytest.fixture
def clock_start():
    """This module's start of the ``clock`` fixture (root conftest)."""
    return shanghai_time(2026, 1, 2, 3, 4, 5)


def test_clock_fixture_starts_at_clock_start(clock, clock_start):
    assert timezone.now() == clock_start
