"""Shared pytest fixtures: a small organisation with two service centers, built with factories."""

import pytest

from propdesk.testing.factories import OrgWorld, build_world


@pytest.fixture
def world(db) -> OrgWorld:
    """Company → branch → two centers (A, B) → one community each, with households and residents."""
    return build_world()
