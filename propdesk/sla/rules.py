"""Building calendar specs from the database: statutory holidays (chinese-calendar) + local overrides."""

import datetime as dt
import time

import chinese_calendar
from django.utils import timezone

from .calendar import CalendarSpec, DayRules
from .choices import CalendarKind

_CACHE: dict = {"at": 0.0, "key": None, "rules": None}
CACHE_SECONDS = 60
# Fixed-date statutory holidays, used for a year the calendar package does not cover yet until the
# information manager enters that year's arrangement as CalendarDay overrides.
_FIXED = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))


def _statutory(year: int) -> tuple[set[dt.date], set[dt.date]]:
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
    return holidays, makeup


def day_rules(now: float | None = None) -> DayRules:
    """Statutory holidays and make-up days for last year … three years ahead, with local overrides.
    Cached for a minute; an override edited in the admin applies within that minute."""
    from .models import CalendarDay

    now = time.monotonic() if now is None else now
    overrides = list(CalendarDay.objects.values_list("date", "is_workday").order_by("date"))
    this_year = timezone.localdate().year
    key = (this_year, tuple(overrides))
    if _CACHE["rules"] is not None and _CACHE["key"] == key and now - _CACHE["at"] < CACHE_SECONDS:
        return _CACHE["rules"]
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
    rules = DayRules(holidays=frozenset(holidays), makeup_workdays=frozenset(makeup))
    _CACHE.update(at=now, key=key, rules=rules)
    return rules


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
