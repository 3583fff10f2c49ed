"""Crash and concurrency tests of the background worker against a real, committed PostgreSQL database.

The tests commit a world with many SLA targets already past every step of their ladder, then run
``manage.py run_worker`` as subprocesses on the same (test) database: one is killed with SIGKILL in the
middle of its work and restarted, or two run at once. Whatever happens to a worker, every breach is
recorded once, every escalation step taken once, and its notifications written once with it; the outbox
delivers each row at least once across a crash and exactly once when workers merely run side by side.

Email and webhooks go to a real SMTP server (aiosmtpd) and a real HTTP receiver in this process.
"""

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from propdesk.notify.models import Channel, DeliveryState, Notification
from propdesk.notify.services import recipient_language
from propdesk.org.choices import Role
from propdesk.sla.choices import TargetState
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.testing.clock import pinned
from propdesk.testing.concurrency import postgresql_only, seed_default_policies
from propdesk.testing.factories import build_world, staff_user
from propdesk.testing.servers import HttpReceiver, SmtpServer
from propdesk.tickets.choices import Channel as TicketChannel
from propdesk.tickets.choices import EventKind, Kind
from propdesk.tickets.models import TicketEvent
from propdesk.tickets.services import ticket_create

pytestmark = [
    postgresql_only(
        "crash tests need PostgreSQL: a database shared with worker subprocesses and FOR UPDATE SKIP LOCKED"
    ),
    pytest.mark.django_db(transaction=True),
]

SECRET = "crash-test-secret"
SLA_KINDS = ("sla.warn", "sla.due")
# Every wait is bounded; a worker that does not get there in time fails the test (generous: a loaded machine
# sweeps 1,000 targets in 30–80 s).
TIMEOUT = 180
POLL = 0.02


class WorkerJobFailed(AssertionError):
    """A worker subprocess logged 'job … failed' (the traceback is in the message)."""


# ----------------------------------------------------------------------------- the committed world


class DueWorld:
    """``tickets`` repair tickets received three days ago (without work orders). Each has two SLA targets
    (5-minute dispatch, 2-hour first response) whose whole ladder is past: warn (owner), due (owner + CS
    supervisor), due + 30 min (center manager), due + 120 min (company quality department)."""

    def __init__(self, tickets: int):
        started = timezone.now() - dt.timedelta(days=3)
        with pinned(started):
            # the seeded calendars and policies: an earlier transactional test's flush may have removed them
            seed_default_policies()
            world = build_world()
            self.reception = self._person("reception-a", Role.RECEPTIONIST, "13800000001", center=world.center_a)
            self.supervisor = self._person("supervisor-a", Role.CS_SUPERVISOR, "13800000002", center=world.center_a)
            self.manager = self._person("manager-a", Role.CENTER_MANAGER, "13800000003", center=world.center_a)
            self.quality = self._person("quality", Role.QUALITY_DEPT, "13800000004", company=world.company)
            with transaction.atomic():
                for i in range(tickets):
                    ticket_create(
                        actor=self.reception,
                        kind=Kind.REPAIR,
                        content=f"报修 {i}：厨房水龙头漏水",
                        channel=TicketChannel.PHONE,
                        household=world.household_a,
                        # only the ticket's own clocks: no work order on the dispatch board
                        create_work_order=False,
                    )
        self.targets = {
            t.pk: t for t in SlaTarget.objects.select_related("policy", "ticket").order_by("pk")
        }  # as committed, before any worker ran
        assert len(self.targets) == 2 * tickets
        assert {t.policy.code for t in self.targets.values()} == {"dispatch", "first_response"}
        now = timezone.now()
        for target in self.targets.values():
            assert (target.state, target.escalation_level, target.breached_at) == (TargetState.RUNNING, 0, None)
            assert target.next_check_at == target.warn_at
            assert target.due_at + dt.timedelta(minutes=120) < now  # the last step is past too
        self.users = {u.pk: u for u in (self.reception, self.supervisor, self.manager, self.quality)}

    @staticmethod
    def _person(username: str, role: str, phone: str, **scope):
        user = staff_user(username, role, **scope)
        user.email = f"{username}@example.com"
        user.save(update_fields=["email"])
        user.staff_profile.phone = phone
        user.staff_profile.save(update_fields=["phone"])
        return user

    def ladder(self, target: SlaTarget) -> list[tuple[int, str, dt.datetime, list[int]]]:
        """(level, when, due_at, recipients) of every step the sweeper must take for ``target``."""
        return [
            (1, "warn", target.warn_at, [self.reception.pk]),
            (2, "due", target.due_at, [self.reception.pk, self.supervisor.pk]),
            (3, "due", target.due_at + dt.timedelta(minutes=30), [self.manager.pk]),
            (4, "due", target.due_at + dt.timedelta(minutes=120), [self.quality.pk]),
        ]

    def expected_notifications(self, target_ids) -> set[tuple[str, str, int, str]]:
        """(dedupe key, channel, recipient, kind) of every outbox row the steps of these targets write:
        in-app and email to every recipient, the webhook (urgent) for the "due" steps."""
        rows = set()
        for pk in target_ids:
            for level, when, _at, recipients in self.ladder(self.targets[pk]):
                channels = [Channel.INAPP, Channel.EMAIL] + ([Channel.WEBHOOK] if when == "due" else [])
                for user in recipients:
                    for channel in channels:
                        rows.add((f"sla:{pk}:L{level}:{channel}:{user}", str(channel), user, f"sla.{when}"))
        return rows


