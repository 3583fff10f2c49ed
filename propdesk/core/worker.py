"""The background worker: runs registered periodic jobs until stopped.

Domain apps register jobs with ``periodic(seconds)``. Each job runs in its own transaction
scope and a failing job is logged and retried at its next tick; it never stops the others.
"""

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

log = logging.getLogger("propdesk.worker")


@dataclass
class Job:
    name: str
    every: float
    func: Callable[[], object]
    next_run: float = 0.0


_JOBS: dict[str, Job] = {}


def periodic(seconds: float, name: str | None = None):
    """Register ``func`` to run every ``seconds`` in the worker."""

    def decorator(func):
        job_name = name or f"{func.__module__}.{func.__qualname__}"
        _JOBS[job_name] = Job(job_name, seconds, func)
        return func

    return decorator


def registered_jobs() -> list[Job]:
    """Every registered job, or only those named in ``PROPDESK_WORKER_JOBS`` when it is set (a worker given
    some of the jobs, or a test that watches two of them)."""
    from django.conf import settings

    only = set(getattr(settings, "PROPDESK_WORKER_JOBS", ()) or ())
    return [job for job in _JOBS.values() if not only or job.name in only]


def run_due_jobs(now: float | None = None) -> list[str]:
    """Run every job whose time has come; return the names that ran."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in registered_jobs():
        if now < job.next_run:
            continue
        close_old_connections()
        try:
            job.func()
        except Exception:
            log.exception("job %s failed", job.name)
        job.next_run = now + job.every
        ran.append(job.name)
    return ran


class Worker:
    def __init__(self, tick: float):
        self.tick = tick
        self.stopping = False

    def stop(self, *_args) -> None:
        self.stopping = True

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("worker started with jobs: %s", ", ".join(sorted(_JOBS)) or "-")
        while not self.stopping:
            run_due_jobs()
            if once:
                break
            # Wake when the next job is due (at most ``tick`` later), not a full tick after the slowest job.
            deadline = min([time.monotonic() + self.tick, *(job.next_run for job in registered_jobs())])
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.1)
        log.info("worker stopped")
