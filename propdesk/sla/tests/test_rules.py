"""Calendar specs built from the database: statutory holidays from chinese-calendar, local CalendarDay
overrides (master data), the fixed-date fallback for years the package does not cover, and spec_for."""

import datetime as dt

import chinese_calendar
import pytest

from propdesk.sla import config, rules
from propdesk.sla.calendar import CalendarSpec, DayRules, point_after
from propdesk.sla.choices import CalendarKind
from propdesk.sla.models import BusinessCalendar, CalendarDay
from propdesk.sla.rules import day_rules, spec_for
from propdesk.testing.clock import pinned
from propdesk.testing.clock import shanghai_time as t

NOW = t(2026, 11, 20, 10, 0)


def covered(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


# The first year from 2027 on that the installed chinese-calendar does not know yet.
UNCOVERED = next(year for year in range(2027, 2100) if not covered(year))


def makeup_weekend_days(year: int) -> list[dt.date]:
    """Weekend days of ``year`` that are working days (调休上班), according to the package itself."""
    day, found = dt.date(year, 1, 1), []
    while day.year == year:
        is_holiday, _name = chinese_calendar.get_holiday_detail(day)
        if not is_holiday and day.weekday() >= 5:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


@pytest.fixture(autouse=True)
def keep_config(settings):
    """The SLA configuration kept by the process, as in production (the test settings compute it on every use);
    each test starts and ends with nothing kept (the cache is process-wide)."""
    settings.PROPDESK_KEEP_SLA_CONFIG = True
    config.forget()
    yield
    config.forget()


@pytest.fixture
def clock_start():
    """``clock`` starts on Friday 20 November 2026, 10:00 in Shanghai."""
    return NOW


# --- statutory days ----------------------------------------------------------------------------------------------


def test_national_day_is_a_holiday_and_a_makeup_weekend_day_a_workday(db, clock):
    # given the 2026 make-up weekend days as the package knows them
    makeup_days = makeup_weekend_days(2026)
    assert makeup_days, "chinese-calendar lists no make-up weekend day in 2026"
    # when
    result = day_rules()
    # then
    assert result.is_holiday(dt.date(2026, 10, 1))
    assert not result.is_workday(dt.date(2026, 10, 1))
    for day in makeup_days:
        assert day in result.makeup_workdays
        assert result.is_workday(day), day
        assert not result.is_holiday(day)


def test_an_ordinary_weekend_is_neither_holiday_nor_workday(db, clock):
    result = day_rules()
    saturday = dt.date(2026, 11, 21)
    assert chinese_calendar.get_holiday_detail(saturday) == (True, None)  # a plain weekend day for the package
    assert not result.is_holiday(saturday)
    assert saturday not in result.makeup_workdays
    assert not result.is_workday(saturday)
    assert result.is_workday(dt.date(2026, 11, 20))


def test_holidays_match_the_package_for_the_whole_year(db, clock):
    result = day_rules()
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        assert result.is_holiday(day) is (is_holiday and name is not None), day
        assert result.is_workday(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_rules_cover_last_year_to_three_years_ahead(db, clock):
    # given today is in 2026
    result = day_rules()
    # then 2025 … 2029 are known, 2024 and 2030 are not
    assert dt.date(2025, 10, 1) in result.holidays
    assert dt.date(2029, 10, 1) in result.holidays
    assert dt.date(2024, 10, 1) not in result.holidays
    assert dt.date(2030, 1, 1) not in result.holidays


def test_year_the_package_does_not_cover_still_has_fixed_holidays():
    # when
    holidays, makeup = rules._statutory(UNCOVERED)
    # then the fixed dates, and nothing else
    assert holidays == {
        dt.date(UNCOVERED, 1, 1),
        dt.date(UNCOVERED, 5, 1),
        dt.date(UNCOVERED, 10, 1),
        dt.date(UNCOVERED, 10, 2),
        dt.date(UNCOVERED, 10, 3),
    }
    assert makeup == set()


def test_day_rules_for_an_uncovered_year(db):
    # given the clock in the year before the first uncovered one
    with pinned(t(UNCOVERED - 1, 11, 20, 10)):
        result = day_rules()
    # then 01-01 and 10-01 of the uncovered year are holidays and closed on a workdays calendar
    assert result.is_holiday(dt.date(UNCOVERED, 1, 1))
    assert result.is_holiday(dt.date(UNCOVERED, 10, 1))
    assert not result.is_workday(dt.date(UNCOVERED, 10, 1))
    assert not result.is_holiday(dt.date(UNCOVERED, 10, 8))


# --- local overrides ---------------------------------------------------------------------------------------------


def test_override_makes_a_working_day_a_holiday(db, clock):
    # given the rules as read a moment ago (cached)
    before = day_rules()
    assert before.is_workday(dt.date(2026, 11, 18))
    # when the information manager records a local holiday
    CalendarDay.objects.create(date=dt.date(2026, 11, 18), is_workday=False, name="台风停工")
    # then it applies at once, inside the cache minute
    after = day_rules()
    assert after.is_holiday(dt.date(2026, 11, 18))
    assert not after.is_workday(dt.date(2026, 11, 18))


def test_override_makes_a_weekend_day_a_workday(db, clock):
    day_rules()
    CalendarDay.objects.create(date=dt.date(2026, 11, 21), is_workday=True, name="调休")
    after = day_rules()
    assert dt.date(2026, 11, 21) in after.makeup_workdays
    assert after.is_workday(dt.date(2026, 11, 21))


def test_override_turns_a_statutory_holiday_into_a_workday(db, clock):
    CalendarDay.objects.create(date=dt.date(2026, 10, 5), is_workday=True, name="本地安排上班")
    result = day_rules()
    assert not result.is_holiday(dt.date(2026, 10, 5))
    assert result.is_workday(dt.date(2026, 10, 5))


def test_override_turns_a_makeup_day_into_a_holiday(db, clock):
    makeup_day = makeup_weekend_days(2026)[-1]
    CalendarDay.objects.create(date=makeup_day, is_workday=False, name="本地不调休")
    result = day_rules()
    assert makeup_day not in result.makeup_workdays
    assert result.is_holiday(makeup_day)
    assert not result.is_workday(makeup_day)


def test_overrides_fill_an_uncovered_year(db):
    # given the arrangement of the uncovered year entered by hand
    CalendarDay.objects.create(date=dt.date(UNCOVERED, 10, 4), is_workday=False, name="国庆")
    CalendarDay.objects.create(date=dt.date(UNCOVERED, 10, 9), is_workday=True, name="国庆调休")
    with pinned(t(UNCOVERED, 3, 1, 10)):
        result = day_rules()
    assert result.is_holiday(dt.date(UNCOVERED, 10, 4))
    assert result.is_holiday(dt.date(UNCOVERED, 10, 1))
    assert result.is_workday(dt.date(UNCOVERED, 10, 9))


def test_rules_are_kept_until_the_configuration_changes_and_per_year(db, clock):
    # given the rules as read once
    first = day_rules()
    # then they are kept while nothing changes
    assert day_rules() is first
    # when the year turns
    clock.move_to(t(2027, 1, 4, 10))
    next_year = day_rules()
    # then they are computed for the new year
    assert next_year is not first
    assert dt.date(2030, 10, 1) in next_year.holidays
    assert dt.date(2030, 10, 1) not in first.holidays


def test_cache_is_rebuilt_when_an_override_changes(db, clock):
    day = CalendarDay.objects.create(date=dt.date(2026, 11, 18), is_workday=False)
    first = day_rules()
    assert first.is_holiday(dt.date(2026, 11, 18))
    # when the override is edited to a workday, and later removed
    day.is_workday = True
    day.save()
    second = day_rules()
    day.delete()
    third = day_rules()
    # then
    assert not second.is_holiday(dt.date(2026, 11, 18))
    assert dt.date(2026, 11, 18) in second.makeup_workdays
    assert not third.is_holiday(dt.date(2026, 11, 18))
    assert dt.date(2026, 11, 18) not in third.makeup_workdays


# --- spec_for ----------------------------------------------------------------------------------------------------


RULES = DayRules(holidays=frozenset({dt.date(2026, 10, 1)}))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (CalendarKind.ALWAYS, CalendarSpec()),
        (
            CalendarKind.DAILY_HOURS,
            CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(20), rules=RULES),
        ),
        (
            CalendarKind.DAILY_HOURS_EXCEPT_HOLIDAYS,
            CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(20), closed_on_holidays=True, rules=RULES),
        ),
        (
            CalendarKind.WORKDAYS,
            CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(20), workdays_only=True, rules=RULES),
        ),
    ],
)
def test_spec_for_maps_each_kind(kind, expected):
    calendar = BusinessCalendar(name=str(kind), kind=kind, opens=dt.time(9), closes=dt.time(20))
    assert spec_for(calendar, RULES) == expected


