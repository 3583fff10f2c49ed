"""Building calendar specs from the database: statutory holidays (chinese-calendar) + local overrides."""

import datetime as dt
import functools

import chinese_calendar
from django.utils import timezone

from . import config
from .calendar import CalendarSpec, DayRules
from .choices import CalendarKind

# Fixed-date statutory holidays, used for a year the calendar package does not cover yet until the
# information manager enters that year's arrangement as CalendarDay overrides.
_FIXED = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))


@functools.cache
def _statutory(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The year's statutory holidays and make-up workdays (from the installed package: kept for the process)."""
    holidays: set[dt.date] = set()
    makeup: set[dt.date] = set()
    day = dt.date(year, 1, 1)
    try:
        chinese_calendar.is_holiday(day)
        covered = True
    except NotImplementedError:
        covered = False
    while day.year == year:
        if covered:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            if is_holiday and name is not None:
                holidays.add(day)
            elif not is_holiday and day.weekday() >= 5:
                makeup.add(day)  # a weekend day that is a working day: 调休上班
        elif (day.month, day.day) in _FIXED:
            holidays.add(day)
        day += dt.timedelta(days=1)
    return frozenset(holidays), frozenset(makeup)


def day_rules() -> DayRules:
    """Statutory holidays and make-up days for last year … three years ahead, with local overrides.

    Kept by the process under the SLA configuration generation (``sla.config``): an override saved or deleted
    in any process applies on the next use in every process."""
    this_year = timezone.localdate().year
    return config.kept("day_rules", this_year, lambda: _compute_day_rules(this_year))


def _compute_day_rules(this_year: int) -> DayRules:
    from .models import CalendarDay

    overrides = list(CalendarDay.objects.values_list("date", "is_workday").order_by("date"))
    holidays: set[dt.date] = set()
    makeup: set[dt.date] = set()
    for year in range(this_year - 1, this_year + 4):
        h, m = _statutory(year)
        holidays |= h
        makeup |= m
    for day, is_workday in overrides:
        if is_workday:
            makeup.add(day)
            holidays.discard(day)
        else:
            holidays.add(day)
            makeup.discard(day)
    return DayRules(holidays=frozenset(holidays), makeup_workdays=frozenset(makeup))


def spec_for(calendar, rules: DayRules | None = None) -> CalendarSpec:
    """The pure CalendarSpec of a BusinessCalendar row."""
    if calendar.kind == CalendarKind.ALWAYS:
        return CalendarSpec()
    rules = rules or day_rules()
    return CalendarSpec(
        always_open=False,
        opens=calendar.opens,
        closes=calendar.closes,
        workdays_only=calendar.kind == CalendarKind.WORKDAYS,
        closed_on_holidays=calendar.kind == CalendarKind.DAILY_HOURS_EXCEPT_HOLIDAYS,
        rules=rules,
    )
