"""Fixtures of the SLA tests."""

import pytest

from propdesk.testing.clock import shanghai_time


@pytest.fixture
def clock_start():
    """The world is built on Sunday 1 November 2026, 09:00; each test then moves the pinned clock."""
    return shanghai_time(2026, 11, 1, 9)
