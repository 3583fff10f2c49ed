"""Reminders (R-IC-6, sla/reminders.py): a running deadline of at least 24 hours reminds its owner once when it
falls due within 24 hours; on the last working day before a statutory holiday (from 14:00) each owner is reminded
once of everything running that falls due before work resumes.

Deadlines used here (seeded default policies, migration sla.0002):
  first_response   consultation / feedback / …, created → replied|resolved|closed, 2 h desk (09:00–20:00 daily)
  feedback_result  feedback, created → resolved|closed, 24 h 24×7, paused while waiting
  major_progress   urgent, created → replied|resolved|closed, 48 h 24×7

Calendar (chinese-calendar 2026): Mid-autumn 09-25 … 09-27; National Day 10-01 (Thu) … 10-07 (Wed), work resumes
Thursday 10-08; Spring Festival 02-15 … 02-23 with Saturday 02-14 a make-up working day; Tomb-sweeping 04-04 …
04-06; make-up Saturday 10-10. 2026-11-18 is a Wednesday. All moments are on the Shanghai wall clock.
"""

import datetime as dt
import gc

import pytest
from django.urls import reverse

from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import DeliveryState, Notification
from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla import config, reminders
from propdesk.sla.calendar import DayRules
from propdesk.sla.choices import TargetState
from propdesk.sla.models import CalendarDay, SlaTarget
from propdesk.sla.reminders import holiday_ahead, remind_before_holiday, remind_due_within_24h
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DepartmentFactory
from propdesk.tickets.choices import Channel, Kind, Priority, ReplyMethod, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_assign, ticket_create, ticket_hand_off, ticket_reply, ticket_transition

MAJOR = "重大事项 48 小时内告知进展"
FEEDBACK = "信息反馈 24 小时内回复结果"


@pytest.fixture
def clock_start():
    """The world is built on 1 September 2026, before the National Day holiday the tests reach."""
    return t(2026, 9, 1, 9)


@pytest.fixture(autouse=True)
def fresh_rules_cache():
    """The holiday rules may be kept process-wide (``sla.config``); each test computes its own."""
    config.forget()
    yield
    config.forget()


@pytest.fixture
def desk(world, clock, reception_a):
    """Records tickets for 张伟 of 翠湖花园 3栋2单元1202 at given moments, received by reception A."""

    def record(when, kind=Kind.CONSULTATION, *, priority=Priority.NORMAL, content="咨询物业费缴纳方式") -> Ticket:
        clock.move_to(when)
        return ticket_create(
            actor=reception_a,
            kind=kind,
            content=content,
            channel=Channel.PHONE,
            household=world.household_a,
            priority=priority,
            create_work_order=False,
        )

    return record


def target(ticket: Ticket, code: str) -> SlaTarget:
    return SlaTarget.objects.get(ticket=ticket, policy__code=code)


def sent(kind: str) -> list[tuple]:
    """(recipient, channel, subject, body, url, dedupe key) of every notification of ``kind``, oldest first."""
    rows = Notification.objects.filter(kind=kind).order_by("pk").select_related("recipient")
    return [(n.recipient.username, n.channel, n.subject_text(), n.body_text(), n.url, n.dedupe_key) for n in rows]


def remind_24h_at(clock, moment) -> int:
    clock.move_to(moment)
    return remind_due_within_24h()


def remind_holiday_at(clock, moment) -> int:
    clock.move_to(moment)
    return remind_before_holiday()


# --- 24 hours before a deadline -------------------------------------------------------------------------------


def test_a_long_deadline_is_reminded_when_it_falls_due_within_24_hours(clock, desk, reception_a):
    # given an urgent consultation recorded on Wednesday 10:00: the 48-hour progress deadline is Friday 10:00
    ticket = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)
    major = target(ticket, "major_progress")
    assert (major.started_at, major.due_at) == (t(2026, 11, 18, 10), t(2026, 11, 20, 10))

    # when the reminder job runs one second before the 24-hour window opens, then nobody is reminded
    assert remind_24h_at(clock, t(2026, 11, 19, 9, 59, 59)) == 0
    assert sent("reminder.24h") == []

    # when it runs as the window opens (due exactly 24 h ahead)
    assert remind_24h_at(clock, t(2026, 11, 19, 10)) == 1

    # then the owner (the receptionist who took the call) has one in-app reminder naming the deadline
    assert ticket.number == "ZX-20261118-0001"
    assert sent("reminder.24h") == [
        (
            "reception-a",
            NotifyChannel.INAPP,
            f"24 小时内到期：ZX-20261118-0001 {MAJOR}（11-20 10:00）",
            "咨询物业费缴纳方式",
            reverse("tickets:detail", args=[ticket.pk]),
            f"remind24:{major.pk}:inapp:{reception_a.pk}",
        )
    ]


