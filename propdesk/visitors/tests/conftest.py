"""Fixtures of the visitor tests: a Wednesday morning at the gate of 翠湖花园 (community A)."""

import pytest

from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time

NOW = shanghai_time(2026, 11, 18, 9, 0)
ID_A = "440308199901011234"


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def guard_a(world):
    from propdesk.testing.roles import role_user

    return role_user(Role.SECURITY_GUARD, world.center_a, username="guard-a")


@pytest.fixture
def guard_b(world):
    from propdesk.testing.roles import role_user

    return role_user(Role.SECURITY_GUARD, world.center_b, username="guard-b")


def visit_kwargs(world, **overrides) -> dict:
    base = {
        "community": world.community_a,
        "visitor_name": "王强",
        "document_type": "id_card",
        "id_number": ID_A,
        "purpose": "visit",
        "phone": "139 1234 5678",
        "room": "3-2-1202",
        "area": "3栋",
        "plate": "粤b 12345",
        "people": 2,
    }
    return {**base, **overrides}
