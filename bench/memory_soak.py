"""Memory of the long-running processes (issue "Performance", target 4): the worker's RSS stays flat over a
1-hour soak; the web worker's RSS after 100,000 requests is within 10 % of its RSS after 1,000.

    .venv/bin/python bench/memory_soak.py --worker [--minutes 60] [--rate 1.5]
    .venv/bin/python bench/memory_soak.py --web [--requests 100000] [--clients 4]

``--worker``: recreates ``propdesk_bench_soak`` (only ``propdesk_bench*`` databases are touched), migrates it,
loads the demo, and starts the worker as ``make run`` (``run_all``) does: ``manage.py run_worker`` with
``config.settings.local``. A feeder in this process sends ``--rate`` tickets/s through ``POST /api/v1/tickets``
(test client, API token of the demo receptionist): repairs run the real 5-minute dispatch clock, every third
other ticket gets its clocks shortened to 3 minutes (one UPDATE), so the SLA ladder warns and escalates and
notifications are written; every fifth step a ticket created ~5 minutes earlier is answered (clocks stop, the
resident is notified). The worker's RSS (with its children's) goes to /tmp/propdesk-memory-soak/worker.csv
every minute; first/last/max, the slope of the last 30 minutes and the work done go to ``worker.json``.

``--web``: a fresh ``propdesk_bench_memweb``; gunicorn with ``make run``'s command line
(``run_all.web_command``: gthread, 4 threads) and ``WEB_CONCURRENCY=1``, so the RSS is one worker's.
``--clients`` keep-alive threads send a mix of API and HTML requests; the load pauses at 1,000 requests and
every 10,000 to read the worker's RSS. Results in ``web.json``.
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    MANAGE,
    PYTHON,
    REPO,
    check_db_name,
    child_pids,
    machine_info,
    pg_connect,
    proc_cpu,
    prod_env,
    run,
    serve,
    stop_server,
)

OUT = Path("/tmp/propdesk-memory-soak")
CONTENTS = {
    "repair": "厨房水龙头漏水，请安排师傅上门",
    "complaint": "楼上装修噪音扰民，晚上十点后仍在施工",
    "consultation": "咨询停车月卡办理流程",
    "feedback": "小区东门路灯不亮",
    "special_service": "预约周六上午家庭保洁",
    "suggestion": "建议增设快递柜",
}
KINDS = ["repair", "complaint", "repair", "consultation", "feedback", "repair", "special_service", "suggestion"]


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", flush=True)


def local_env(db: str, **extra: str) -> dict[str, str]:
    """The environment of ``make run`` (config.settings.local) pointed at the bench database."""
    return prod_env(
        db,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        HOST="127.0.0.1",
        PROPDESK_BASE_URL="http://localhost:8000",
        **extra,
    )


def prepare_db(db: str, households: int) -> None:
    check_db_name(db)
    with pg_connect("postgres") as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (db,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')
    env = local_env(db)
    run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], env, timeout=1800)
    out = run([str(PYTHON), str(MANAGE), "load_demo", "--households", str(households)], env, timeout=1800)
    log(f"{db}: migrated, {out.stdout.splitlines()[0] if out.stdout else 'demo loaded'}")
    if not (REPO / "var" / "static" / "staticfiles.json").exists():
        # As `make run` does: the manifest storage answers 500 on every full page without it.
        run([str(PYTHON), str(MANAGE), "collectstatic", "--noinput", "-v0"], env, timeout=600)


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> tuple[int, int]:
    total, todo, seen = 0, [pid], -1
    while todo:
        p = todo.pop()
        total, seen = total + rss_kb(p), seen + 1
        todo.extend(child_pids(p))
    return total, seen


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (minutes, value) points, in value per hour."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return 60 * sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def django_client(db: str):
    """A test client with the receptionist's API token and a logged-in session (in this process)."""
    from _common import setup_django

    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from propdesk.api.services import api_token_create

    user = get_user_model().objects.get(username="reception")
    _token, secret = api_token_create(actor=user, name=f"memory soak {time.strftime('%H:%M:%S')}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return user, client, secret


def households_in_scope(user) -> list[int]:
    from propdesk.communities.models import Household
    from propdesk.core.scoping import get_scope

    qs = Household.objects.filter(is_active=True, unit__building__community__in=sorted(get_scope(user).community))
    return list(qs.values_list("pk", flat=True))


class Feeder(threading.Thread):
    """Creates ``rate`` tickets per second through the API; shortens some clocks; answers older tickets."""

    def __init__(self, db: str, rate: float, seed: int = 11):
        super().__init__(daemon=True)
        self.db, self.rate, self.rng = db, rate, random.Random(seed)
        self.stop_event = threading.Event()
        self.created: list[tuple[float, int]] = []
        self.counts = {"created": 0, "shortened": 0, "replied": 0, "errors": 0}
        self.errors: list[str] = []

    def api(self, method: str, path: str, body: dict):
        response = getattr(self.client, method)(
            path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        if response.status_code >= 400:
            self.counts["errors"] += 1
            if len(self.errors) < 5:
                self.errors.append(f"{method.upper()} {path}: {response.status_code} {response.content[:200]!r}")
            return None
        return response.json()

    def shorten(self, ticket_id: int) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE sla_slatarget SET started_at = now() - interval '1 minute',
                       due_at = now() + interval '3 minutes', warn_at = now() + interval '2 minutes',
                       next_check_at = now() + interval '2 minutes'
                   WHERE ticket_id = %s AND state = 'running'""",
                [ticket_id],
            )
        self.counts["shortened"] += 1

    def step(self, i: int) -> None:
        kind = KINDS[i % len(KINDS)]
        body = {"kind": kind, "channel": "phone", "household_id": self.rng.choice(self.households)}
        body["content"] = CONTENTS[kind]
        created = self.api("post", "/api/v1/tickets", body)
        if created:
            self.counts["created"] += 1
            self.created.append((time.monotonic(), created["id"]))
            if kind != "repair" and i % 3 == 0:
                self.shorten(created["id"])
        if i % 5 == 0:
            old = [tid for at, tid in self.created if 290 < time.monotonic() - at < 330]
            if old:
                reply = {"method": "phone", "content": "已联系业主，师傅今天下午上门处理。"}
                if self.api("post", f"/api/v1/tickets/{old[0]}/replies", reply):
                    self.counts["replied"] += 1
        # Keep only what a reply may still pick.
        self.created = [(at, tid) for at, tid in self.created if time.monotonic() - at < 330]

    def run(self) -> None:
        from django.db import close_old_connections

        self.user, self.client, self.secret = django_client(self.db)
        self.households = households_in_scope(self.user)
        started, i = time.monotonic(), 0
        while not self.stop_event.is_set():
            try:
                self.step(i)
            except Exception as exc:  # counted, the soak goes on
                self.counts["errors"] += 1
                if len(self.errors) < 5:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                close_old_connections()
            i += 1
            pause = started + i / self.rate - time.monotonic()
            started -= min(pause, 0.0)  # behind (a busy machine): no catch-up burst, keep the rate
            self.stop_event.wait(max(pause, 0.0))


def worker_activity(db: str, log_path: Path) -> dict:
    with pg_connect(db) as conn:

        def q(sql):
            return conn.execute(sql).fetchall()

        out = {
            "tickets": q("SELECT count(*) FROM tickets_ticket")[0][0],
            "sla_targets_by_state": dict(q("SELECT state, count(*) FROM sla_slatarget GROUP BY 1")),
            "sla_breached": q("SELECT count(*) FROM sla_slatarget WHERE breached_at IS NOT NULL")[0][0],
            "sla_escalation_levels": dict(q("SELECT escalation_level, count(*) FROM sla_slatarget GROUP BY 1")),
            "notifications_by_channel_state": {
                f"{c}/{s}": n for c, s, n in q("SELECT channel, state, count(*) FROM notify_notification GROUP BY 1, 2")
            },
        }
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    out["worker_log_lines"] = text.count("\n")
    out["worker_log_failed_jobs"] = text.count(" failed")
    out["worker_log_tracebacks"] = text.count("Traceback")
    return out


def soak_worker(args) -> None:
    db = check_db_name(args.db or "propdesk_bench_soak")
    OUT.mkdir(parents=True, exist_ok=True)
    prepare_db(db, args.households)
    log_path = OUT / "worker.log"
    with open(log_path, "w") as worker_log:  # run_all's command line: sys.executable manage.py run_worker
        worker = subprocess.Popen(
            [str(PYTHON), "manage.py", "run_worker"],
            cwd=REPO,
            env=local_env(db, LOG_LEVEL="INFO"),
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    feeder = Feeder(db, args.rate)
    feeder.start()
    log(f"worker pid {worker.pid}; feeder {args.rate}/s; sampling every {args.interval:.0f} s for {args.minutes} min")
    rows = []
    started = time.monotonic()
    try:
        with open(OUT / "worker.csv", "w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["minute", "rss_kb", "children", "load1", "created", "feeder_errors"])
            for minute in range(args.minutes + 1):
                time.sleep(max(0.0, started + minute * args.interval - time.monotonic()))
                if worker.poll() is not None:
                    raise SystemExit(f"worker exited with {worker.returncode}; see {log_path}")
                kb, kids = tree_rss_kb(worker.pid)
                counts = feeder.counts
                row = [minute, kb, kids, round(os.getloadavg()[0], 2), counts["created"], counts["errors"]]
                out.writerow(row)
                fh.flush()
                rows.append(row)
                log(f"minute {minute:>3}: worker RSS {kb / 1024:7.1f} MiB ({kids} children), load {row[3]}, {counts}")
    finally:
        feeder.stop_event.set()
        feeder.join(timeout=30)
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    report_worker(db, args, rows, feeder, log_path)


def report_worker(db: str, args, rows: list, feeder: Feeder, log_path: Path) -> None:
    # Sample 0 is taken as the worker starts (before its imports): the curve starts at the first interval.
    mib = [(r[0] * args.interval / 60, r[1] / 1024) for r in rows[1:]] or [(0.0, rows[0][1] / 1024)]
    last30 = [p for p in mib if p[0] >= mib[-1][0] - 30]
    summary = {
        "command": " ".join(sys.argv),
        "machine": machine_info(db),
        "minutes": args.minutes,
        "rate": args.rate,
        "first_mib": mib[0][1],
        "after_5_min_mib": next((v for m, v in mib if m >= 5), mib[-1][1]),
        "last_mib": mib[-1][1],
        "max_mib": max(v for _, v in mib),
        "slope_last_30_min_mib_per_hour": slope_per_hour(last30),
        "slope_all_mib_per_hour": slope_per_hour(mib),
        "feeder": feeder.counts,
        "feeder_errors": feeder.errors,
        "activity": worker_activity(db, log_path),
        "samples": rows,
    }
    (OUT / "worker.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    print(json.dumps({k: v for k, v in summary.items() if k != "samples"}, indent=2, ensure_ascii=False, default=str))
    log(
        f"worker RSS first {summary['first_mib']:.1f} MiB, last {summary['last_mib']:.1f}, max {summary['max_mib']:.1f}; "
        f"slope of the last 30 min {summary['slope_last_30_min_mib_per_hour']:+.2f} MiB/h"
    )


def web_mix(user, secret: str, session: str, seed: int = 5) -> list[tuple[str, str, str, bytes | None, dict]]:
    """1,000 requests (name, method, path, body, headers) in a fixed random order, cycled by the clients."""
    from propdesk.communities.models import Resident
    from propdesk.core.scoping import get_scope
    from propdesk.tickets.models import Ticket

    rng = random.Random(seed)
    communities = sorted(get_scope(user).community)
    tickets = list(Ticket.objects.filter(community__in=communities).values_list("pk", flat=True)[:500])
    residents = Resident.objects.filter(household__unit__building__community__in=communities, is_active=True)
    phones = list(residents.exclude(phone="").values_list("phone", flat=True)[:300])
    households = households_in_scope(user)
    api = {"Authorization": f"Bearer {secret}"}
    html = {"Cookie": f"sessionid={session}"}

    def create():
        kind = rng.choice(list(CONTENTS))
        body = {"kind": kind, "channel": "phone", "household_id": rng.choice(households), "content": CONTENTS[kind]}
        headers = {**api, "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        return "api create", "POST", "/api/v1/tickets", json.dumps(body).encode(), headers

    makers = [
        (30, lambda: ("api ticket detail", "GET", f"/api/v1/tickets/{rng.choice(tickets)}", None, api)),
        (15, lambda: ("api ticket list", "GET", "/api/v1/tickets?limit=20", None, api)),
        (15, lambda: ("api lookup", "GET", f"/api/v1/lookup?q={rng.choice(phones)}", None, api)),
        (5, create),
        (15, lambda: ("html ticket page", "GET", f"/tickets/{rng.choice(tickets)}/", None, html)),
        (10, lambda: ("html desk lookup", "GET", f"/desk/lookup/?q={rng.choice(phones)}", None, html)),
        (5, lambda: ("html ticket list", "GET", "/tickets/", None, html)),
        (5, lambda: ("html dispatch board", "GET", "/dispatch/", None, html)),
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(1000)]


def run_batch(clients: list, mix: list, first: int, count: int, stats: dict, deadline: float) -> int:
    """Requests ``first`` … ``first + count - 1`` of the cycled mix over the clients' keep-alive connections."""
    lock = threading.Lock()
    todo = iter(range(first, first + count))
    done = [0]

    def loop(client):
        while time.monotonic() < deadline:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            name, method, path, body, headers = mix[i % len(mix)]
            if method == "POST":  # a fresh Idempotency-Key per create
                headers = {**headers, "Idempotency-Key": str(uuid.uuid4())}
            try:
                status, _data = client.request(method, path, body, headers)
            except Exception as exc:  # counted, the run goes on
                status = type(exc).__name__
            with lock:
                done[0] += 1
                key = f"{name} {status}"
                stats[key] = stats.get(key, 0) + 1

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0]


def start_web(db: str, port: int) -> tuple[subprocess.Popen, int]:
    """gunicorn with the command line of `make run` (run_all.web_command), one worker process."""
    from propdesk.home.management.commands.run_all import web_command

    os.environ["WEB_CONCURRENCY"] = "1"  # web_command reads it from this process's environment
    command = web_command(host="127.0.0.1", port=str(port), dev=False)
    env = local_env(db, WEB_CONCURRENCY="1", LOG_LEVEL="WARNING")
    proc = serve(
        command,
        env=env,
        log_path=OUT / "web-gunicorn.log",
        port=port,
        wait=90,
        ready=lambda proc: len(child_pids(proc.pid)) == 1,
    )
    worker = child_pids(proc.pid)[0]
    log(f"gunicorn: {' '.join(command[1:])}; worker pid {worker}")
    return proc, worker


def soak_web(args) -> None:
    from api_bench import Client, free_port

    db = check_db_name(args.db or "propdesk_bench_memweb")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.keep_db:
        prepare_db(db, args.households)
    user, client, secret = django_client(db)
    mix = web_mix(user, secret, client.cookies["sessionid"].value)
    __import__("django.db").db.connection.close()  # the clients are HTTP only from here on
    port = free_port()
    proc, pid = start_web(db, port)
    clients = [Client(port, {}) for _ in range(args.clients)]
    milestones = [m for m in [1000, *range(args.every, args.requests + 1, args.every)] if m <= args.requests]
    stats: dict[str, int] = {}
    samples, done = [], 0
    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    try:
        for milestone in milestones:
            done += run_batch(clients, mix, done, milestone - done, stats, deadline)
            time.sleep(1)  # requests in flight have finished: the RSS of an idle worker
            pids = child_pids(proc.pid)
            elapsed = time.monotonic() - started
            sample = {
                "requests": done,
                "rss_kb": rss_kb(pid),
                "worker_cpu_s": proc_cpu(pid),
                "worker_pid_unchanged": pids == [pid],
                "elapsed_s": round(elapsed, 1),
                "load1": round(os.getloadavg()[0], 2),
            }
            samples.append(sample)
            log(
                f"{done:>7} requests: worker RSS {sample['rss_kb'] / 1024:7.1f} MiB, {done / elapsed:.0f} req/s, {sample}"
            )
            if time.monotonic() >= deadline or pids != [pid]:
                break
    finally:
        stop_server(proc)
    report_web(db, args, samples, stats)


def report_web(db: str, args, samples: list, stats: dict) -> None:
    at = {s["requests"]: s["rss_kb"] / 1024 for s in samples}
    first, last = at.get(1000), samples[-1]["rss_kb"] / 1024 if samples else None
    summary = {
        "command": " ".join(sys.argv),
        "machine": machine_info(db),
        "clients": args.clients,
        "rss_mib_at_1000": first,
        "rss_mib_at_end": last,
        "requests_done": samples[-1]["requests"] if samples else 0,
        "ratio_end_over_1000": (last / first) if first and last else None,
        "statuses": dict(sorted(stats.items())),
        "samples": samples,
    }
    (OUT / "web.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--worker", action="store_true", help="the worker soak")
    mode.add_argument("--web", action="store_true", help="the web worker under 100,000 requests")
    parser.add_argument("--db", default=None, help="propdesk_bench_soak (--worker) / propdesk_bench_memweb (--web)")
    parser.add_argument("--households", type=int, default=600, help="demo households (load_demo --households)")
    parser.add_argument("--minutes", type=int, default=60, help="soak length (--worker)")
    parser.add_argument("--interval", type=float, default=60, help="seconds between RSS samples (--worker)")
    parser.add_argument("--rate", type=float, default=1.5, help="tickets per second fed to the worker")
    parser.add_argument("--requests", type=int, default=100_000, help="requests (--web)")
    parser.add_argument("--clients", type=int, default=4, help="client threads, keep-alive (--web)")
    parser.add_argument("--every", type=int, default=10_000, help="read the web worker's RSS every … requests")
    parser.add_argument("--max-minutes", type=float, default=40, help="stop the web run after this long")
    parser.add_argument("--keep-db", action="store_true", help="--web: reuse the database of an earlier run")
    args = parser.parse_args()
    if args.worker:
        soak_worker(args)
    else:
        soak_web(args)


if __name__ == "__main__":
    main()
