"""Fixtures of the report tests."""

import pytest

from propdesk.tickets.tests.helpers import BUILT_AT


@pytest.fixture
def clock_start():
    return BUILT_AT