def test_short_deadlines_are_left_to_their_own_warning(clock, desk):
    # given a consultation at 10:00: only the 2-hour first response (due 12:00), well within 24 hours
    ticket = desk(t(2026, 11, 18, 10))
    assert list(ticket.sla_targets.values_list("policy__code", "due_at")) == [("first_response", t(2026, 11, 18, 12))]

    # when the job runs at 10:00 and at 11:59, then the 2-hour clock gets no 24-hour reminder
    assert remind_24h_at(clock, t(2026, 11, 18, 10)) == 0
    assert remind_24h_at(clock, t(2026, 11, 18, 11, 59)) == 0
    assert sent("reminder.24h") == []


def test_a_24_hour_deadline_is_reminded_as_soon_as_it_starts(clock, desk):
    # given a feedback recorded on Wednesday 10:00: feedback_result runs exactly 24 hours, due Thursday 10:00
    ticket = desk(t(2026, 11, 18, 10), Kind.FEEDBACK, content="小区东门路灯不亮")
    assert target(ticket, "feedback_result").due_at == t(2026, 11, 19, 10)

    # when the job runs right away, then the deadline is already within 24 hours and reminded
    assert remind_24h_at(clock, t(2026, 11, 18, 10)) == 1
    assert [subject for _user, _channel, subject, *_rest in sent("reminder.24h")] == [
        f"24 小时内到期：FK-20261118-0001 {FEEDBACK}（11-19 10:00）"
    ]


def test_repeated_runs_remind_each_deadline_only_once(clock, desk):
    # given two urgent consultations whose progress deadlines fall due on Friday at 10:00 and 11:00
    first = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)
    second = desk(t(2026, 11, 18, 11), priority=Priority.URGENT)

    # when the job runs every so often through Thursday and Friday morning
    counts = [
        remind_24h_at(clock, moment)
        for moment in (
            t(2026, 11, 19, 10),
            t(2026, 11, 19, 10, 5),
            t(2026, 11, 19, 11),
            t(2026, 11, 19, 11, 5),
            t(2026, 11, 20, 9),
        )
    ]

    # then each deadline was reminded exactly once, when its window opened
    assert counts == [1, 0, 1, 0, 0]
    assert [key for *_rest, key in sent("reminder.24h")] == [
        f"remind24:{target(first, 'major_progress').pk}:inapp:{first.first_responder_id}",
        f"remind24:{target(second, 'major_progress').pk}:inapp:{second.first_responder_id}",
    ]


def test_a_deadline_already_due_is_not_reminded(clock, desk):
    # given an urgent consultation whose progress deadline is Friday 10:00, and no earlier run of the job
    ticket = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)

    # when the job first runs at the due moment and after it, then it is too late for a reminder
    assert remind_24h_at(clock, t(2026, 11, 20, 10)) == 0
    assert remind_24h_at(clock, t(2026, 11, 20, 12)) == 0
    assert sent("reminder.24h") == []
    assert target(ticket, "major_progress").state == TargetState.RUNNING


@pytest.mark.parametrize(
    ("action", "state"),
    [("reply", TargetState.MET), ("resolve", TargetState.MET), ("cancel", TargetState.CANCELLED)],
)
def test_stopped_deadlines_are_not_reminded(clock, desk, reception_a, action, state):
    # given an urgent consultation (progress due Friday 10:00) that is answered, resolved or cancelled on Wednesday
    ticket = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)
    clock.move_to(t(2026, 11, 18, 11))
    if action == "reply":
        ticket_reply(actor=reception_a, ticket=ticket, method=ReplyMethod.PHONE, content="已电话答复业主")
    else:
        to_status = Status.RESOLVED if action == "resolve" else Status.CANCELLED
        ticket_transition(actor=reception_a, ticket=ticket, to_status=to_status, reason="业主撤回")
    assert target(ticket, "major_progress").state == state

    # when the job runs once the 24-hour window is open, then nothing is reminded
    assert remind_24h_at(clock, t(2026, 11, 19, 10)) == 0
    assert remind_24h_at(clock, t(2026, 11, 20, 9)) == 0
    assert sent("reminder.24h") == []


