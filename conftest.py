"""Shared pytest fixtures: a small organisation with two service centers, built with factories."""

import pytest

from propdesk.testing.factories import OrgWorld, build_world


@pytest.fixture
def world(db) -> OrgWorld:
    """Company → branch → two centers (A, B) → one community each, with households and residents."""
    return build_world()


@pytest.fixture
def reception_a(world):
    """A receptionist of center A."""
    from propdesk.org.choices import Role
    from propdesk.testing.factories import staff_user

    return staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def reception_b(world):
    """A receptionist of center B."""
    from propdesk.org.choices import Role
    from propdesk.testing.factories import staff_user

    return staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)


@pytest.fixture
def technician_a(world):
    """A technician of center A's engineering department."""
    from propdesk.org.choices import DepartmentKind, Role
    from propdesk.testing.factories import DepartmentFactory, staff_user

    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    return staff_user("tech-a", Role.TECHNICIAN, center=world.center_a, department=engineering)


@pytest.fixture
def resident_user_a(world):
    """Resident A (张伟, household 3栋2单元1202 of 翠湖花园) with a portal login."""
    from propdesk.testing.factories import UserFactory

    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    return user
