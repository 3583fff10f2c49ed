"""HTTP benchmark of the production server setup against the benchmark database (bench/load_pg.py first).

    .venv/bin/python bench/api_bench.py                       # defaults: 2,000 creates at 1 and 8 clients
    .venv/bin/python bench/api_bench.py --creates 500 --reads 100   # quicker
    .venv/bin/python bench/api_bench.py --phases reads --read-concurrency 1,8 --reads 400   # the lists only

What it does:

1. configures Django in this process with ``config.settings.prod`` against the bench database, creates an
   API token for the demo receptionist (``reception``) with ``propdesk.api.services.api_token_create`` and a
   logged-in session for the same user (``django.test.Client.force_login``);
2. counts the SQL queries of one list request at ``limit=20`` and ``limit=100`` and of one lookup (API and
   HTML), in process, with ``CaptureQueriesContext``, and prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the
   list's queries;
3. starts ``gunicorn config.wsgi --workers 2 --threads 4 --timeout 120`` (as ``make run``) on a free port of
   127.0.0.1 with the production settings
   (SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false, DATABASE_URL, DB_CONN_MAX_AGE=60);
4. measures with concurrent client threads (``http.client``, keep-alive when the server allows it):
   ``POST /api/v1/tickets`` (unique ``Idempotency-Key`` per request) at each ``--concurrency``; the first
   page of ``GET /api/v1/tickets?limit=20`` and ``?limit=100``, the first page without the count
   (``count=false``) and a keyset page 50,000 rows down (``after=…``); ``GET /api/v1/lookup?q=<phone>``, the
   front-desk HTML partial ``/desk/lookup/?q=<phone>`` and the HTML ticket list ``/tickets/`` with the
   session cookie (``--read-only`` picks some of them);
5. stops gunicorn and revokes the token.

Every phase has a fixed request count and a time budget (``--phase-seconds``); only 127.0.0.1 is contacted.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO,
    CpuMeter,
    check_db_name,
    child_pids,
    fmt_row,
    loadavg,
    machine_info,
    prod_env,
    serve,
    setup_django,
    stop_server,
    summary_ms,
    wait_quiet,
)

GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
TARGETS = {"create_rps_8": 300.0, "read_p95_ms": 100.0, "lookup_p95_ms": 50.0}
# How deep the keyset page of the read benchmark starts (rows of the receptionist's list before it).
DEEP_ROWS = 50_000
# (max wait s, load threshold) before each phase; set from the command line.
QUIET = {"wait": 600.0, "load": 1.0}

CONTENTS = {
    "repair": "厨房水龙头漏水，请安排师傅上门",
    "complaint": "楼上装修噪音扰民，晚上十点后仍在施工",
    "consultation": "咨询停车月卡办理流程",
    "feedback": "小区东门路灯不亮",
    "special_service": "预约周六上午家庭保洁",
    "suggestion": "建议增设快递柜",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection per thread; reconnects when the server closes it."""

    def __init__(self, port: int, headers: dict[str, str]):
        self.port = port
        self.headers = headers
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.reconnects += 1
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                self.conn.close()
                self.conn = None
            return response.status, data
        raise RuntimeError("unreachable")


