"""The coverage targets of 001 §4.4.3, computed from a community's household count."""

import pytest

from propdesk.engagement.targets import yearly_target


@pytest.mark.parametrize(("households", "expected"), [(800, 800), (1000, 1000), (1001, 801), (1500, 1200)])
def test_the_yearly_target(households, expected):
    target = yearly_target(households)
    assert target.households == expected
    assert target.monthly_minimum == 0


def test_a_small_project_interviews_at_least_25_households_a_month():
    assert yearly_target(120).monthly_minimum == 25
    assert yearly_target(120).households == 120
    # Flagged as small although larger than 300.
    assert yearly_target(400, small_project=True).monthly_minimum == 25
    # Ten months left with 120 households: still 25 a month, not 12.
    assert yearly_target(120).month_quota(10, 120) == 25


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        yearly_target(-1)
