"""Scale-out (docs/deployment.md): two web processes and two workers against one PostgreSQL database.

The web processes (gunicorn, one process each, separate ports) take creates at the same time, some retried
with the same ``Idempotency-Key`` on both; the two workers sweep deadline rows past their whole ladder and
deliver the outbox. Nothing is done twice: one ticket per key, distinct consecutive numbers, every escalation
step and every notification once, every webhook received once. A role revoked in one process is refused by
both web processes on their next request (the shared scope generation).
"""

import collections
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from propdesk.api.services import api_token_create
from propdesk.org.models import RoleMembership
from propdesk.sla.models import EscalationStep
from propdesk.sla.tests import test_crash as crash
from propdesk.sla.tests.test_crash import (
    SWEEP_AND_DELIVERY,
    DueWorld,
    outbox_pending,
    processed_ids,
    sla_notifications,
    wait_for,
)
from propdesk.testing.concurrency import postgresql_only
from propdesk.tickets.models import Ticket

# The crash tests' real SMTP and HTTP receivers and worker subprocesses.
servers = crash.servers
workers = crash.workers

pytestmark = [
    postgresql_only("scale-out needs PostgreSQL: one database shared by web and worker subprocesses"),
    pytest.mark.django_db(transaction=True),
]

WEB_START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Web:
    """One web process (gunicorn, one sync worker) on the shared test database."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.log_path = log_dir / f"web-{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, secret: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            data = json.dumps(body).encode() if body is not None else None
            all_headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json", **(headers or {})}
            conn.request(method, path, body=data, headers=all_headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + WEB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"web process exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"web process not ready:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture
def webs(workers, tmp_path):
    """Start web processes with the workers' environment (same database, same settings)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": crash.database_url(),
        "PROPDESK_KEEP_SCOPES": "true",  # as in production
    }
    started: list[Web] = []

    def start(name: str) -> Web:
        web = Web(name, env, tmp_path)
        started.append(web)
        return web

    try:
        yield start
    finally:
        for web in started:
            web.cleanup()


def test_two_web_processes_and_two_workers_do_nothing_twice(webs, workers, servers, settings):
    settings.PROPDESK_KEEP_SCOPES = True  # this process announces the role change to the web processes
    _smtp, gateway = servers
    # given deadline rows past their whole ladder, a token, two web processes and two workers
    world = DueWorld(tickets=10)
    _token, secret = api_token_create(actor=world.reception, name="scale-out")
    pair = [webs("a"), webs("b")]
    for web in pair:
        web.wait_ready()
    crew = [workers("a"), workers("b")]
    household = Ticket.objects.first().household_id
    body = {"kind": "consultation", "content": "咨询停车月卡办理流程", "channel": "phone", "household_id": household}
    shared_keys = [str(uuid.uuid4()) for _ in range(5)]

    def create(i: int):
        key = shared_keys[i // 2] if i < 10 else str(uuid.uuid4())  # the first ten: each key on both processes
        return key, pair[i % 2].request("POST", "/api/v1/tickets", secret, body, {"Idempotency-Key": key})

    # when both web processes take creates at once while the workers sweep
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(30)))

    # then every create succeeded, each key made one ticket, and the numbers are distinct and consecutive
    assert [status for _key, (status, _data) in results] == [201] * 30
    by_key = collections.defaultdict(set)
    for key, (_status, data) in results:
        by_key[key].add(json.loads(data)["id"])
    assert all(len(ids) == 1 for ids in by_key.values())
    created = Ticket.objects.filter(pk__in={i for ids in by_key.values() for i in ids})
    assert created.count() == 25
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in created.values_list("number", flat=True))
    assert sequence == list(range(sequence[0], sequence[0] + 25))

    # and the workers took every step once, wrote and delivered every notification once
    wait_for(
        lambda: set(world.targets) <= processed_ids() and outbox_pending() == 0,
        what="every due row swept and the outbox delivered",
        workers=crew,
        jobs=SWEEP_AND_DELIVERY,
    )
    assert EscalationStep.objects.filter(target__in=list(world.targets)).count() == 4 * len(world.targets)
    notifications = list(sla_notifications().values_list("dedupe_key", flat=True))
    assert len(notifications) == len(set(notifications)) == 14 * len(world.targets)
    webhook_keys = set(sla_notifications().filter(channel="webhook").values_list("dedupe_key", flat=True))
    received = collections.Counter(r.headers["Idempotency-Key"] for r in gateway.snapshot())
    assert set(received) == webhook_keys
    assert received.total() == len(received)  # none received twice

    # when the receptionist's role is revoked in this process
    membership = RoleMembership.objects.get(user=world.reception, is_active=True)
    membership.is_active = False
    membership.save()

    # then both web processes refuse her next create (each recomputes the scope)
    for web in pair:
        status, _data = web.request("POST", "/api/v1/tickets", secret, body, {"Idempotency-Key": str(uuid.uuid4())})
        assert status in (400, 403)
    assert Ticket.objects.count() == len({t.ticket_id for t in world.targets.values()}) + 25