def sla_notifications():
    return Notification.objects.filter(kind__in=SLA_KINDS)


def processed_ids() -> set[int]:
    return set(SlaTarget.objects.filter(next_check_at__isnull=True).values_list("pk", flat=True))


def assert_consistent(world: DueWorld, *, complete: bool) -> set[int]:
    """Each target is either untouched or fully processed (one batch, one transaction); the steps, the
    ticket events and the outbox rows are exactly those of the processed targets. Returns their ids."""
    rows = {t.pk: t for t in SlaTarget.objects.order_by("pk")}
    assert rows.keys() == world.targets.keys()
    processed = {pk for pk, t in rows.items() if t.escalation_level != 0}
    for pk, target in rows.items():
        before = world.targets[pk]
        if pk in processed:
            assert (target.state, target.escalation_level, target.next_check_at, target.stopped_at) == (
                TargetState.BREACHED,
                4,
                None,
                None,
            ), pk
            assert target.breached_at == before.due_at, pk
            assert target.breach_recorded_at is not None, pk
        else:
            # Not yet escalated: either untouched, or its breach already recorded by the one-statement
            # marking that precedes the escalation batches (sla.services.mark_breaches).
            assert target.escalation_level == 0, pk
            assert target.next_check_at == before.next_check_at, pk
            if target.state == TargetState.BREACHED:
                assert target.breached_at == before.due_at, pk
                assert target.breach_recorded_at is not None, pk
            else:
                assert (target.state, target.breached_at, target.breach_recorded_at) == (
                    TargetState.RUNNING,
                    None,
                    None,
                ), pk
    if complete:
        assert processed == set(rows)

    # the escalation steps: exactly the ladder of each processed target, once
    steps = list(EscalationStep.objects.values_list("target", "level", "when", "due_at", "recipients"))
    assert len(steps) == 4 * len(processed)
    assert sorted(steps) == sorted(
        (pk, *step) for pk in processed for step in world.ladder(world.targets[pk])
    )  # (the unique constraint forbids duplicates; counted anyway)

    # one "escalated" ticket event per step
    events = list(
        TicketEvent.objects.filter(kind=EventKind.ESCALATED).values_list("ticket", "data__policy", "data__level")
    )
    assert sorted(events) == sorted(
        (world.targets[pk].ticket_id, world.targets[pk].policy.code, level)
        for pk in processed
        for level in (1, 2, 3, 4)
    )

    # the outbox rows, written in the same transaction as their step: no step without its
    # notifications and no notification without its step
    notifications = list(sla_notifications().values_list("dedupe_key", "channel", "recipient", "kind"))
    assert len(notifications) == len(set(notifications)) == 14 * len(processed)
    assert set(notifications) == world.expected_notifications(processed)
    assert set(sla_notifications().filter(channel=Channel.INAPP).values_list("state", flat=True)) <= {"sent"}
    return processed


# ----------------------------------------------------------------------------- worker subprocesses