def test_a_paused_deadline_is_not_reminded(clock, desk, reception_a):
    # given a feedback (24-hour result deadline) waiting for the customer from 10:00, so its clock is paused
    ticket = desk(t(2026, 11, 18, 9, 59), Kind.FEEDBACK, content="小区东门路灯不亮")
    clock.move_to(t(2026, 11, 18, 9, 59, 30))
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.WAITING_CUSTOMER, reason="等业主提供照片")
    assert target(ticket, "feedback_result").state == TargetState.PAUSED

    # when the job runs, then the paused deadline is left alone
    assert remind_24h_at(clock, t(2026, 11, 18, 10)) == 0
    assert remind_24h_at(clock, t(2026, 11, 19, 9)) == 0
    assert sent("reminder.24h") == []


@pytest.mark.parametrize("owner", ["first_responder", "assignee", "control_center"])
def test_the_reminder_goes_to_the_current_owner(world, clock, desk, reception_a, technician_a, staff, owner):
    # given an urgent consultation received by reception A, then possibly assigned or handed to the control center
    control = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")
    operators = [
        staff(Role.CONTROL_OPERATOR, username=name, department=control) for name in ("operator-1", "operator-2")
    ]
    staff(Role.CONTROL_OPERATOR, world.center_b, username="operator-b")  # another center's operator
    ticket = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)
    clock.move_to(t(2026, 11, 18, 10, 1))
    if owner == "assignee":
        ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    elif owner == "control_center":
        ticket_hand_off(actor=reception_a, ticket=ticket)

    # when the job runs as the 24-hour window opens
    count = remind_24h_at(clock, t(2026, 11, 19, 10))

    # then the owner of the moment is reminded, each person once
    expected = {
        "first_responder": [reception_a.username],
        "assignee": [technician_a.username],
        "control_center": [u.username for u in operators],
    }[owner]
    assert count == len(expected)
    assert sorted(user for user, *_rest in sent("reminder.24h")) == expected


def test_an_owner_with_an_email_address_is_also_reminded_by_email(clock, desk, reception_a, settings):
    # given a receptionist with an email address, and email notifications on
    settings.PROPDESK_NOTIFY_EMAIL = True
    reception_a.email = "reception-a@example.com"
    reception_a.save(update_fields=["email"])
    ticket = desk(t(2026, 11, 18, 10), priority=Priority.URGENT)

    # when the job runs as the window opens, then both notifications count as sent
    assert remind_24h_at(clock, t(2026, 11, 19, 10)) == 2
    rows = Notification.objects.filter(kind="reminder.24h").order_by("channel")
    assert [(n.channel, n.state) for n in rows] == [
        (NotifyChannel.EMAIL, DeliveryState.PENDING),
        (NotifyChannel.INAPP, DeliveryState.SENT),
    ]
    assert {n.subject_text() for n in rows} == {f"24 小时内到期：{ticket.number} {MAJOR}（11-20 10:00）"}


# --- the last working day before a holiday --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # the day before National Day: holiday from Thursday 1 October, work resumes Thursday 8 October
        (dt.date(2026, 9, 30), (dt.date(2026, 10, 1), dt.date(2026, 10, 8))),
        # before Mid-autumn (Friday 25 September … Sunday 27): back on Monday
        (dt.date(2026, 9, 24), (dt.date(2026, 9, 25), dt.date(2026, 9, 28))),
        # the make-up Saturday before the Spring Festival is the last working day
        (dt.date(2026, 2, 14), (dt.date(2026, 2, 15), dt.date(2026, 2, 24))),
        # a holiday that starts on a Saturday: its Friday is the last working day
        (dt.date(2026, 4, 3), (dt.date(2026, 4, 4), dt.date(2026, 4, 7))),
        # the Friday before the make-up Saturday is not
        (dt.date(2026, 2, 13), None),
        # nor a holiday itself, nor the day after it
        (dt.date(2026, 10, 1), None),
        (dt.date(2026, 10, 8), None),
        # nor a Friday before an ordinary weekend, nor an ordinary Wednesday
        (dt.date(2026, 11, 20), None),
        (dt.date(2026, 11, 18), None),
    ],
    ids=str,
)
def test_holiday_ahead_on_the_2026_calendar(db, clock, today, expected):
    assert holiday_ahead(today) == expected


