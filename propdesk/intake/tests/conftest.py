"""Fixtures of the intake tests."""

import pytest

from propdesk.tickets.tests.helpers import BUILT_AT


@pytest.fixture
def clock_start():
    """The world is built on 1 October 2026, so households exist before any receipt time the tests use."""
    return BUILT_AT