def run_phase(
    name: str,
    port: int,
    headers: dict,
    make_request,
    total: int,
    concurrency: int,
    budget: float,
    meter: CpuMeter | None = None,
) -> dict:
    """``total`` requests shared by ``concurrency`` threads; ``make_request(i) -> (method, path, body, headers)``."""
    load_before = wait_quiet(QUIET["wait"], QUIET["load"], name) if name != "warm-up" else loadavg()
    lock = threading.Lock()
    counter = iter(range(total))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    reconnects = [0]
    deadline = time.monotonic() + budget

    def worker():
        client = Client(port, headers)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, body, extra = make_request(i)
            started = time.perf_counter()
            try:
                status, data = client.request(method, path, body, extra)
            except Exception as exc:  # counted, never fatal
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 400 and len(errors) < 5:
                    errors.append(f"HTTP {status}: {data[:300]!r}")
        with lock:
            reconnects[0] += client.reconnects

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    sampling = threading.Event()

    def sampler():
        while not sampling.wait(1.0):
            meter.sample()

    if meter:
        meter.begin()
        sampler_thread = threading.Thread(target=sampler)
        sampler_thread.start()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if meter:
        sampling.set()
        sampler_thread.join()
    cpu = meter.end() if meter else {}
    ok = sum(n for s, n in statuses.items() if s < 400)
    result = {
        "name": name,
        "concurrency": concurrency,
        "requests": len(latencies),
        "ok": ok,
        "errors": len(latencies) - ok + sum(1 for e in errors if not e.startswith("HTTP")),
        "statuses": statuses,
        "wall_s": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "connections": reconnects[0],
        **{k: v for k, v in summary_ms(latencies).items() if k != "n"},
        "sample_errors": errors[:5],
        "load_before": load_before,
        "load_after": loadavg(),
    }
    if cpu and latencies:
        n = len(latencies)
        result["app_cpu_ms_per_req"] = cpu["app_cpu_s"] * 1000 / n
        result["db_cpu_ms_per_req"] = cpu["db_cpu_s"] * 1000 / n
        per_req = (cpu["app_cpu_s"] + cpu["db_cpu_s"]) / n
        # What the two cores could serve if the server had them to itself (CPU-bound estimate).
        result["cpu_bound_rps_2_cores"] = 2 / per_req if per_req else None
    print(
        f"{name:<34} c={concurrency} n={result['requests']} ok={ok} err={result['errors']} "
        f"{result['rps']:7.1f} req/s  p50 {result.get('p50', 0):7.1f}  p95 {result.get('p95', 0):7.1f}  "
        f"p99 {result.get('p99', 0):7.1f} ms  (connections opened: {result['connections']}; "
        f"load {load_before:.2f} → {result['load_after']:.2f})",
        flush=True,
    )
    if "app_cpu_ms_per_req" in result:
        print(
            f"{'':<34} server CPU per request: app {result['app_cpu_ms_per_req']:.1f} ms + "
            f"PostgreSQL {result['db_cpu_ms_per_req']:.1f} ms → CPU-bound capacity on 2 cores ≈ "
            f"{result['cpu_bound_rps_2_cores'] or 0:.0f} req/s",
            flush=True,
        )
    for e in result["sample_errors"]:
        print("   ", e)
    return result