def test_spec_for_reads_the_day_rules_when_none_are_given(db, clock):
    # given the seeded office calendar (09:00–18:00 on working days)
    office = BusinessCalendar.objects.get(name="办公室 9:00–18:00（工作日）")
    # when
    spec = spec_for(office)
    # then it uses the statutory rules: 09-30 17:30 + 2 h skips National Day 2026
    assert spec == CalendarSpec(
        always_open=False,
        opens=dt.time(9),
        closes=dt.time(18),
        workdays_only=True,
        rules=day_rules(),
    )
    assert point_after(t(2026, 9, 30, 17, 30), dt.timedelta(hours=2), spec) == t(2026, 10, 8, 10, 30)
    # and a make-up Saturday of 2026 is open: Friday 10-09 17:00 + 2 h → Saturday 10-10 10:00
    assert point_after(t(2026, 10, 9, 17), dt.timedelta(hours=2), spec) == t(2026, 10, 10, 10)


def test_seeded_calendars(db):
    calendars = {c.name: (c.kind, c.opens, c.closes) for c in BusinessCalendar.objects.all()}
    assert calendars["全天候（24×7）"][0] == CalendarKind.ALWAYS
    assert calendars["客服前台 9:00–20:00（每日）"] == (CalendarKind.DAILY_HOURS, dt.time(9), dt.time(20))
    assert calendars["办公室 9:00–18:00（工作日）"] == (CalendarKind.WORKDAYS, dt.time(9), dt.time(18))
    desk = spec_for(BusinessCalendar.objects.get(name="客服前台 9:00–20:00（每日）"), RULES)
    # the desk works through holidays
    assert point_after(t(2026, 10, 1, 19), dt.timedelta(hours=2), desk) == t(2026, 10, 2, 10)
