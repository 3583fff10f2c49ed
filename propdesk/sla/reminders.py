"""Reminders (R-IC-6): a task due within 24 h reminds its owner once; on the last working day before a
statutory holiday, owners are reminded of everything that falls due during the holiday."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from .choices import TargetState
from .models import SlaTarget
from .rules import day_rules
from .services import recipients_for

# Short clocks have their own warning step; the 24-hour reminder is for longer tasks.
MIN_DURATION_FOR_REMINDER = dt.timedelta(hours=24)
HOLIDAY_REMINDER_HOUR = 14
# Targets loaded (with their tickets and people) at a time by the 24-hour and the holiday reminders.
REMINDER_CHUNK = 200


def remind_due_within_24h(*, now: dt.datetime | None = None) -> int:
    """Remind owners of running targets that fall due within 24 h (each target once).

    The window holds every long clock of the next day, thousands in a busy week, and the job runs every few
    minutes: the ids are read first (the duration compared in SQL) and the rows loaded ``REMINDER_CHUNK`` at a
    time, so the worker never holds the whole window's targets, tickets and people at once (its peak memory,
    which the allocator keeps, would grow with the window)."""
    now = now or timezone.now()
    ids = list(
        SlaTarget.objects.filter(
            state=TargetState.RUNNING,
            due_at__gt=now,
            due_at__lte=now + dt.timedelta(hours=24),
            due_at__gte=F("started_at") + MIN_DURATION_FOR_REMINDER,
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for start in range(0, len(ids), REMINDER_CHUNK):
        targets = (
            SlaTarget.objects.filter(pk__in=ids[start : start + REMINDER_CHUNK], state=TargetState.RUNNING)
            .select_related(
                "ticket__assignee",
                "ticket__first_responder",
                "ticket__team",
                "ticket__service_center__branch",
                "policy",
            )
            .order_by("due_at", "pk")
        )
        for target in targets:
            sent += _remind_24h(target)
    return sent


def _remind_24h(target: SlaTarget) -> int:
    ticket = target.ticket
    with transaction.atomic():
        created = notify(
            recipients=recipients_for(ticket, ["owner"]),
            message=Message(
                kind="reminder.24h",
                subject=t(
                    gettext_noop("24 小时内到期：%(ticket)s %(policy)s（%(due)s）"),
                    ticket=ticket.number,
                    policy=t(target.policy.name),
                    due=timezone.localtime(target.due_at).strftime("%m-%d %H:%M"),
                ),
                body=ticket.title,
                url=reverse("tickets:detail", args=[ticket.pk]),
            ),
            dedupe=f"remind24:{target.pk}",
        )
    return len(created)


def holiday_ahead(today: dt.date, rules=None) -> tuple[dt.date, dt.date] | None:
    """(first holiday day, first working day after) when ``today`` is the last working day before a
    statutory holiday; else None."""
    rules = rules or day_rules()
    if not rules.is_workday(today):
        return None
    tomorrow = today + dt.timedelta(days=1)
    if not rules.is_holiday(tomorrow):
        return None
    back = tomorrow
    while not rules.is_workday(back):
        back += dt.timedelta(days=1)
    return tomorrow, back


# Ticket numbers named in a holiday reminder (the count covers them all).
HOLIDAY_LIST_LENGTH = 20


class _HolidayDigest:
    """One owner's holiday reminder: how many running targets fall due, and the lowest ticket numbers among
    them, kept bounded while the targets stream past."""

    def __init__(self, user):
        self.user = user
        self.count = 0
        self.numbers: set[str] = set()

    def add(self, number: str) -> None:
        self.count += 1
        self.numbers.add(number)
        if len(self.numbers) > 10 * HOLIDAY_LIST_LENGTH:  # a number past the lowest 20 now never comes back
            self.numbers = set(sorted(self.numbers)[:HOLIDAY_LIST_LENGTH])

    def first_numbers(self) -> list[str]:
        return sorted(self.numbers)[:HOLIDAY_LIST_LENGTH]


def remind_before_holiday(*, now: dt.datetime | None = None) -> int:
    """On the last working day before a statutory holiday (from 14:00), remind each owner once of their
    running targets due before the first working day after it."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < HOLIDAY_REMINDER_HOUR:
        return 0
    window = holiday_ahead(local.date())
    if window is None:
        return 0
    first_day, back = window
    until = timezone.make_aware(dt.datetime.combine(back, dt.time(9)))
    sent = 0
    # What each owner is told, not the targets: before a long holiday the window holds most running clocks, so
    # they are read in chunks and only a count and the first ticket numbers are kept per owner.
    by_owner: dict[int, _HolidayDigest] = {}
    targets = (
        SlaTarget.objects.filter(state=TargetState.RUNNING, due_at__lte=until)
        .select_related("ticket__assignee", "ticket__first_responder", "ticket__team", "ticket__service_center__branch")
        .order_by("pk")
        .iterator(chunk_size=REMINDER_CHUNK)
    )
    for target in targets:
        for user in recipients_for(target.ticket, ["owner"]):
            by_owner.setdefault(user.pk, _HolidayDigest(user)).add(target.ticket.number)
    for digest in by_owner.values():
        user = digest.user
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=[user],
                    message=Message(
                        kind="reminder.holiday",
                        subject=t(
                            gettext_noop("节前提醒：%(n)s 项事项将在假期（%(day)s 起）到期"),
                            n=digest.count,
                            day=first_day,
                        ),
                        body="、".join(digest.first_numbers()),
                        url=reverse("tickets:mine"),
                    ),
                    dedupe=f"remind-holiday:{first_day}:{user.pk}",
                )
            )
    return sent
