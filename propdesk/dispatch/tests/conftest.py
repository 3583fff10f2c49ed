"""Fixtures of the dispatch tests."""

import pytest

from .helpers import BUILT_AT


@pytest.fixture
def clock_start():
    """The world and the crew are set up on Monday 2 November 2026; the tests then act from 18 November."""
    return BUILT_AT
