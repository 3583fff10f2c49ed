"""The monthly statistics on the fixture month equal the figures counted by hand (fixture_month.py)."""

import datetime as dt

import pytest

from propdesk.org.choices import Role
from propdesk.reports.selectors_monthly import monthly_statistics
from propdesk.testing.roles import role_user

from .fixture_month import build_month

pytestmark = pytest.mark.usefixtures("clock")
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def month(world, clock):
    return build_month(world, clock)


def rows(stats, section: str) -> dict:
    return {r.key: (r.this, r.last, r.year) for r in stats.section(section).rows}


def test_the_managers_month_is_counted_as_by_hand(world, month):
    stats = monthly_statistics(user=month.manager_a, month=NOVEMBER)
    assert (stats.month, stats.last_month, stats.last_year) == (NOVEMBER, dt.date(2026, 10, 1), dt.date(2025, 11, 1))
    kinds = rows(stats, "kinds")
    assert kinds["repair"] == (4, 1, 2)
    assert kinds["complaint"] == (3, 1, 0)
    assert kinds["consultation"] == kinds["praise"] == kinds["suggestion"] == (1, 0, 0)
    assert kinds["received"] == (10, 2, 2)
    assert kinds["closed"] == (2, 0, 0)
    assert rows(stats, "complaint_class") == {"1": (1, 1, 0), "2": (1, 0, 0), "": (1, 0, 0)}
    assert rows(stats, "complaint_validity") == {"valid": (1, 1, 0), "invalid": (1, 0, 0), "pending": (1, 0, 0)}
    assert rows(stats, "complaint_category") == {"repair": (1, 0, 0), "noise": (1, 1, 0), "other": (1, 0, 0)}
    timely = rows(stats, "complaint_timeliness")
    assert timely["met"] == (1, 0, 0) and timely["breached"] == (1, 0, 0)
    assert timely["rate"] == (50.0, None, None)
    assert timely["satisfied"] == (1, 0, 0) and timely["unsatisfied"] == (0, 0, 0)
    assert rows(stats, "repair_category") == {
        "plumbing": (2, 1, 0),
        "electrical": (1, 0, 0),
        "general": (0, 0, 2),
        "": (1, 0, 0),
    }
    visits = rows(stats, "return_visits")
    assert visits["satisfied"] == visits["unsatisfied"] == visits["unreached"] == (1, 0, 0)
    assert visits["reached"] == (0, 0, 0)
    assert visits["satisfaction"] == (50.0, None, None)
    assert visits["reachability"] == (66.7, None, None)
    assert rows(stats, "timeliness")["rate"] == (50.0, None, None)
    assert rows(stats, "communities") == {str(world.community_a.pk): (10, 2, 2)}
    assert rows(stats, "centers") == {str(world.center_a.pk): (10, 2, 2)}
    people = {r.label: r.this for r in stats.section("people").rows}
    assert people[month.technician.staff_profile.name] == 2


def test_the_company_sees_both_centers_and_one_community_can_be_chosen(world, month):
    quality = role_user(Role.QUALITY_DEPT, world.company, username="qa")
    stats = monthly_statistics(user=quality, month=NOVEMBER)
    assert stats.figure("kinds", "repair") == 5
    assert stats.figure("kinds", "complaint") == 4
    assert stats.figure("complaint_class", "1") == 2
    assert rows(stats, "centers") == {str(world.center_a.pk): (10, 2, 2), str(world.center_b.pk): (2, 0, 0)}
    only_b = monthly_statistics(user=quality, month=NOVEMBER, community_id=world.community_b.pk)
    assert only_b.figure("kinds", "received") == 2


def test_staff_without_the_report_role_see_nothing(world, month):
    technician_stats = monthly_statistics(user=month.technician, month=NOVEMBER)
    assert technician_stats.figure("kinds", "received") == 0
    assert technician_stats.section("communities").rows == []
