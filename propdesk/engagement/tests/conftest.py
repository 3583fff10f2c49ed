"""Fixtures of the engagement tests: a Tuesday morning in March 2026 at 翠湖花园 (community A)."""

import itertools

import pytest

from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import HouseholdFactory, UnitFactory

NOW = shanghai_time(2026, 3, 10, 10, 0)
_BUILDING = itertools.count(1)


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def cs_sup(staff):
    return staff(Role.CS_SUPERVISOR, username="cs-sup")


@pytest.fixture
def assistant(staff):
    return staff(Role.CS_ASSISTANT, username="cs-assistant")


@pytest.fixture
def manager(staff):
    return staff(Role.CENTER_MANAGER, username="manager")


def add_households(community, n: int, building=None) -> list:
    """``n`` more households in ``community`` (in ``building`` or a new one)."""
    from propdesk.testing.factories import BuildingFactory

    building = building or BuildingFactory(community=community, name=f"E{next(_BUILDING)}栋")
    return [HouseholdFactory(unit=UnitFactory(building=building, number=f"{i + 1:03d}")) for i in range(n)]
