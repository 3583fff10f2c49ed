"""Business-time arithmetic (SPEC §11: deadlines are computed): the pure functions of sla/calendar.py.

No database, no clock. Every expected moment below is worked out by hand on the Shanghai wall clock.

Calendars used throughout:
  ALWAYS      24×7
  DESK        09:00–20:00 every day, statutory holidays included (the front desk)
  DESK_HOL    09:00–20:00 every day except statutory holidays
  OFFICE      09:00–18:00 on working days only (weekends and holidays closed, make-up days open)
  NIGHT       20:00–08:00 every day (an overnight window belongs to the day it opens on)
  NIGHT_WORK  20:00–08:00 opening on working days only

Day rules (a made-up National Day arrangement so the cases do not depend on the calendar package):
  holidays 2026-10-01 (Thu) … 2026-10-07 (Wed); make-up workdays 2026-09-27 (Sun) and 2026-10-10 (Sat).
  2026-09-25 Fri, 09-26 Sat, 09-30 Wed, 10-08 Thu, 10-09 Fri, 10-11 Sun, 10-12 Mon,
  2026-11-20 Fri, 11-21 Sat, 11-22 Sun, 11-23 Mon.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from propdesk.sla.calendar import (
    ALWAYS,
    CalendarSpec,
    DayRules,
    Deadline,
    compute_deadline,
    elapsed,
    end_of_business_day,
    point_after,
)

TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def t(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment on the Shanghai wall clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


NATIONAL_DAY = frozenset(dt.date(2026, 10, d) for d in range(1, 8))
RULES = DayRules(holidays=NATIONAL_DAY, makeup_workdays=frozenset({dt.date(2026, 9, 27), dt.date(2026, 10, 10)}))

DESK = CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(20), rules=RULES)
DESK_HOL = CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(20), closed_on_holidays=True, rules=RULES)
OFFICE = CalendarSpec(always_open=False, opens=dt.time(9), closes=dt.time(18), workdays_only=True, rules=RULES)
NIGHT = CalendarSpec(always_open=False, opens=dt.time(20), closes=dt.time(8), rules=RULES)
NIGHT_WORK = CalendarSpec(always_open=False, opens=dt.time(20), closes=dt.time(8), workdays_only=True, rules=RULES)
NEVER_OPEN = CalendarSpec(
    always_open=False,
    opens=dt.time(9),
    closes=dt.time(18),
    workdays_only=True,
    rules=DayRules(weekend=frozenset(range(7))),
)

SPECS = {
    "always": ALWAYS,
    "desk": DESK,
    "desk_hol": DESK_HOL,
    "office": OFFICE,
    "night": NIGHT,
    "night_work": NIGHT_WORK,
}


# --- day rules and open days -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday", "holiday"),
    [
        (dt.date(2026, 9, 25), True, False),  # an ordinary Friday
        (dt.date(2026, 9, 26), False, False),  # an ordinary Saturday
        (dt.date(2026, 9, 27), True, False),  # make-up Sunday
        (dt.date(2026, 9, 30), True, False),
        (dt.date(2026, 10, 1), False, True),  # holiday on a Thursday
        (dt.date(2026, 10, 3), False, True),  # holiday on a Saturday
        (dt.date(2026, 10, 7), False, True),
        (dt.date(2026, 10, 8), True, False),
        (dt.date(2026, 10, 10), True, False),  # make-up Saturday
        (dt.date(2026, 10, 11), False, False),  # an ordinary Sunday
    ],
)
def test_day_rules_workdays_holidays_and_makeup_days(day, workday, holiday):
    assert RULES.is_workday(day) is workday
    assert RULES.is_holiday(day) is holiday


def test_day_rules_makeup_wins_over_holiday_and_weekend_is_configurable():
    # given a day listed both as holiday and make-up day, and a Friday/Saturday weekend
    clash = DayRules(holidays=frozenset({dt.date(2026, 10, 1)}), makeup_workdays=frozenset({dt.date(2026, 10, 1)}))
    gulf = DayRules(weekend=frozenset({4, 5}))
    # then
    assert clash.is_workday(dt.date(2026, 10, 1)) is True
    assert gulf.is_workday(dt.date(2026, 11, 20)) is False  # Friday
    assert gulf.is_workday(dt.date(2026, 11, 22)) is True  # Sunday


@pytest.mark.parametrize(
    ("spec", "day", "is_open"),
    [
        ("always", dt.date(2026, 10, 1), True),
        ("desk", dt.date(2026, 10, 1), True),  # the desk works through holidays
        ("desk", dt.date(2026, 10, 11), True),
        ("desk_hol", dt.date(2026, 10, 1), False),
        ("desk_hol", dt.date(2026, 10, 11), True),  # weekends are open, only holidays close
        ("desk_hol", dt.date(2026, 10, 10), True),
        ("office", dt.date(2026, 10, 1), False),
        ("office", dt.date(2026, 10, 11), False),
        ("office", dt.date(2026, 10, 10), True),  # make-up Saturday
        ("office", dt.date(2026, 9, 27), True),  # make-up Sunday
        ("office", dt.date(2026, 10, 12), True),
    ],
)
def test_is_open_day(spec, day, is_open):
    assert SPECS[spec].is_open_day(day) is is_open


# --- point_after: 24×7 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (t(2026, 11, 20, 10), minutes(0), t(2026, 11, 20, 10)),
        (t(2026, 11, 20, 10), minutes(5), t(2026, 11, 20, 10, 5)),
        (t(2026, 11, 20, 10), hours(2), t(2026, 11, 20, 12)),
        (t(2026, 11, 20, 23), hours(2), t(2026, 11, 21, 1)),  # across midnight
        (t(2026, 11, 20, 10), hours(24), t(2026, 11, 21, 10)),
        (t(2026, 9, 30, 17, 30), hours(48), t(2026, 10, 2, 17, 30)),  # holidays do not matter
        (t(2026, 11, 20, 10), dt.timedelta(days=30), t(2026, 12, 20, 10)),
    ],
)
def test_point_after_always_open(start, amount, expected):
    assert point_after(start, amount) == expected
    assert point_after(start, amount, ALWAYS) == expected


def test_point_after_keeps_the_instant_whatever_the_input_zone():
    # given 02:00 UTC = 10:00 Shanghai
    start = dt.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    # then the same instant comes out, on any calendar
    assert point_after(start, hours(2)) == t(2026, 11, 20, 12)
    assert point_after(start, hours(2), DESK) == t(2026, 11, 20, 12)
    # 13:00 UTC = 21:00 Shanghai: after the desk closes
    assert point_after(dt.datetime(2026, 11, 20, 13, 0, tzinfo=UTC), hours(2), DESK) == t(2026, 11, 21, 11)


# --- point_after: business hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # inside hours
        (t(2026, 11, 20, 10), hours(2), t(2026, 11, 20, 12)),
        (t(2026, 11, 20, 10), minutes(5), t(2026, 11, 20, 10, 5)),
        # before opening: the clock starts at 09:00
        (t(2026, 11, 20, 8), hours(2), t(2026, 11, 20, 11)),
        (t(2026, 11, 20, 0), hours(1), t(2026, 11, 20, 10)),
        (t(2026, 11, 20, 8), minutes(0), t(2026, 11, 20, 9)),
        # exactly at opening
        (t(2026, 11, 20, 9), hours(2), t(2026, 11, 20, 11)),
        # after closing: rolls to the next day
        (t(2026, 11, 20, 21), hours(2), t(2026, 11, 21, 11)),
        (t(2026, 11, 20, 23, 59), minutes(1), t(2026, 11, 21, 9, 1)),
        # exactly at closing: nothing left today
        (t(2026, 11, 20, 20), hours(2), t(2026, 11, 21, 11)),
        # across the night: 1 h today, 1 h tomorrow
        (t(2026, 11, 20, 19), hours(2), t(2026, 11, 21, 10)),
        # ending exactly at closing stays today (not tomorrow 09:00)
        (t(2026, 11, 20, 18), hours(2), t(2026, 11, 20, 20)),
        (t(2026, 11, 20, 9), hours(11), t(2026, 11, 20, 20)),
        # several days: 10 h + 11 h + 9 h
        (t(2026, 11, 20, 10), hours(30), t(2026, 11, 22, 18)),
        # weekends and holidays are ordinary days for the desk
        (t(2026, 11, 21, 10), hours(2), t(2026, 11, 21, 12)),
        (t(2026, 10, 1, 19), hours(2), t(2026, 10, 2, 10)),
        # 24 h of desk time = 2 days and 2 h
        (t(2026, 11, 20, 9), hours(24), t(2026, 11, 22, 11)),
    ],
)
def test_point_after_desk_hours(start, amount, expected):
    assert point_after(start, amount, DESK) == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # an ordinary working day
        (t(2026, 11, 18, 10), hours(2), t(2026, 11, 18, 12)),
        (t(2026, 11, 18, 17), hours(2), t(2026, 11, 19, 10)),
        (t(2026, 11, 18, 18), hours(1), t(2026, 11, 19, 10)),
        (t(2026, 11, 18, 16), hours(2), t(2026, 11, 18, 18)),
        # across a weekend: Friday 17:00 + 2 h → 1 h Friday, 1 h Monday
        (t(2026, 11, 20, 17), hours(2), t(2026, 11, 23, 10)),
        (t(2026, 11, 20, 19), hours(2), t(2026, 11, 23, 11)),
        # started on a Saturday or Sunday: Monday from 09:00
        (t(2026, 11, 21, 10), hours(2), t(2026, 11, 23, 11)),
        (t(2026, 10, 11, 10), hours(1), t(2026, 10, 12, 10)),
        # across the National Day holiday: 30 min on 09-30, then 1 h 30 on 10-08
        (t(2026, 9, 30, 17, 30), hours(2), t(2026, 10, 8, 10, 30)),
        # started during the holiday
        (t(2026, 10, 3, 10), hours(2), t(2026, 10, 8, 11)),
        (t(2026, 10, 1, 0), minutes(1), t(2026, 10, 8, 9, 1)),
        # two full working days on either side of the holiday
        (t(2026, 9, 30, 9), hours(18), t(2026, 10, 8, 18)),
        (t(2026, 9, 30, 9), hours(27), t(2026, 10, 9, 18)),
        # the make-up Saturday is open: Friday 17:00 + 2 h → 1 h Friday, 1 h on Saturday 10-10
        (t(2026, 10, 9, 17), hours(2), t(2026, 10, 10, 10)),
        (t(2026, 9, 30, 9), hours(28), t(2026, 10, 10, 10)),
        (t(2026, 10, 10, 10), hours(2), t(2026, 10, 10, 12)),
        # … and after it the ordinary Sunday is closed
        (t(2026, 10, 10, 17), hours(2), t(2026, 10, 12, 10)),
        # the make-up Sunday 09-27 is open, the Saturday before it is not
        (t(2026, 9, 26, 10), hours(2), t(2026, 9, 27, 11)),
        (t(2026, 9, 25, 17), hours(2), t(2026, 9, 27, 10)),
    ],
)
def test_point_after_office_workdays(start, amount, expected):
    assert point_after(start, amount, OFFICE) == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # open on weekends
        (t(2026, 10, 11, 10), hours(1), t(2026, 10, 11, 11)),
        (t(2026, 10, 10, 19), hours(2), t(2026, 10, 11, 10)),
        # closed for the whole holiday: 1 h on 09-30, then 10-08 from 09:00
        (t(2026, 9, 30, 19), hours(2), t(2026, 10, 8, 10)),
        (t(2026, 10, 3, 10), hours(2), t(2026, 10, 8, 11)),
        (t(2026, 10, 7, 19, 59), minutes(1), t(2026, 10, 8, 9, 1)),
    ],
)
def test_point_after_desk_closed_on_holidays(start, amount, expected):
    assert point_after(start, amount, DESK_HOL) == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (t(2026, 11, 20, 21), hours(2), t(2026, 11, 20, 23)),
        (t(2026, 11, 20, 23), hours(2), t(2026, 11, 21, 1)),  # past midnight inside the window
        (t(2026, 11, 20, 3), hours(2), t(2026, 11, 20, 5)),  # yesterday's window still open
        (t(2026, 11, 20, 7), hours(2), t(2026, 11, 20, 21)),  # 1 h until 08:00, 1 h from 20:00
        (t(2026, 11, 20, 12), hours(1), t(2026, 11, 20, 21)),  # closed during the day
        (t(2026, 11, 20, 8), hours(1), t(2026, 11, 20, 21)),  # exactly at closing
        (t(2026, 11, 20, 20), hours(12), t(2026, 11, 21, 8)),  # a full night, ends at closing
        (t(2026, 11, 20, 20), hours(13), t(2026, 11, 21, 21)),
    ],
)
def test_point_after_overnight_window(start, amount, expected):
    assert point_after(start, amount, NIGHT) == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # Friday's night (a workday) runs into Saturday morning
        (t(2026, 11, 21, 3), hours(2), t(2026, 11, 21, 5)),
        (t(2026, 11, 21, 7), hours(2), t(2026, 11, 23, 21)),  # 1 h Saturday morning, then Monday night
        # Saturday and Sunday nights are closed
        (t(2026, 11, 21, 10), hours(1), t(2026, 11, 23, 21)),
        # Thursday's night is open, Friday morning closes it, Friday night opens again
        (t(2026, 11, 20, 7), hours(2), t(2026, 11, 20, 21)),
    ],
)
def test_point_after_overnight_window_on_workdays(start, amount, expected):
    assert point_after(start, amount, NIGHT_WORK) == expected


def test_point_after_calendar_without_open_time_is_none():
    assert point_after(t(2026, 11, 20, 10), minutes(1), NEVER_OPEN) is None


def test_point_after_beyond_the_horizon_is_none():
    assert point_after(t(2026, 11, 20, 10), dt.timedelta(days=801)) is None


# --- pauses ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "amount", "pauses", "expected"),
    [
        # one pause inside hours moves the due moment by its length
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11))],
            t(2026, 11, 20, 12, 30),
        ),
        # a pause entirely outside hours changes nothing
        ("desk", t(2026, 11, 20, 19), hours(2), [(t(2026, 11, 20, 20, 30), t(2026, 11, 20, 22))], t(2026, 11, 21, 10)),
        # a pause across the night counts only its open part: 19:30–20:00 and 09:00–09:30
        (
            "desk",
            t(2026, 11, 20, 19),
            hours(2),
            [(t(2026, 11, 20, 19, 30), t(2026, 11, 21, 9, 30))],
            t(2026, 11, 21, 11),
        ),
        # overlapping pauses merge (10:30–12:15 = 1 h 45), given in any order
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [
                (t(2026, 11, 20, 11, 45), t(2026, 11, 20, 12, 15)),
                (t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11, 30)),
                (t(2026, 11, 20, 11), t(2026, 11, 20, 12)),
            ],
            t(2026, 11, 20, 13, 45),
        ),
        # the same pause twice counts once
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11))] * 2,
            t(2026, 11, 20, 12, 30),
        ),
        # adjacent pauses: 10:30–11:00 and 11:00–11:30
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11)), (t(2026, 11, 20, 11), t(2026, 11, 20, 11, 30))],
            t(2026, 11, 20, 13),
        ),
        # a pause contained in another one
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11, 30)), (t(2026, 11, 20, 10, 45), t(2026, 11, 20, 11))],
            t(2026, 11, 20, 13),
        ),
        # two separate pauses add up
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 10, 15), t(2026, 11, 20, 10, 30)), (t(2026, 11, 20, 11), t(2026, 11, 20, 11, 45))],
            t(2026, 11, 20, 13),
        ),
        # a pause that began before the start counts from the start
        (
            "desk",
            t(2026, 11, 20, 10),
            hours(2),
            [(t(2026, 11, 20, 9), t(2026, 11, 20, 10, 30))],
            t(2026, 11, 20, 12, 30),
        ),
        # a pause that ended before the start, or has no length, changes nothing
        ("desk", t(2026, 11, 20, 10), hours(2), [(t(2026, 11, 20, 9), t(2026, 11, 20, 9, 30))], t(2026, 11, 20, 12)),
        ("desk", t(2026, 11, 20, 10), hours(2), [(t(2026, 11, 20, 11), t(2026, 11, 20, 11))], t(2026, 11, 20, 12)),
        # a pause after the due moment changes nothing, even an open one
        ("desk", t(2026, 11, 20, 10), hours(2), [(t(2026, 11, 20, 13), None)], t(2026, 11, 20, 12)),
        ("desk", t(2026, 11, 20, 10), hours(2), [(t(2026, 11, 20, 12), None)], t(2026, 11, 20, 12)),
        # a pause spanning the holiday: 17:30–17:45 runs, 17:45 (09-30) … 09:30 (10-08) paused, 1 h 45 remains
        (
            "office",
            t(2026, 9, 30, 17, 30),
            hours(2),
            [(t(2026, 9, 30, 17, 45), t(2026, 10, 8, 9, 30))],
            t(2026, 10, 8, 11, 15),
        ),
        # 24×7 with a 2 h pause
        ("always", t(2026, 11, 20, 10), hours(24), [(t(2026, 11, 20, 22), t(2026, 11, 21, 0))], t(2026, 11, 21, 12)),
        # overnight window with a pause inside it
        ("night", t(2026, 11, 20, 21), hours(2), [(t(2026, 11, 20, 22), t(2026, 11, 21, 1))], t(2026, 11, 21, 2)),
    ],
)
def test_point_after_with_pauses(spec, start, amount, pauses, expected):
    assert point_after(start, amount, SPECS[spec], pauses) == expected


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_open_ended_pause_means_no_due_moment(spec):
    # given the clock paused after 30 minutes, and not resumed
    start = t(2026, 11, 18, 10)
    pauses = [(t(2026, 11, 18, 10, 30), None)]
    # then
    assert point_after(start, hours(2), SPECS[spec], pauses) is None
    deadline = compute_deadline(started_at=start, duration=hours(2), spec=SPECS[spec], pauses=pauses)
    assert deadline == Deadline(due_at=None, warn_at=None)


def test_open_ended_pause_merged_with_a_closed_one():
    pauses = [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11)), (t(2026, 11, 20, 10, 45), None)]
    assert point_after(t(2026, 11, 20, 10), hours(2), DESK, pauses) is None


def test_open_pause_from_the_start_runs_no_time():
    pauses = [(t(2026, 11, 20, 10), None)]
    assert point_after(t(2026, 11, 20, 10), minutes(0), DESK, pauses) is None
    assert elapsed(t(2026, 11, 20, 10), t(2026, 11, 25, 10), DESK, pauses) == dt.timedelta(0)


# --- elapsed -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "end", "pauses", "expected"),
    [
        ("always", t(2026, 11, 20, 10), t(2026, 11, 21, 12), [], hours(26)),
        ("always", t(2026, 11, 20, 10), t(2026, 11, 20, 10), [], hours(0)),
        ("always", t(2026, 11, 20, 12), t(2026, 11, 20, 10), [], hours(0)),  # end before start
        ("desk", t(2026, 11, 20, 10), t(2026, 11, 20, 12), [], hours(2)),
        ("desk", t(2026, 11, 20, 19), t(2026, 11, 21, 10), [], hours(2)),
        ("desk", t(2026, 11, 20, 21), t(2026, 11, 20, 23), [], hours(0)),  # all after hours
        ("desk", t(2026, 11, 20, 8), t(2026, 11, 20, 21), [], hours(11)),
        ("desk", t(2026, 11, 20, 0), t(2026, 11, 23, 0), [], hours(33)),
        ("desk_hol", t(2026, 9, 30, 19), t(2026, 10, 8, 10), [], hours(2)),
        ("desk_hol", t(2026, 10, 1, 0), t(2026, 10, 8, 0), [], hours(0)),
        ("office", t(2026, 9, 30, 17, 30), t(2026, 10, 8, 10, 30), [], hours(2)),
        ("office", t(2026, 11, 20, 17), t(2026, 11, 23, 10), [], hours(2)),
        ("office", t(2026, 10, 9, 0), t(2026, 10, 13, 0), [], hours(27)),  # Fri, make-up Sat, Mon
        ("night", t(2026, 11, 20, 3), t(2026, 11, 20, 21), [], hours(6)),  # 03–08 and 20–21
        ("night_work", t(2026, 11, 20, 0), t(2026, 11, 24, 0), [], hours(8 + 12 + 4)),  # Thu, Fri, Mon nights
        # pauses are cut out
        (
            "desk",
            t(2026, 11, 20, 10),
            t(2026, 11, 20, 12),
            [(t(2026, 11, 20, 10, 30), t(2026, 11, 20, 11))],
            hours(1.5),
        ),
        ("desk", t(2026, 11, 20, 10), t(2026, 11, 20, 12), [(t(2026, 11, 20, 10, 30), None)], minutes(30)),
        ("desk", t(2026, 11, 20, 10), t(2026, 11, 20, 12), [(t(2026, 11, 20, 12), None)], hours(2)),
        (
            "office",
            t(2026, 9, 30, 17, 30),
            t(2026, 10, 8, 11, 15),
            [(t(2026, 9, 30, 17, 45), t(2026, 10, 8, 9, 30))],
            hours(2),
        ),
    ],
)
def test_elapsed(spec, start, end, pauses, expected):
    assert elapsed(start, end, SPECS[spec], pauses) == expected


# starts every 7 h 13 min from 24 Sep to 14 Oct 2026 (before, across and after the holiday), at odd minutes
PROPERTY_STARTS = [t(2026, 9, 24, 0, 7) + minutes(433 * i) for i in range(66)]
PROPERTY_AMOUNTS = [
    minutes(0),
    minutes(1),
    minutes(5),
    minutes(59),
    hours(2),
    hours(9),
    hours(11),
    hours(12),
    hours(24),
    hours(25.5),
    hours(48),
    dt.timedelta(days=3, minutes=17),
]


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_elapsed_is_the_inverse_of_point_after(spec):
    calendar = SPECS[spec]
    for start in PROPERTY_STARTS:
        previous = start
        for amount in PROPERTY_AMOUNTS:
            due = point_after(start, amount, calendar)
            assert due is not None, (start, amount)
            assert elapsed(start, due, calendar) == amount, (start, amount, due)
            # no earlier moment reaches the amount: a minute less of wall time is less clock time
            if amount > dt.timedelta(0):
                assert elapsed(start, due - minutes(1), calendar) < amount, (start, amount, due)
            # later targets are never due earlier
            assert due >= previous, (start, amount, due)
            previous = due


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_elapsed_is_the_inverse_of_point_after_with_pauses(spec):
    calendar = SPECS[spec]
    for start in PROPERTY_STARTS[::3]:
        pauses = [
            (start + minutes(20), start + minutes(95)),
            (start + hours(5), start + hours(30)),
            (start + hours(29), start + hours(31)),  # overlaps the previous one
        ]
        for amount in PROPERTY_AMOUNTS:
            due = point_after(start, amount, calendar, pauses)
            assert due is not None, (start, amount)
            assert elapsed(start, due, calendar, pauses) == amount, (start, amount, due)
            # a pause never brings the due moment forward
            assert due >= point_after(start, amount, calendar), (start, amount, due)


# --- end of business day -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "expected"),
    [
        # 24×7 closes at local midnight
        ("always", t(2026, 11, 20, 10), t(2026, 11, 21, 0)),
        ("always", t(2026, 11, 20, 0), t(2026, 11, 21, 0)),
        ("always", t(2026, 11, 20, 23, 59), t(2026, 11, 21, 0)),
        # the desk
        ("desk", t(2026, 11, 20, 10), t(2026, 11, 20, 20)),
        ("desk", t(2026, 11, 20, 9), t(2026, 11, 20, 20)),
        ("desk", t(2026, 11, 20, 8), t(2026, 11, 20, 20)),  # before opening: today's close
        ("desk", t(2026, 11, 20, 19, 59), t(2026, 11, 20, 20)),
        ("desk", t(2026, 11, 20, 20), t(2026, 11, 21, 20)),  # at closing: tomorrow's close
        ("desk", t(2026, 11, 20, 21), t(2026, 11, 21, 20)),
        ("desk", t(2026, 10, 1, 10), t(2026, 10, 1, 20)),  # holidays are open days for the desk
        # closed on holidays
        ("desk_hol", t(2026, 10, 3, 10), t(2026, 10, 8, 20)),
        ("desk_hol", t(2026, 9, 30, 21), t(2026, 10, 8, 20)),
        ("desk_hol", t(2026, 10, 11, 10), t(2026, 10, 11, 20)),
        # office
        ("office", t(2026, 10, 1, 10), t(2026, 10, 8, 18)),
        ("office", t(2026, 10, 10, 10), t(2026, 10, 10, 18)),  # make-up Saturday
        ("office", t(2026, 10, 9, 19), t(2026, 10, 10, 18)),
        ("office", t(2026, 10, 10, 19), t(2026, 10, 12, 18)),
        ("office", t(2026, 11, 21, 10), t(2026, 11, 23, 18)),
        # overnight window: the window the moment falls in, or the next one
        ("night", t(2026, 11, 20, 3), t(2026, 11, 20, 8)),
        ("night", t(2026, 11, 20, 21), t(2026, 11, 21, 8)),
        ("night", t(2026, 11, 20, 12), t(2026, 11, 21, 8)),
    ],
)
def test_end_of_business_day(spec, start, expected):
    assert end_of_business_day(start, SPECS[spec]) == expected


def test_end_of_business_day_without_open_time_is_an_error():
    with pytest.raises(ValueError):
        end_of_business_day(t(2026, 11, 20, 10), NEVER_OPEN)


# --- compute_deadline ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "start", "duration", "due", "warn"),
    [
        # warn at 80 %: 96 min of 2 h, 4 min of 5 min, 19 h 12 min of 24 h
        ("always", t(2026, 11, 20, 10), hours(2), t(2026, 11, 20, 12), t(2026, 11, 20, 11, 36)),
        ("always", t(2026, 11, 20, 10), minutes(5), t(2026, 11, 20, 10, 5), t(2026, 11, 20, 10, 4)),
        ("always", t(2026, 11, 20, 10), hours(24), t(2026, 11, 21, 10), t(2026, 11, 21, 5, 12)),
        ("always", t(2026, 11, 20, 10), hours(12), t(2026, 11, 20, 22), t(2026, 11, 20, 19, 36)),
        # the desk: warning and due on either side of the night
        ("desk", t(2026, 11, 20, 10), hours(2), t(2026, 11, 20, 12), t(2026, 11, 20, 11, 36)),
        ("desk", t(2026, 11, 20, 19), hours(2), t(2026, 11, 21, 10), t(2026, 11, 21, 9, 36)),
        # 18:24: the warning after 96 min falls exactly on the close, the due moment the next morning
        ("desk", t(2026, 11, 20, 18, 24), hours(2), t(2026, 11, 21, 9, 24), t(2026, 11, 20, 20)),
        ("desk", t(2026, 11, 20, 18, 30), hours(2), t(2026, 11, 21, 9, 30), t(2026, 11, 21, 9, 6)),
        ("desk", t(2026, 11, 20, 21), minutes(30), t(2026, 11, 21, 9, 30), t(2026, 11, 21, 9, 24)),
        # the office across the holiday: 30 min on 09-30, then 10-08; warning after 96 min = 10-08 10:06
        ("office", t(2026, 9, 30, 17, 30), hours(2), t(2026, 10, 8, 10, 30), t(2026, 10, 8, 10, 6)),
    ],
)
def test_compute_deadline(spec, start, duration, due, warn):
    assert compute_deadline(started_at=start, duration=duration, spec=SPECS[spec]) == Deadline(due_at=due, warn_at=warn)


@pytest.mark.parametrize(
    ("ratio", "warn"),
    [
        (0.5, t(2026, 11, 20, 11)),
        (0.25, t(2026, 11, 20, 10, 30)),
        (0.9, t(2026, 11, 20, 11, 48)),
        (0.0, None),  # no warning
        (1.0, None),
        (1.5, None),
    ],
)
def test_compute_deadline_warn_ratio(ratio, warn):
    deadline = compute_deadline(started_at=t(2026, 11, 20, 10), duration=hours(2), spec=ALWAYS, warn_ratio=ratio)
    assert deadline == Deadline(due_at=t(2026, 11, 20, 12), warn_at=warn)


def test_compute_deadline_warning_moves_with_pauses():
    # given a pause of 30 min before the 80 % mark on the desk calendar
    deadline = compute_deadline(
        started_at=t(2026, 11, 20, 10),
        duration=hours(2),
        spec=DESK,
        pauses=[(t(2026, 11, 20, 11), t(2026, 11, 20, 11, 30))],
    )
    # then both move by 30 min
    assert deadline == Deadline(due_at=t(2026, 11, 20, 12, 30), warn_at=t(2026, 11, 20, 12, 6))


def test_compute_deadline_pause_after_warning_moves_only_the_due_moment():
    deadline = compute_deadline(
        started_at=t(2026, 11, 20, 10),
        duration=hours(2),
        spec=DESK,
        pauses=[(t(2026, 11, 20, 11, 40), t(2026, 11, 20, 12, 10))],
    )
    assert deadline == Deadline(due_at=t(2026, 11, 20, 12, 30), warn_at=t(2026, 11, 20, 11, 36))


def test_compute_deadline_needs_a_duration():
    with pytest.raises(ValueError):
        compute_deadline(started_at=t(2026, 11, 20, 10), duration=None, spec=DESK)


@pytest.mark.parametrize(
    ("spec", "start", "due", "warn"),
    [
        # 10:00 → 20:00 the same day (10 h; warning after 8 h)
        ("desk", t(2026, 11, 20, 10), t(2026, 11, 20, 20), t(2026, 11, 20, 18)),
        # before opening: the whole day (11 h; warning after 8 h 48 min)
        ("desk", t(2026, 11, 20, 8), t(2026, 11, 20, 20), t(2026, 11, 20, 17, 48)),
        ("desk", t(2026, 11, 20, 9), t(2026, 11, 20, 20), t(2026, 11, 20, 17, 48)),
        # after hours: the next open day's close
        ("desk", t(2026, 11, 20, 21), t(2026, 11, 21, 20), t(2026, 11, 21, 17, 48)),
        ("desk", t(2026, 11, 20, 20), t(2026, 11, 21, 20), t(2026, 11, 21, 17, 48)),
        # half an hour before closing: 30 min, warning after 24 min
        ("desk", t(2026, 11, 20, 19, 30), t(2026, 11, 20, 20), t(2026, 11, 20, 19, 54)),
        # on a holiday with closed_on_holidays: the next open day's close
        ("desk_hol", t(2026, 10, 3, 10), t(2026, 10, 8, 20), t(2026, 10, 8, 17, 48)),
        ("desk_hol", t(2026, 9, 30, 21), t(2026, 10, 8, 20), t(2026, 10, 8, 17, 48)),
        # office: a holiday start is due at the close of the next working day (9 h; warning after 7 h 12)
        ("office", t(2026, 10, 1, 10), t(2026, 10, 8, 18), t(2026, 10, 8, 16, 12)),
        ("office", t(2026, 10, 10, 14), t(2026, 10, 10, 18), t(2026, 10, 10, 17, 12)),
        # 24×7: local midnight (14 h from 10:00; warning after 11 h 12)
        ("always", t(2026, 11, 20, 10), t(2026, 11, 21, 0), t(2026, 11, 20, 21, 12)),
        # overnight window: the close of the night window at 08:00 (5 h from 03:00; warning after 4 h)
        ("night", t(2026, 11, 20, 3), t(2026, 11, 20, 8), t(2026, 11, 20, 7)),
    ],
)
def test_compute_deadline_same_business_day(spec, start, due, warn):
    # the duration given is ignored
    deadline = compute_deadline(started_at=start, duration=minutes(5), spec=SPECS[spec], same_business_day=True)
    assert deadline == Deadline(due_at=due, warn_at=warn)
    assert compute_deadline(started_at=start, duration=None, spec=SPECS[spec], same_business_day=True) == deadline


def test_same_business_day_is_pushed_out_by_a_pause_within_it():
    # given a 10:00 start (10 h of desk time to 20:00) and a 1 h pause at noon
    deadline = compute_deadline(
        started_at=t(2026, 11, 20, 10),
        duration=None,
        spec=DESK,
        pauses=[(t(2026, 11, 20, 12), t(2026, 11, 20, 13))],
        same_business_day=True,
    )
    # then the 10 h run into the next morning: 9 h by 20:00, 1 h from 09:00; warning after 8 h = 19:00
    assert deadline == Deadline(due_at=t(2026, 11, 21, 10), warn_at=t(2026, 11, 20, 19))


def test_same_business_day_with_open_pause_has_no_due_moment():
    deadline = compute_deadline(
        started_at=t(2026, 11, 20, 10),
        duration=None,
        spec=DESK,
        pauses=[(t(2026, 11, 20, 12), None)],
        same_business_day=True,
    )
    assert deadline == Deadline(due_at=None, warn_at=None)