def start_gunicorn(db: str, port: int, workers: int, log_path: Path, threads: int = 4) -> subprocess.Popen:
    """The server as ``make run`` starts it (``run_all``: gthread workers, 120 s timeout)."""
    cmd = [str(GUNICORN), "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    cmd += ["--threads", str(threads), "--timeout", "120", "--no-control-socket"]
    return serve(cmd, env=prod_env(db), log_path=log_path, port=port)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def deep_position(user, rows: int) -> str:
    """The ``after`` of the receptionist's list ``rows`` rows down (where a client paging on would be)."""
    from propdesk.tickets.api_common import keyset_of
    from propdesk.tickets.selectors import ticket_list

    qs = ticket_list(user=user).select_related(None).only("pk", "received_at")
    ticket = qs[rows : rows + 1].first() or qs.last()
    return keyset_of(ticket)


def in_process_measurements(secret: str, session_cookie: str, phone: str, household_id: int, deep_after: str) -> dict:
    """Query counts (and EXPLAIN ANALYZE of the list queries) from one request each, in this process."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    out: dict = {"queries": {}, "explain": {}}
    # Warm up (scope, token last_used_at, caches) so every measured request is a steady-state one.
    client.get("/api/v1/tickets?limit=20", **auth)
    for limit in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/tickets?limit={limit}", **auth)
        assert response.status_code == 200, response.content[:300]
        items = len(response.json()["items"])
        out["queries"][f"GET /api/v1/tickets?limit={limit}"] = (len(ctx.captured_queries), items)
        if limit == 20:
            out["list_sql"] = [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/lookup?q={phone}", **auth)
    assert response.status_code == 200, response.content[:300]
    out["queries"]["GET /api/v1/lookup?q=<phone>"] = (len(ctx.captured_queries), len(response.json()["households"]))
    out["lookup_sql"] = [q["sql"] for q in ctx.captured_queries]
    for kind in ("complaint", "repair"):
        body = json.dumps({"kind": kind, "channel": "phone", "household_id": household_id, "content": CONTENTS[kind]})
        with CaptureQueriesContext(connection) as ctx:
            try:
                response = client.post(
                    "/api/v1/tickets",
                    body,
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                    **auth,
                )
                outcome = response.status_code
            except Exception as exc:  # a server error: record it, the HTTP runs will show the 500s
                outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        out["queries"][f"POST /api/v1/tickets ({kind})"] = (len(ctx.captured_queries), outcome)
        out.setdefault("create_sql_ms", {})[kind] = sql_ms
    client.cookies["sessionid"] = session_cookie
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/desk/lookup/?q={phone}")
    assert response.status_code == 200, response.content[:300]
    out["queries"]["GET /desk/lookup/?q=<phone>"] = (len(ctx.captured_queries), response.content.count(b"<article"))
    # EXPLAIN ANALYZE of the list's two data queries (count and page) and of the lookup's queries.
    for sql in out["list_sql"]:
        if "tickets_ticket" in sql and ("COUNT(" in sql.upper() or "LIMIT" in sql.upper()):
            key = "list count" if "COUNT(" in sql.upper() else "list page (limit 20)"
            out["explain"][key] = (sql, explain(sql))
    # The page DEEP_ROWS down by keyset (``after``), and the front desk's HTML list page (/tickets/).
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/tickets?limit=20&count=false&after={quote(deep_after)}", **auth)
    assert response.status_code == 200, response.content[:300]
    out["queries"]["GET /api/v1/tickets?…&after=<deep>"] = (len(ctx.captured_queries), len(response.json()["items"]))
    for sql in (q["sql"] for q in ctx.captured_queries):
        if "tickets_ticket" in sql and "LIMIT" in sql.upper():
            out["explain"]["keyset page (after, count=false)"] = (sql, explain(sql))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/tickets/")
    assert response.status_code == 200, response.content[:300]
    out["queries"]["GET /tickets/ (HTML list page)"] = (len(ctx.captured_queries), response.status_code)
    for sql in (q["sql"] for q in ctx.captured_queries):
        if "tickets_ticket" in sql and "COUNT(" in sql.upper():
            out["explain"]["HTML list page count"] = (sql, explain(sql))
    for i, sql in enumerate(out["lookup_sql"]):
        if any(t in sql for t in ("tickets_ticket", "intake_interaction", "communities_household")):
            out["explain"][f"lookup query {i + 1}"] = (sql, explain(sql))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4, as make run)")
    parser.add_argument("--creates", type=int, default=2000, help="POST /api/v1/tickets per concurrency level")
    parser.add_argument("--concurrency", default="1,8", help="client threads for the create runs (default 1,8)")
    parser.add_argument("--reads", type=int, default=300, help="requests per read benchmark (list, lookup)")
    parser.add_argument("--read-concurrency", default="1", help="client threads for the read runs (default 1)")
    parser.add_argument("--phase-seconds", type=float, default=300, help="time budget of one phase")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    parser.add_argument(
        "--kinds",
        default=",".join(CONTENTS),
        help="ticket kinds the creates cycle through (default: %(default)s)",
    )
    parser.add_argument("--phases", default="creates,reads", help="which HTTP phases to run (default creates,reads)")
    parser.add_argument(
        "--read-only",
        default="",
        help="comma-separated parts of the read names to run (e.g. 'limit=20,lookup'; default: every read)",
    )
    parser.add_argument("--quiet-load", type=float, default=1.0, help="wait for a 1-min load average ≤ this")
    parser.add_argument("--quiet-wait", type=float, default=600, help="… but at most this many seconds per phase")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db = check_db_name(args.db)
    rng = random.Random(args.seed)
    QUIET.update(wait=args.quiet_wait, load=args.quiet_load)

    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient

    from propdesk.api.models import ApiToken
    from propdesk.api.services import api_token_create, api_token_revoke
    from propdesk.communities.models import Household
    from propdesk.core.scoping import get_scope

    user = get_user_model().objects.get(username="reception")
    # Old bench tokens (a crashed earlier run) would eventually hit the per-user limit.
    for old in ApiToken.objects.filter(user=user, name__startswith="bench ", revoked_at__isnull=True):
        api_token_revoke(actor=user, token=old)
    token, secret = api_token_create(actor=user, name=f"bench {time.strftime('%Y-%m-%d %H:%M:%S')}")
    web = DjangoClient(HTTP_HOST="127.0.0.1")
    web.force_login(user)
    session_cookie = web.cookies["sessionid"].value

    scope = get_scope(user)
    communities = sorted(scope.community)
    households = list(
        Household.objects.filter(is_active=True, unit__building__community__in=communities).values_list("pk", flat=True)
    )
    # Callers of the lookup: owners of households that have open tickets and past interactions (a busy caller).
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT r.phone FROM communities_resident r
               JOIN communities_household h ON h.id = r.household_id
               JOIN communities_unit u ON u.id = h.unit_id JOIN communities_building b ON b.id = u.building_id
               WHERE b.community_id = ANY(%s) AND r.is_active AND r.phone <> ''
                 AND EXISTS (SELECT 1 FROM tickets_ticket t WHERE t.household_id = h.id AND t.status = 'in_progress')
                 AND EXISTS (SELECT 1 FROM intake_interaction i WHERE i.household_id = h.id)
               ORDER BY r.phone LIMIT 2000""",
            [communities],
        )
        phones = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE community_id = ANY(%s)", [communities])
        visible_tickets = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total_tickets = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sla_slatarget WHERE next_check_at IS NOT NULL")
        running_targets = cursor.fetchone()[0]
    rng.shuffle(phones)
    print(
        f"database {db}: {total_tickets:,} tickets ({visible_tickets:,} visible to 'reception'), "
        f"{len(households):,} households in scope, {running_targets:,} running deadline rows"
    )

    deep_after = deep_position(user, DEEP_ROWS)
    measured = in_process_measurements(secret, session_cookie, phones[0], households[0], deep_after)
    print("\nqueries per request (in process, CaptureQueriesContext):")
    for name, (n, items) in measured["queries"].items():
        print(f"  {name:<36} {n:>3} queries  ({items})")
    for kind, ms in measured.get("create_sql_ms", {}).items():
        print(f"  time inside SQL for one create ({kind}): {ms:.1f} ms")
    for key, (sql, plan) in measured["explain"].items():
        print(f"\nEXPLAIN ANALYZE — {key}:\n{sql}\n{plan}")
    connection.close()

    port = free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"propdesk-bench-gunicorn-{port}.log"
    print(
        f"\nstarting gunicorn on 127.0.0.1:{port} with {args.workers} workers × {args.threads} threads (log: {log_path})"
    )
    proc = start_gunicorn(db, port, args.workers, log_path, args.threads)
    meter = CpuMeter(db, lambda: [proc.pid, *child_pids(proc.pid)])
    results = []
    try:
        api_headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        kinds = [k for k in args.kinds.split(",") if k]
        unknown = set(kinds) - set(CONTENTS)
        if unknown:
            raise SystemExit(f"unknown kinds: {sorted(unknown)}")

        def create(i: int):
            kind = kinds[i % len(kinds)]
            body = {
                "kind": kind,
                "channel": "phone",
                "household_id": households[(i * 7919 + args.seed) % len(households)],
                "content": CONTENTS[kind],
            }
            headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
            return "POST", "/api/v1/tickets", json.dumps(body, ensure_ascii=False).encode(), headers

        # Warm-up: every worker process imports, connects and fills its caches before anything is timed.
        run_phase("warm-up", port, api_headers, create, 20, 4, args.phase_seconds)
        phases = set(args.phases.split(","))
        for c in [int(x) for x in args.concurrency.split(",")] if "creates" in phases else []:
            results.append(
                run_phase("POST /api/v1/tickets", port, api_headers, create, args.creates, c, args.phase_seconds, meter)
            )
        reads = [
            ("GET /api/v1/tickets?limit=20", lambda i: ("GET", "/api/v1/tickets?limit=20", None, None), api_headers),
            ("GET /api/v1/tickets?limit=100", lambda i: ("GET", "/api/v1/tickets?limit=100", None, None), api_headers),
            (
                "GET /api/v1/tickets?limit=20&count=false",
                lambda i: ("GET", "/api/v1/tickets?limit=20&count=false", None, None),
                api_headers,
            ),
            (
                "GET /api/v1/tickets?…&after=<deep>",
                lambda i: ("GET", f"/api/v1/tickets?limit=20&count=false&after={quote(deep_after)}", None, None),
                api_headers,
            ),
            (
                "GET /api/v1/lookup?q=<phone>",
                lambda i: ("GET", f"/api/v1/lookup?q={quote(phones[i % len(phones)])}", None, None),
                api_headers,
            ),
            (
                "GET /desk/lookup/?q=<phone> (HTML)",
                lambda i: ("GET", f"/desk/lookup/?q={quote(phones[i % len(phones)])}", None, None),
                {"Cookie": f"sessionid={session_cookie}", "HX-Request": "true"},
            ),
            (
                "GET /tickets/ (HTML list page)",
                lambda i: ("GET", "/tickets/", None, None),
                {"Cookie": f"sessionid={session_cookie}"},
            ),
        ]
        only = [w for w in args.read_only.split(",") if w]
        reads = [r for r in reads if not only or any(w in r[0] for w in only)]
        for c in [int(x) for x in args.read_concurrency.split(",")] if "reads" in phases else []:
            for name, make, headers in reads:
                results.append(run_phase(name, port, headers, make, args.reads, c, args.phase_seconds, meter))
    finally:
        stop_server(proc)
        api_token_revoke(actor=user, token=token)

    header = ["endpoint", "clients", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    header += ["app CPU ms/req", "PG CPU ms/req", "CPU-bound req/s (2 cores)", "load avg"]
    print("\n" + fmt_row(header))
    print(fmt_row(["---"] * len(header)))
    for r in results:
        print(
            fmt_row(
                [
                    r["name"],
                    r["concurrency"],
                    r["requests"],
                    r["errors"],
                    f"{r['rps']:.1f}",
                    f"{r.get('p50', 0):.1f}",
                    f"{r.get('p95', 0):.1f}",
                    f"{r.get('p99', 0):.1f}",
                    f"{r.get('max', 0):.1f}",
                    f"{r.get('app_cpu_ms_per_req', 0):.1f}",
                    f"{r.get('db_cpu_ms_per_req', 0):.1f}",
                    f"{r.get('cpu_bound_rps_2_cores') or 0:.0f}",
                    f"{r['load_before']:.1f}–{r['load_after']:.1f}",
                ]
            )
        )
    creates8 = [r for r in results if r["name"].startswith("POST") and r["concurrency"] == 8]
    print("\nverdicts:")
    if creates8:
        rps = creates8[0]["rps"]
        ok = rps >= TARGETS["create_rps_8"] and creates8[0]["errors"] == 0
        print(f"  create ≥ 300 tickets/s with 8 clients: {'MET' if ok else 'MISSED'} ({rps:.1f}/s)")
    for r in results:
        if r["name"].startswith("GET") and "p95" in r:
            target = TARGETS["lookup_p95_ms" if "lookup" in r["name"] else "read_p95_ms"]
            ok = r["p95"] < target and r["errors"] == 0
            print(
                f"  {r['name']} (c={r['concurrency']}) p95 < {target:.0f} ms: {'MET' if ok else 'MISSED'} "
                f"({r['p95']:.1f} ms; load {r['load_before']:.1f}–{r['load_after']:.1f})"
            )
    if args.json:
        payload = {
            "machine": machine_info(db),
            "visible_tickets": visible_tickets,
            "total_tickets": total_tickets,
            "queries": measured["queries"],
            "explain": measured["explain"],
            "results": results,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
