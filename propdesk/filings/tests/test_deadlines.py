"""Every deadline of the seeds (15th/18th/20th, the 3rd, 15 January, the half-month, by-the-30th, the legacy
statistics), moved to the previous working day when it falls on a weekend or a holiday, or as the company set."""

import datetime as dt

import pytest

from propdesk.filings import deadlines
from propdesk.filings.choices import FilingKind, HolidayRule
from propdesk.filings.models import FilingSettings
from propdesk.filings.services import filing_open, filing_update, settings_change
from propdesk.sla.calendar import DayRules
from propdesk.sla.rules import day_rules

D = dt.date
PLAIN = DayRules()  # weekends only
# 2026-10-01 … 2026-10-07 off (National Day), 2026-10-10 (Saturday) a make-up working day.
GOLDEN_WEEK = DayRules(
    holidays=frozenset(D(2026, 10, d) for d in range(1, 8)), makeup_workdays=frozenset({D(2026, 10, 10)})
)


def test_the_quarterly_reports_deadlines_on_working_days():
    dates = deadlines.step_dates(FilingKind.QUARTERLY, D(2026, 12, 31), PLAIN)
    # 2027-01-15 is a Friday, the 18th a Monday, the 20th a Wednesday.
    assert dates == {
        "submit": D(2027, 1, 15),
        "review": D(2027, 1, 15),
        "approve": D(2027, 1, 15),
        "quality_approve": D(2027, 1, 15),
        "post": D(2027, 1, 18),
        "publish": D(2027, 1, 20),
        "deliver": D(2027, 1, 20),
    }


def test_the_18th_on_a_sunday_moves_to_friday():
    dates = deadlines.step_dates(FilingKind.QUARTERLY, D(2026, 9, 30), PLAIN)
    assert (dates["submit"], dates["post"], dates["publish"]) == (D(2026, 10, 15), D(2026, 10, 16), D(2026, 10, 20))


def test_the_brief_is_due_the_3rd_and_before_a_holiday():
    assert deadlines.step_dates(FilingKind.BRIEF, D(2026, 11, 30), PLAIN)["submit"] == D(2026, 12, 3)
    # 2026-10-03 falls in the National Day holiday: due on Wednesday 30 September.
    assert deadlines.step_dates(FilingKind.BRIEF, D(2026, 9, 30), GOLDEN_WEEK)["submit"] == D(2026, 9, 30)


def test_the_company_may_move_deadlines_to_the_next_working_day_or_keep_them():
    assert deadlines.step_dates(FilingKind.BRIEF, D(2026, 9, 30), GOLDEN_WEEK, HolidayRule.NEXT)["deliver"] == D(
        2026, 10, 8
    )
    assert deadlines.step_dates(FilingKind.BRIEF, D(2026, 9, 30), GOLDEN_WEEK, HolidayRule.KEEP)["deliver"] == D(
        2026, 10, 3
    )
    # A make-up working day is a working day.
    assert deadlines.shift(D(2026, 10, 10), GOLDEN_WEEK) == D(2026, 10, 10)


def test_the_yearly_budget_is_due_15_january():
    assert deadlines.step_dates(FilingKind.BUDGET, D(2026, 12, 31), PLAIN) == {
        "submit": D(2027, 1, 15),
        "publish": D(2027, 1, 15),
    }
    # 2028-01-15 is a Saturday.
    assert deadlines.step_dates(FilingKind.BUDGET, D(2027, 12, 31), PLAIN)["publish"] == D(2028, 1, 14)


def test_the_half_month_statistics_are_due_days_after_the_half():
    assert deadlines.half_month_bounds(D(2026, 2, 20)) == (D(2026, 2, 16), D(2026, 2, 28))
    assert deadlines.step_dates(FilingKind.HALF_MONTH, D(2026, 11, 15), PLAIN)["submit"] == D(2026, 11, 18)
    # 2026-11-30 + 3 = 2026-12-03 (Thursday); with 6 days 2026-12-06 is a Sunday → Friday the 4th.
    assert deadlines.step_dates(FilingKind.HALF_MONTH, D(2026, 11, 30), PLAIN)["circulate"] == D(2026, 12, 3)
    assert deadlines.step_dates(FilingKind.HALF_MONTH, D(2026, 11, 30), PLAIN, half_month_days=6)["submit"] == D(
        2026, 12, 4
    )


def test_the_complaint_publications():
    assert deadlines.public_summary_due(D(2026, 11, 1), PLAIN) == D(2026, 11, 30)
    assert deadlines.public_summary_due(D(2026, 5, 1), PLAIN) == D(2026, 5, 29)  # the 30th is a Saturday
    assert deadlines.public_summary_due(D(2026, 2, 1), PLAIN) == D(2026, 2, 27)  # the 28th is a Saturday
    assert deadlines.public_summary_due(D(2026, 5, 1), PLAIN, HolidayRule.NEXT) == D(2026, 6, 1)
    assert deadlines.legacy_due(2026, 3, PLAIN) == D(2026, 10, 15)


@pytest.mark.usefixtures("clock")
def test_the_statutory_calendar_is_the_one_of_the_sla_app(db):
    rules = day_rules()
    # The brief for December 2025 is due 3 January 2026, in the New Year holiday: Wednesday 31 December 2025.
    assert deadlines.step_dates(FilingKind.BRIEF, D(2025, 12, 31), rules)["submit"] == D(2025, 12, 31)
    assert deadlines.step_dates(FilingKind.BRIEF, D(2026, 9, 30), rules)["submit"] == D(2026, 9, 30)


@pytest.mark.usefixtures("clock")
def test_a_filing_gets_its_deadlines_after_the_companys_setting(cast, world):
    settings_change(
        actor=cast.business,
        company=world.company,
        holiday_rule=HolidayRule.NEXT,
        half_month_days=3,
        expected_version=None,
    )
    filing = filing_open(
        actor=cast.cs, kind=FilingKind.QUARTERLY, service_center=world.center_a, community=world.community_a,
        day=D(2026, 8, 1),
    )  # fmt: skip
    filing_update(actor=cast.cs, filing=filing, sections={}, expected_version=None)
    due = dict(filing.deadlines.values_list("step", "due_on"))
    assert (due["submit"], due["post"], due["publish"]) == (D(2026, 10, 15), D(2026, 10, 19), D(2026, 10, 20))
    assert FilingSettings.objects.get(company=world.company).holiday_rule == HolidayRule.NEXT
