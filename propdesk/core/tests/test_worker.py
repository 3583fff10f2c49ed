"""The background worker (core.worker), its housekeeping jobs (core.jobs) and ``manage.py run_worker``."""

import logging
import signal
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from propdesk.core import worker
from propdesk.core.jobs import clear_expired_sessions
from propdesk.core.worker import periodic, registered_jobs, run_due_jobs


@pytest.fixture
def registry(transactional_db):
    """An empty job registry for the test; the real jobs are put back untouched afterwards.

    run_due_jobs calls close_old_connections() like the real worker, which needs database access
    and, on PostgreSQL, closes a connection left inside a transaction: so no test transaction here.
    """
    saved = dict(worker._JOBS)
    worker._JOBS.clear()
    yield worker._JOBS
    worker._JOBS.clear()
    worker._JOBS.update(saved)


@pytest.fixture
def calls(registry):
    """Two temporary jobs, ``test.every_10s`` and ``test.every_60s``, that record their calls."""
    log: list[str] = []

    @periodic(10, name="test.every_10s")
    def every_10s():
        log.append("every_10s")

    @periodic(60, name="test.every_60s")
    def every_60s():
        log.append("every_60s")

    return log


@pytest.fixture
def restore_signals():
    """Worker.run installs SIGTERM/SIGINT handlers; put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_core_jobs_are_registered():
    # the core app registers its housekeeping when it is ready
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["core.clear_expired_sessions"].every == 3600
    assert jobs["core.clear_expired_sessions"].func is clear_expired_sessions


def test_periodic_names_a_job_after_its_function_by_default(registry):
    # when a job is registered without a name
    @periodic(5)
    def tidy():
        return None

    # then it is named after its module and function, and the function is returned unchanged
    assert [job.name for job in registered_jobs()] == [
        f"{__name__}.test_periodic_names_a_job_after_its_function_by_default.<locals>.tidy"
    ]
    assert registered_jobs()[0].every == 5
    assert registered_jobs()[0].func is tidy


def test_due_jobs_run_once_and_not_again_before_their_interval(calls):
    # given two jobs that never ran
    # when the worker ticks at t=1000
    ran = run_due_jobs(now=1000.0)

    # then both run once
    assert ran == ["test.every_10s", "test.every_60s"]
    assert calls == ["every_10s", "every_60s"]

    # when it ticks again just before the shorter interval is over
    ran = run_due_jobs(now=1009.9)

    # then nothing runs
    assert ran == []
    assert calls == ["every_10s", "every_60s"]


def test_a_worker_given_some_jobs_runs_only_those(calls, settings):
    settings.PROPDESK_WORKER_JOBS = ["test.every_60s"]

    assert run_due_jobs(now=1000.0) == ["test.every_60s"]
    assert calls == ["every_60s"]


def test_a_job_runs_again_once_its_interval_has_passed(calls):
    # given both jobs ran at t=1000
    run_due_jobs(now=1000.0)

    # when the worker ticks at t=1010 and at t=1060
    at_1010 = run_due_jobs(now=1010.0)
    at_1060 = run_due_jobs(now=1060.0)

    # then the 10-second job ran at both and the 60-second job only at t=1060
    assert at_1010 == ["test.every_10s"]
    assert at_1060 == ["test.every_10s", "test.every_60s"]
    assert calls == ["every_10s", "every_60s", "every_10s", "every_10s", "every_60s"]
    assert {job.name: job.next_run for job in registered_jobs()} == {
        "test.every_10s": 1070.0,
        "test.every_60s": 1120.0,
    }


def test_a_failing_job_is_logged_and_does_not_stop_the_others(registry, caplog):
    # given a failing job registered between two working ones
    log: list[str] = []

    @periodic(10, name="test.first")
    def first():
        log.append("first")

    @periodic(10, name="test.broken")
    def broken():
        raise RuntimeError("boom")

    @periodic(10, name="test.last")
    def last():
        log.append("last")

    # when the worker ticks
    with caplog.at_level(logging.ERROR, logger="propdesk.worker"):
        ran = run_due_jobs(now=1000.0)

    # then the others ran, and the failure was logged with its traceback
    assert log == ["first", "last"]
    assert ran == ["test.first", "test.broken", "test.last"]
    errors = [r for r in caplog.records if r.name == "propdesk.worker"]
    assert [(r.levelno, r.getMessage()) for r in errors] == [(logging.ERROR, "job test.broken failed")]
    assert errors[0].exc_info[0] is RuntimeError
    # and the failing job is retried at its next tick, not in a tight loop
    assert run_due_jobs(now=1005.0) == []
    assert run_due_jobs(now=1010.0) == ["test.first", "test.broken", "test.last"]


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_expired_and_keeps_live_sessions():
    # given two expired sessions and one live one
    now = timezone.now()
    for key, expires in (
        ("expired-a", now - timedelta(seconds=1)),
        ("expired-b", now - timedelta(days=30)),
        ("live-one", now + timedelta(hours=1)),
    ):
        Session.objects.create(session_key=key, session_data=SessionStore().encode({}), expire_date=expires)

    # when the job runs
    deleted = clear_expired_sessions()

    # then the expired ones are gone and the live one is kept
    assert deleted == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live-one"]


def test_run_worker_once_runs_due_jobs_and_returns(calls, restore_signals):
    # given two due jobs
    # when the worker command runs with --once
    result = call_command("run_worker", once=True)

    # then it ran each job exactly once and returned
    assert result is None
    assert calls == ["every_10s", "every_60s"]


def test_worker_stops_when_asked(registry, restore_signals):
    # given a worker whose only job asks it to stop (as SIGTERM would)
    the_worker = worker.Worker(tick=0.01)
    runs: list[int] = []

    @periodic(0, name="test.stopper")
    def stopper():
        runs.append(1)
        the_worker.stop(signal.SIGTERM, None)

    # when it runs without --once
    the_worker.run()

    # then it finished its tick and stopped
    assert runs == [1]
    assert the_worker.stopping is True