def database_url() -> str:
    """The test database this process committed to, as a DATABASE_URL for the subprocess."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"worker-{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check(self, jobs: tuple[str, ...]) -> None:
        """Fail at once when the worker died or one of ``jobs`` failed, with the worker's log."""
        log = self.log()
        for job in jobs:
            if f"job {job} failed\nTraceback" in log:
                raise WorkerJobFailed(f"worker {self.name}: job {job} failed:\n{log[-4000:]}")
        if self.process.poll() is not None:
            raise AssertionError(f"worker {self.name} exited with {self.process.returncode}:\n{log[-4000:]}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, the open transaction is left to PostgreSQL to roll back."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> int:
        """SIGTERM: the worker finishes its tick and exits."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture
def servers():
    """A real SMTP server and a real HTTP receiver (the SMS/IM gateway) in this process."""
    with SmtpServer() as smtp, HttpReceiver() as gateway:
        yield smtp, gateway


@pytest.fixture
def workers(servers, tmp_path):
    """Start worker subprocesses on the committed test database; all are killed afterwards, whatever
    happened."""
    smtp, gateway = servers
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
        "PROPDESK_WORKER_TICK_SECONDS": "0.1",
        # Only the two jobs under test: the other apps' jobs (monthly flags, chasers …) would mail the same people.
        "PROPDESK_WORKER_JOBS": ",".join(SWEEP_AND_DELIVERY),
        "PROPDESK_SLA_BATCH": "50",
        "PROPDESK_SLA_SWEEP_SECONDS": "0.5",
        "PROPDESK_NOTIFY_TICK_SECONDS": "0.5",
        "PROPDESK_NOTIFY_EMAIL": "true",
        "PROPDESK_NOTIFY_MAX_ATTEMPTS": "8",
        "PROPDESK_WEBHOOK_URL": gateway.url,
        "PROPDESK_WEBHOOK_SECRET": SECRET,
        "PROPDESK_WEBHOOK_TIMEOUT": "10",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp.host,
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "DEFAULT_FROM_EMAIL": "propdesk@example.com",
    }

    def start(name: str) -> Worker:
        worker = Worker(name, env, tmp_path)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.cleanup()


def wait_for(condition, *, what: str, workers: list[Worker], jobs: tuple[str, ...], timeout: float = TIMEOUT):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds, or at once
    when a worker dies or logs a failure of one of ``jobs``."""
    deadline = time.monotonic() + timeout
    while True:
        for worker in workers:
            worker.check(jobs)
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- worker {w.name}\n{w.log()[-3000:]}" for w in workers)
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs}")
        time.sleep(POLL)


def other_sessions(*, in_transaction: bool = False) -> int:
    """Other client connections to this test database (the workers'), optionally only those inside an
    open transaction."""
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    if in_transaction:
        sql += " AND xact_start IS NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def kill_when(worker: Worker, condition, *, what: str, jobs: tuple[str, ...]) -> None:
    """Wait until ``condition`` holds while the worker is inside a transaction, SIGKILL it at once, then
    wait until PostgreSQL has noticed and rolled that transaction back (the session is gone)."""
    wait_for(
        lambda: condition() and other_sessions(in_transaction=True) == 1,
        what=f"{what}, with the worker inside a transaction",
        workers=[worker],
        jobs=jobs,
    )
    worker.kill()
    wait_for(lambda: other_sessions() == 0, what="PostgreSQL to end the killed session", workers=[], jobs=())


SWEEP = ("sla.sweep",)
SWEEP_AND_DELIVERY = ("sla.sweep", "notify.deliver")


# ----------------------------------------------------------------------------- sweeping


def test_a_worker_killed_mid_sweep_resumes_and_takes_every_step_exactly_once(workers):
    # given 1,000 targets (500 tickets) past their whole ladder, committed
    world = DueWorld(tickets=500)
    total = len(world.targets)
    assert total == 1000

    # when a worker has committed some of them, but not all, it is killed with SIGKILL in the middle of
    # a batch
    first = workers("first")
    kill_when(first, lambda: len(processed_ids()) >= 100, what="100 targets processed", jobs=SWEEP)

    # then what it committed is whole: complete batches of 50 targets, each with all its steps and their
    # notifications; the batch in hand was rolled back entirely
    partial = assert_consistent(world, complete=False)
    assert 100 <= len(partial) < total
    assert len(partial) % 50 == 0

    # when a new worker starts, it takes the rest
    second = workers("second")
    wait_for(lambda: len(processed_ids()) == total, what="every target to be processed", workers=[second], jobs=SWEEP)
    assert second.stop() == 0

    # then every target breached exactly once, every step was taken exactly once, and each step's
    # notifications exist exactly once per recipient and channel
    assert_consistent(world, complete=True)
    assert EscalationStep.objects.filter(level=2, when="due").count() == total
    assert sla_notifications().count() == 14 * total
    assert sla_notifications().filter(channel=Channel.INAPP).count() == 5 * total
    assert sla_notifications().filter(channel=Channel.EMAIL).count() == 5 * total
    assert sla_notifications().filter(channel=Channel.WEBHOOK).count() == 4 * total