def test_holiday_ahead_follows_a_local_day_off():
    # given a local arrangement: Friday 27 November off (and nothing statutory around it)
    local_rules = DayRules(holidays=frozenset({dt.date(2026, 11, 27)}))

    # then Thursday 26 is the last working day before it, and work resumes on Monday 30
    assert holiday_ahead(dt.date(2026, 11, 26), local_rules) == (dt.date(2026, 11, 27), dt.date(2026, 11, 30))
    assert holiday_ahead(dt.date(2026, 11, 25), local_rules) is None


def test_holiday_ahead_reads_the_calendar_overrides(db, clock):
    # given the information manager's override: Friday 27 November 2026 is a day off
    CalendarDay.objects.create(date=dt.date(2026, 11, 27), is_workday=False)

    # then
    assert holiday_ahead(dt.date(2026, 11, 26)) == (dt.date(2026, 11, 27), dt.date(2026, 11, 30))


@pytest.fixture
def before_national_day(world, clock, desk, reception_a, technician_a):
    """On Wednesday 30 September 2026 at 13:00 (the last working day before National Day):

    - consultation ZX-0001 (first response due 15:00), owned by reception A;
    - feedback FK-0001: first response due 15:00 and the 24-hour result due 1 October 13:00, reception A's;
    - consultation ZX-0002 assigned to technician A;
    - consultation ZX-0003 already answered (its deadline met);
    - consultation ZX-0004, its deadline moved to 8 October 09:00, when work resumes;
    - consultation ZX-0005, its deadline moved to 8 October 09:01, after work resumes.
    """
    first = desk(t(2026, 9, 30, 13))
    feedback = desk(t(2026, 9, 30, 13), Kind.FEEDBACK, content="小区东门路灯不亮")
    assigned = desk(t(2026, 9, 30, 13))
    ticket_assign(actor=reception_a, ticket=assigned, assignee=technician_a)
    answered = desk(t(2026, 9, 30, 13))
    ticket_reply(actor=reception_a, ticket=answered, method=ReplyMethod.PHONE, content="已电话答复业主")
    at_resumption = desk(t(2026, 9, 30, 13))
    SlaTarget.objects.filter(ticket=at_resumption).update(due_at=t(2026, 10, 8, 9))
    after_resumption = desk(t(2026, 9, 30, 13))
    SlaTarget.objects.filter(ticket=after_resumption).update(due_at=t(2026, 10, 8, 9, 1))
    numbers = [first.number, feedback.number, assigned.number, answered.number, at_resumption.number]
    numbers.append(after_resumption.number)
    assert numbers == [
        "ZX-20260930-0001",
        "FK-20260930-0001",
        "ZX-20260930-0002",
        "ZX-20260930-0003",
        "ZX-20260930-0004",
        "ZX-20260930-0005",
    ]
    assert SlaTarget.objects.filter(ticket=answered).get().state == TargetState.MET


def test_each_owner_is_reminded_of_what_falls_due_before_work_resumes(
    clock, before_national_day, reception_a, technician_a
):
    # when the job runs at 14:00 on the last working day before National Day
    count = remind_holiday_at(clock, t(2026, 9, 30, 14))

    # then reception A hears of its four running deadlines on three tickets (ZX-0003 is met, ZX-0005 falls due
    # after work resumes), and technician A of its one
    assert count == 2
    mine = reverse("tickets:mine")
    assert sorted(sent("reminder.holiday")) == [
        (
            "reception-a",
            NotifyChannel.INAPP,
            "节前提醒：4 项事项将在假期（2026-10-01 起）到期",
            "FK-20260930-0001、ZX-20260930-0001、ZX-20260930-0004",
            mine,
            f"remind-holiday:2026-10-01:{reception_a.pk}:inapp:{reception_a.pk}",
        ),
        (
            "tech-a",
            NotifyChannel.INAPP,
            "节前提醒：1 项事项将在假期（2026-10-01 起）到期",
            "ZX-20260930-0002",
            mine,
            f"remind-holiday:2026-10-01:{technician_a.pk}:inapp:{technician_a.pk}",
        ),
    ]


def test_the_holiday_reminder_waits_for_14_00_of_the_last_working_day(clock, before_national_day):
    # when the job runs before 14:00 that day, or on the holiday itself, then nobody is reminded
    assert remind_holiday_at(clock, t(2026, 9, 30, 13, 59, 59)) == 0
    assert remind_holiday_at(clock, t(2026, 10, 1, 14)) == 0
    assert sent("reminder.holiday") == []


