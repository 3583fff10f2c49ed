"""When each step of a filing is due: pure functions, no ORM and no clock, so that every date can be tested.

The seeds' deadlines (001 §4.3, 004 篇2): the quarterly management-service report is written, reviewed and
approved before the 15th of the quarter's first month, posted on the intranet by the 18th and published to
customers (and handed to the owners' committee) by the 20th; the monthly work brief is compiled by the 3rd of
the month for the previous month; a remuneration-model project publishes its yearly budget and final accounts by
15 January; the public complaint summary is published by the 30th. The half-month statistics carry no date in
the seeds: they are due a number of days after the half-month ends (a company setting, three by default), and
the developer-legacy statistics of a quarter are due with the quarterly report, by the 15th.

A deadline that falls on a weekend or a statutory holiday moves to the previous working day, unless the company
chose otherwise (``HolidayRule``).
"""

import calendar
import datetime as dt

from propdesk.sla.calendar import DayRules

from .choices import FilingKind, HolidayRule, Step

HALF_MONTH_DAYS = 3


def shift(day: dt.date, rules: DayRules, rule: str = HolidayRule.PREVIOUS) -> dt.date:
    """``day`` itself when it is a working day; otherwise the previous (or next) working day, as the rule says."""
    if rule == HolidayRule.KEEP:
        return day
    step = dt.timedelta(days=-1 if rule == HolidayRule.PREVIOUS else 1)
    for _ in range(60):  # the longest run of days off is far shorter
        if rules.is_workday(day):
            return day
        day += step
    return day


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    return (month_end(day) + dt.timedelta(days=1)).replace(day=1)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    return start, month_end(dt.date(year, 3 * quarter, 1))


def half_month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The half-month ``day`` lies in: the 1st–15th or the 16th–last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    return day.replace(day=16), month_end(day)


def nominal_dates(kind: str, period_end: dt.date, half_month_days: int = HALF_MONTH_DAYS) -> dict[str, dt.date]:
    """The unadjusted due date of each step of a filing whose period ends on ``period_end``."""
    following = period_end + dt.timedelta(days=1)
    if kind == FilingKind.HALF_MONTH:
        due = period_end + dt.timedelta(days=half_month_days)
        return {Step.SUBMIT: due, Step.MANAGER_APPROVE: due, Step.CIRCULATE: due}
    if kind == FilingKind.QUARTERLY:
        on = following.replace
        return {
            Step.SUBMIT: on(day=15),
            Step.REVIEW: on(day=15),
            Step.APPROVE: on(day=15),
            Step.QUALITY_APPROVE: on(day=15),
            Step.POST: on(day=18),
            Step.PUBLISH: on(day=20),
            Step.DELIVER: on(day=20),
        }
    if kind == FilingKind.BRIEF:
        due = following.replace(day=3)
        return dict.fromkeys((Step.SUBMIT, Step.REVIEW, Step.APPROVE, Step.QUALITY_APPROVE, Step.DELIVER), due)
    due = dt.date(period_end.year + 1, 1, 15)
    return {Step.SUBMIT: due, Step.PUBLISH: due}


def step_dates(
    kind: str, period_end: dt.date, rules: DayRules, rule: str = HolidayRule.PREVIOUS, half_month_days: int = 3
) -> dict[str, dt.date]:
    """Each step's due date after the company's holiday rule."""
    return {step: shift(day, rules, rule) for step, day in nominal_dates(kind, period_end, half_month_days).items()}


def public_summary_due(month: dt.date, rules: DayRules, rule: str = HolidayRule.PREVIOUS) -> dt.date:
    """The monthly public complaint summary: by the 30th (the last day of a shorter month)."""
    return shift(month.replace(day=min(30, calendar.monthrange(month.year, month.month)[1])), rules, rule)


def legacy_due(year: int, quarter: int, rules: DayRules, rule: str = HolidayRule.PREVIOUS) -> dt.date:
    """The developer-legacy statistics of a quarter: with the quarterly report, by the 15th of the next month."""
    _start, end = quarter_bounds(year, quarter)
    return shift((end + dt.timedelta(days=1)).replace(day=15), rules, rule)