def test_two_workers_sweeping_the_same_rows_take_every_step_exactly_once(workers):
    # given 1,000 targets past their whole ladder
    world = DueWorld(tickets=500)
    total = len(world.targets)

    # when two workers start at once on the same due rows
    pair = [workers("a"), workers("b")]
    wait_for(lambda: len(processed_ids()) == total, what="every target to be processed", workers=pair, jobs=SWEEP)
    assert [w.stop() for w in pair] == [0, 0]

    # then every step was taken once, with its notifications once
    assert_consistent(world, complete=True)
    assert EscalationStep.objects.count() == 4 * total
    assert sla_notifications().count() == 14 * total


# ----------------------------------------------------------------------------- delivering


def outbox_pending() -> int:
    return sla_notifications().exclude(channel=Channel.INAPP).exclude(state=DeliveryState.SENT).count()


def expected_mail(world: DueWorld) -> set[tuple[str, str]]:
    """(recipient address, subject) of every email row, which identifies it (ticket, policy, level)."""
    users = {pk: u.email for pk, u in world.users.items()}
    rows = sla_notifications().filter(channel=Channel.EMAIL).select_related("recipient")
    # The subject is stored as msgid + parameters; the mail carries it in the recipient's language.
    return {
        (users[row.recipient_id], f"[PropDesk] {row.subject_text(recipient_language(row.recipient))}") for row in rows
    }


def received_mail(smtp: SmtpServer) -> list[tuple[str, str]]:
    return [(mail.rcpt_tos[0], mail.message["Subject"].strip()) for mail in list(smtp.received)]


def test_a_worker_killed_mid_delivery_resends_at_least_once_and_loses_nothing(workers, servers):
    smtp, gateway = servers
    # given 200 targets (100 tickets) past their ladder: 1,000 emails and 800 webhooks to send
    world = DueWorld(tickets=100)

    # when a worker has swept everything and committed part of the outbox, it is killed with SIGKILL in
    # the middle of a delivery transaction
    first = workers("first")
    kill_when(
        first,
        lambda: (
            len(processed_ids()) == len(world.targets)
            and sla_notifications().filter(state=DeliveryState.SENT).exclude(channel=Channel.INAPP).count() >= 100
        ),
        what="the sweep to finish and 100 deliveries to be committed",
        jobs=SWEEP_AND_DELIVERY,
    )
    assert outbox_pending() > 0, "the worker sent everything before it was killed; nothing was tested"

    # then every row marked sent was really received (marked after sending, in the same transaction)
    sent_keys = set(
        sla_notifications().filter(channel=Channel.WEBHOOK, state="sent").values_list("dedupe_key", flat=True)
    )
    assert sent_keys <= {r.headers["Idempotency-Key"] for r in gateway.snapshot()}

    # when a new worker starts, it sends the rest
    second = workers("second")
    wait_for(lambda: outbox_pending() == 0, what="the outbox to drain", workers=[second], jobs=SWEEP_AND_DELIVERY)
    assert second.stop() == 0

    # then every row was sent, on its first counted attempt, and received at least once
    assert set(sla_notifications().values_list("state", "attempts", "last_error")) == {
        ("sent", 0, ""),  # in-app
        ("sent", 1, ""),  # email and webhook
    }
    webhook_keys = set(sla_notifications().filter(channel=Channel.WEBHOOK).values_list("dedupe_key", flat=True))
    received_keys = collections.Counter(r.headers["Idempotency-Key"] for r in gateway.snapshot())
    assert set(received_keys) == webhook_keys
    mails = collections.Counter(received_mail(smtp))
    assert set(mails) == expected_mail(world)
    # a repeat is possible only for rows of the one claim (≤ 20 rows) the killed worker had in hand
    repeats = (received_keys.total() - len(received_keys)) + (mails.total() - len(mails))
    assert repeats <= 20


def test_two_workers_delivering_the_same_outbox_send_each_row_exactly_once(workers, servers):
    smtp, gateway = servers
    world = DueWorld(tickets=100)

    pair = [workers("a"), workers("b")]
    wait_for(
        lambda: len(processed_ids()) == len(world.targets) and outbox_pending() == 0,
        what="the sweep to finish and the outbox to drain",
        workers=pair,
        jobs=SWEEP_AND_DELIVERY,
    )
    assert [w.stop() for w in pair] == [0, 0]

    webhook_keys = sorted(sla_notifications().filter(channel=Channel.WEBHOOK).values_list("dedupe_key", flat=True))
    assert len(webhook_keys) == 800
    assert sorted(r.headers["Idempotency-Key"] for r in gateway.snapshot()) == webhook_keys
    mails = received_mail(smtp)
    assert len(mails) == len(set(mails)) == 1000
    assert set(mails) == expected_mail(world)