def test_no_holiday_reminder_on_an_ordinary_working_day(clock, desk):
    # given a running deadline on Tuesday 29 September (the day after is a working day)
    desk(t(2026, 9, 29, 13))

    # when the job runs in the afternoon, then nobody is reminded
    assert remind_holiday_at(clock, t(2026, 9, 29, 15)) == 0
    assert sent("reminder.holiday") == []


def test_the_holiday_reminder_is_sent_once_per_owner(clock, before_national_day, desk):
    # when the job runs at 14:00, again at 14:05, and after another ticket was recorded at 16:00
    first = remind_holiday_at(clock, t(2026, 9, 30, 14))
    again = remind_holiday_at(clock, t(2026, 9, 30, 14, 5))
    desk(t(2026, 9, 30, 16))
    later = remind_holiday_at(clock, t(2026, 9, 30, 19, 55))

    # then each owner was reminded once, at 14:00
    assert (first, again, later) == (2, 0, 0)
    assert len(sent("reminder.holiday")) == 2


def test_the_holiday_reminder_names_at_most_20_tickets(clock, desk):
    # given 21 consultations recorded on the last working day before National Day
    tickets = [desk(t(2026, 9, 30, 13)) for _ in range(21)]

    # when the job runs at 14:00
    assert remind_holiday_at(clock, t(2026, 9, 30, 14)) == 1

    # then the count is complete and the list holds the first 20 numbers
    [(_user, _channel, subject, body, _url, _key)] = sent("reminder.holiday")
    assert subject == "节前提醒：21 项事项将在假期（2026-10-01 起）到期"
    assert body == "、".join(f"ZX-20260930-{n:04d}" for n in range(1, 21))
    assert tickets[-1].number == "ZX-20260930-0021"


def test_the_24_hour_reminder_holds_only_a_chunk_of_the_window_at_once(clock, desk, monkeypatch):
    # given six urgent consultations whose 48-hour progress deadlines all fall within the same 24 hours
    def record_six():
        for hour in range(10, 16):
            desk(t(2026, 11, 18, hour), priority=Priority.URGENT)

    def targets_alive() -> int:
        return sum(1 for obj in gc.get_objects() if type(obj) is SlaTarget)  # type(): never wakes a lazy object

    record_six()
    gc.collect()
    before = targets_alive()  # whatever earlier code still holds

    # when the job runs with chunks of two, counting the targets alive whenever it sends a reminder
    alive = []
    real_notify = reminders.notify

    def counting_notify(**kwargs):
        alive.append(targets_alive() - before)
        return real_notify(**kwargs)

    monkeypatch.setattr(reminders, "REMINDER_CHUNK", 2)
    monkeypatch.setattr(reminders, "notify", counting_notify)

    # then all six are reminded, but never more than a chunk (and the last row of the one before) is held:
    # the worker's memory does not grow with the number of clocks in the window
    assert remind_24h_at(clock, t(2026, 11, 19, 16)) == 6
    assert len(alive) == 6
    assert max(alive) <= 3


def test_the_holiday_reminder_keeps_a_digest_per_owner_not_the_targets(clock, desk, monkeypatch):
    # given 25 consultations recorded on the last working day before National Day, all for one owner
    tickets = [desk(t(2026, 9, 30, 13)) for _ in range(25)]
    gc.collect()
    before = sum(1 for obj in gc.get_objects() if type(obj) is SlaTarget)

    # when the job runs at 14:00 with chunks of five, counting the targets alive when the reminder is sent
    alive = []
    real_notify = reminders.notify

    def counting_notify(**kwargs):
        alive.append(sum(1 for obj in gc.get_objects() if type(obj) is SlaTarget) - before)
        return real_notify(**kwargs)

    monkeypatch.setattr(reminders, "REMINDER_CHUNK", 5)
    monkeypatch.setattr(reminders, "HOLIDAY_LIST_LENGTH", 2)  # the numbers are pruned while they stream past
    monkeypatch.setattr(reminders, "notify", counting_notify)
    assert remind_holiday_at(clock, t(2026, 9, 30, 14)) == 1

    # then the owner hears of all 25 and of the two lowest numbers, and at most the loop's last target is
    # still held when they are told (keeping the targets would hold all 25)
    [(_user, _channel, subject, body, _url, _key)] = sent("reminder.holiday")
    assert subject == "节前提醒：25 项事项将在假期（2026-10-01 起）到期"
    assert body == "ZX-20260930-0001、ZX-20260930-0002"
    assert tickets[-1].number == "ZX-20260930-0025"
    assert len(alive) == 1 and alive[0] <= 1
