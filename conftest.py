"""Shared pytest fixtures: a small organisation with two service centers built with factories, staff of any
role, and a pinned clock. The helpers behind them live in ``propdesk.testing``."""

import pytest

from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.clock import pinned
from propdesk.testing.factories import DepartmentFactory, OrgWorld, UserFactory, build_world
from propdesk.testing.roles import default_scope, role_user


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a test-client request in English leaves English active in
    the thread, and a later service-level test in the same worker would otherwise get English messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    """Every test starts with no text messages sent (the local-memory SMS backend's outbox), as Django empties
    ``mail.outbox``."""
    from propdesk.notify import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def world(db) -> OrgWorld:
    """Company → branch → two centers (A, B) → one community each, with households and residents."""
    return build_world()


# --- staff ---------------------------------------------------------------------------------------------------


@pytest.fixture
def staff(world):
    """Make staff logins: ``staff(Role.CS_SUPERVISOR)`` is a CS supervisor of center A (company roles sit at
    the company, the branch leader at the branch); ``staff(role, world.community_b, username=…)`` places one
    elsewhere. See ``propdesk.testing.roles.role_user``."""

    def make(role: str, scope=None, **kwargs):
        return role_user(role, scope if scope is not None else default_scope(role, world), **kwargs)

    return make


@pytest.fixture
def reception_a(world):
    """A receptionist of center A."""
    return role_user(Role.RECEPTIONIST, world.center_a, username="reception-a")


@pytest.fixture
def reception_b(world):
    """A receptionist of center B."""
    return role_user(Role.RECEPTIONIST, world.center_b, username="reception-b")


@pytest.fixture
def technician_a(world):
    """A technician of center A's engineering department."""
    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    return role_user(Role.TECHNICIAN, world.center_a, username="tech-a", department=engineering)


@pytest.fixture
def resident_user_a(world):
    """Resident A (张伟, household 3栋2单元1202 of 翠湖花园) with a portal login."""
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    return user


# --- time ----------------------------------------------------------------------------------------------------


@pytest.fixture
def clock_start():
    """Where ``clock`` starts: each app's ``tests/conftest.py`` (or a test module) that uses ``clock`` sets it."""
    pytest.fail("this test uses `clock` but no conftest.py or module sets `clock_start`")


@pytest.fixture
def clock(clock_start):
    """A time-machine clock pinned at ``clock_start`` (it does not tick); move it with ``clock.move_to`` or
    ``clock.shift``. Modules that ran every test on it use ``pytest.mark.usefixtures("clock")``."""
    with pinned(clock_start) as traveller:
        yield traveller


@pytest.fixture
def browser():
    """A Chromium for one test (the apps' browser tests; ``tests/browser`` shares one per session)."""
    from propdesk.testing.browser import chromium

    with chromium() as instance:
        yield instance
