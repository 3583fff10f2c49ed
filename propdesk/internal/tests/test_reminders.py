"""Reminders (R-IC-6, 000 §3.2.5), kept by sla (``sla/reminders.py``): a task due within 24 hours reminds its
owner once; on the last working day before a statutory holiday (from 14:00) each owner is reminded once of
everything falling due during the holiday. The ticket's owner is the receptionist who recorded it (R-IN-5)."""

import datetime as dt

from propdesk.dispatch.tests.helpers import inbox, new_ticket
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.sla.reminders import holiday_ahead, remind_before_holiday, remind_due_within_24h
from propdesk.testing.clock import shanghai_time


def long_task(office, world, *, started, due):
    ticket = new_ticket(office.crew.receptionist, world)
    target = SlaTarget.objects.filter(ticket=ticket).order_by("pk").first()
    SlaTarget.objects.filter(ticket=ticket).exclude(pk=target.pk).update(state=TargetState.CANCELLED)
    SlaTarget.objects.filter(pk=target.pk).update(state=TargetState.RUNNING, started_at=started, due_at=due)
    return ticket


def test_a_long_task_due_within_24_hours_reminds_its_owner_once(office, world, clock):
    now = shanghai_time(2026, 11, 18, 10)
    ticket = long_task(office, world, started=now - dt.timedelta(days=3), due=now + dt.timedelta(hours=30))
    assert remind_due_within_24h() == 0  # due in 30 h: not yet
    clock.move_to(now + dt.timedelta(hours=7))
    assert remind_due_within_24h() == 1
    assert remind_due_within_24h() == 0
    [subject] = inbox(office.crew.receptionist, "reminder.24h")
    assert subject.startswith(f"24 小时内到期：{ticket.number}") and subject.endswith("（11-19 16:00）")


def test_a_short_clock_is_left_to_its_own_warning(office, world):
    now = shanghai_time(2026, 11, 18, 10)
    long_task(office, world, started=now - dt.timedelta(hours=2), due=now + dt.timedelta(hours=4))
    assert remind_due_within_24h() == 0
    assert inbox(office.crew.receptionist, "reminder.24h") == []


def test_the_last_working_day_before_national_day_reminds_from_14_00_once(office, world, clock):
    assert holiday_ahead(dt.date(2026, 9, 30)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 8))
    assert holiday_ahead(dt.date(2026, 11, 18)) is None
    clock.move_to(shanghai_time(2026, 9, 30, 9))
    long_task(office, world, started=shanghai_time(2026, 9, 28, 9), due=shanghai_time(2026, 10, 3, 12))
    long_task(office, world, started=shanghai_time(2026, 9, 28, 9), due=shanghai_time(2026, 10, 20, 12))
    assert remind_before_holiday() == 0  # before 14:00
    clock.move_to(shanghai_time(2026, 9, 30, 14, 5))
    assert remind_before_holiday() == 1
    assert remind_before_holiday() == 0
    assert inbox(office.crew.receptionist, "reminder.holiday") == ["节前提醒：1 项事项将在假期（2026-10-01 起）到期"]


def test_no_holiday_reminder_on_an_ordinary_day(office, world, clock):
    clock.move_to(shanghai_time(2026, 11, 18, 15))
    long_task(office, world, started=shanghai_time(2026, 11, 16, 9), due=shanghai_time(2026, 11, 19, 9))
    assert remind_before_holiday() == 0
