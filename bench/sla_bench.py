"""SLA sweeper benchmark against the benchmark database (bench/load_pg.py first: 1,000,000 running rows).

    .venv/bin/python bench/sla_bench.py                    # idle sweep, profile, 10,000 due with 1 and 2 workers
    .venv/bin/python bench/sla_bench.py --due 2000 --workers 1    # quicker

Phases:

(a) idle sweep: ``propdesk.sla.services.sweep()`` called in process ``--idle-calls`` times with nothing due
    (p50/p95/max), and ``EXPLAIN (ANALYZE, BUFFERS)`` of the sweeper's claim query, idle and with rows due,
    to show it reads the partial index ``sla_target_next_check_idx``;
(p) profile: one in-process sweep of ``--profile-rows`` due rows with the SQL query count per row and the
    top functions by cumulative time (cProfile);
(b) burst: ``--due`` running targets (not yet breached, policies shorter than 24 h) get
    ``due_at = warn_at = next_check_at = T`` (T = now + ``--lead`` seconds, one bulk UPDATE; ``started_at``
    becomes T − the policy's duration so the clock looks like a real one and the 24-hour reminder job does not
    pick the rows up); then ``manage.py run_worker`` subprocesses (production settings, default
    PROPDESK_SLA_SWEEP_SECONDS / PROPDESK_WORKER_TICK_SECONDS) are started — one, then two on a fresh set —
    and the script polls until every row is breached with its escalation steps (warn + due) and in-app
    notifications written. Reported: time from T until the last row was visible (committed), the breach
    detection lag ``breach_recorded_at − due_at`` (p50/p95/p99/max) and the lag until the row was visibly
    committed (polling every ``--poll`` s).

Before (a), rows that would fall due during the benchmark (e.g. tickets created by api_bench.py, with real
5-minute deadlines) are moved 3 days out so that the idle sweep is idle and the workers see only the burst;
the count is printed. Every phase is bounded (``--burst-timeout``); workers are stopped with SIGTERM at the end.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    MANAGE,
    PYTHON,
    REPO,
    CpuMeter,
    check_db_name,
    fmt_row,
    loadavg,
    machine_info,
    pg_connect,
    prod_env,
    setup_django,
    summary_ms,
    wait_quiet,
)

TARGET_TOTAL_S = 60.0
TARGET_P99_LAG_S = 15.0


class QueryTally:
    """A database execute wrapper: how many statements of which kind, and the time spent in them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.kinds: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            text = sql.lstrip()
            word = text.split(None, 1)[0].upper() if text else "?"
            table = ""
            for marker in (" FROM ", "INSERT INTO ", "UPDATE "):
                if marker in text:
                    table = text.split(marker, 1)[1].split(None, 1)[0].strip('"')
                    break
            entry = self.kinds.setdefault(f"{word} {table}".strip(), [0, 0.0])
            entry[0] += 1
            entry[1] += elapsed


def capture_claim_query(batch: int) -> tuple[str, list]:
    """The sweeper's claim query exactly as ``sla.services.sweep`` sends it (SQL and parameters), taken from
    an idle sweep with a database execute wrapper, so the EXPLAIN below always shows the current code's query."""
    from django.db import connection

    from propdesk.sla import services as sla

    seen: list[tuple[str, list]] = []

    def wrapper(execute, sql, params, many, context):
        if "sla_slatarget" in sql and "next_check_at" in sql and sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        sla.sweep(batch=batch)
    if not seen:
        raise SystemExit("could not capture the sweeper's claim query")
    return seen[0]


def explain_sweeper(claim: tuple[str, list], moment) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the claim query with its moment parameter set to ``moment``."""
    import datetime as _dt

    from django.db import connection, transaction

    sql, params = claim
    params = [moment if isinstance(p, _dt.datetime) else p for p in params]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        transaction.set_rollback(True)  # EXPLAIN ANALYZE took the row locks: give them back untouched
    return f"{sql % tuple(repr(str(p)) for p in params)}\n{plan}"


def defer_pending(conn, horizon: dt.timedelta) -> int:
    """Move rows that would fall due (or be reminded) during the benchmark 3 days out; return how many."""
    cur = conn.execute(
        """UPDATE sla_slatarget SET next_check_at = next_check_at + interval '3 days',
               due_at = due_at + interval '3 days', warn_at = warn_at + interval '3 days'
           WHERE next_check_at IS NOT NULL AND (next_check_at <= now() + %(h)s
                 OR (state = 'running' AND due_at <= now() + interval '1 day' + %(h)s))""",
        {"h": horizon},
    )
    return cur.rowcount


def pick_targets(conn, n: int) -> list[int]:
    rows = conn.execute(
        """SELECT s.id FROM sla_slatarget s JOIN sla_slapolicy p ON p.id = s.policy_id
           WHERE s.state = 'running' AND s.breached_at IS NULL AND s.escalation_level = 0
             AND s.next_check_at > now() + interval '1 day'
             AND coalesce(p.duration_minutes, 660) < 1440
           ORDER BY random() LIMIT %s""",
        (n,),
    ).fetchall()
    return [r[0] for r in rows]


def make_due(conn, ids: list[int], at: dt.datetime) -> None:
    conn.execute(
        """UPDATE sla_slatarget s SET due_at = %(t)s, warn_at = %(t)s, next_check_at = %(t)s,
               started_at = %(t)s - make_interval(mins => coalesce(p.duration_minutes, 660))
           FROM sla_slapolicy p WHERE p.id = s.policy_id AND s.id = ANY(%(ids)s)""",
        {"t": at, "ids": ids},
    )


def start_workers(
    db: str, n: int, log_dir: Path, variant: str = "", extra_env: dict | None = None
) -> list[subprocess.Popen]:
    command = [str(PYTHON), str(MANAGE), "run_worker"]
    if variant:
        command = [str(PYTHON), str(Path(__file__).resolve().parent / "patched_worker.py"), "--sweep", variant]
    procs = []
    for i in range(n):
        log = open(log_dir / f"propdesk-bench-worker-{os.getpid()}-{i}.log", "w")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                command,
                cwd=REPO,
                env=prod_env(db, LOG_LEVEL="INFO", **(extra_env or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)  # only the worker processes this script started
    for p in procs:
        try:
            p.wait(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def burst(
    db: str,
    n_due: int,
    n_workers: int,
    lead: float,
    poll: float,
    timeout: float,
    log_dir: Path,
    variant: str = "",
    extra_env: dict | None = None,
) -> dict:
    load_before = loadavg()
    conn = pg_connect(db)
    ids = pick_targets(conn, n_due)
    if len(ids) < n_due:
        raise SystemExit(f"only {len(ids)} running targets available for the burst")
    now = conn.execute("SELECT now()").fetchone()[0]
    at = now + dt.timedelta(seconds=lead)
    make_due(conn, ids, at)
    procs = start_workers(db, n_workers, log_dir, variant, extra_env)
    started_wall = time.time()
    meter = CpuMeter(db, lambda: [p.pid for p in procs])
    # Let the workers start (imports, first idle sweep) before T; their CPU is counted from T on.
    time.sleep(max(0.0, at.timestamp() - time.time() - 0.5))
    meter.begin(conn)
    last_sample = time.time()
    first_seen: dict[int, float] = {}
    t_at = at.timestamp()
    try:
        deadline = time.monotonic() + lead + timeout
        while time.monotonic() < deadline:
            rows = conn.execute(
                "SELECT id FROM sla_slatarget WHERE id = ANY(%s) AND breach_recorded_at IS NOT NULL "
                "AND escalation_level >= 2",
                (ids,),
            ).fetchall()
            seen_at = time.time()
            for (pk,) in rows:
                first_seen.setdefault(pk, seen_at)
            if len(first_seen) >= len(ids):
                break
            if time.time() - last_sample >= 1.0:
                meter.sample(conn)
                last_sample = time.time()
            if any(p.poll() is not None for p in procs):
                raise SystemExit("a worker exited early; see its log in " + str(log_dir))
            time.sleep(poll)
    finally:
        load_after = loadavg()
        cpu = meter.end(conn)
        stop_workers(procs)
    worker_errors = []
    for i in range(n_workers):
        text = (log_dir / f"propdesk-bench-worker-{os.getpid()}-{i}.log").read_text(errors="replace")
        worker_errors += [line for line in text.splitlines() if " ERROR " in line]
    done = len(first_seen) == len(ids)
    stats = conn.execute(
        """SELECT extract(epoch FROM breach_recorded_at - due_at) FROM sla_slatarget
           WHERE id = ANY(%s) AND breach_recorded_at IS NOT NULL""",
        (ids,),
    ).fetchall()
    lags = [float(r[0]) for r in stats]
    steps = conn.execute(
        """SELECT count(*), count(DISTINCT target_id), coalesce(sum(jsonb_array_length(recipients)), 0),
                  max(taken_at), min(taken_at)
           FROM sla_escalationstep WHERE target_id = ANY(%s)""",
        (ids,),
    ).fetchone()
    keys = [f"sla:{pk}:L%" for pk in ids]
    notes = conn.execute(
        "SELECT count(*), max(created_at) FROM notify_notification WHERE channel = 'inapp' AND dedupe_key LIKE ANY(%s)",
        (keys,),
    ).fetchone()
    events = conn.execute(
        "SELECT count(*) FROM tickets_ticketevent WHERE kind = 'escalated' AND at >= %s "
        "AND ticket_id IN (SELECT ticket_id FROM sla_slatarget WHERE id = ANY(%s))",
        (now, ids),
    ).fetchone()[0]
    conn.close()
    visible_lags = [first_seen[pk] - t_at for pk in first_seen]
    last_visible = max(visible_lags) if visible_lags else float("nan")
    result = {
        "workers": n_workers,
        "sweep": variant or "application",
        "worker_env": extra_env or {},
        "due": len(ids),
        "breached": len(lags),
        "complete": done,
        "T": at.isoformat(),
        "workers_started_before_T_s": t_at - started_wall,
        "total_s_T_to_last_visible": last_visible,
        "total_s_T_to_last_taken_at": (steps[3].timestamp() - t_at) if steps[3] else None,
        "lag_breach_recorded": {k: v / 1000 for k, v in summary_ms(lags).items() if k != "n"},
        "lag_visible": {k: v / 1000 for k, v in summary_ms(visible_lags).items() if k != "n"},
        "steps": steps[0],
        "targets_with_steps": steps[1],
        "expected_inapp": steps[2],
        "inapp_notifications": notes[0],
        "escalated_events": events,
        "throughput_rows_per_s": len(first_seen) / last_visible if visible_lags and last_visible > 0 else None,
        "load_before": load_before,
        "load_after": load_after,
        # Worker processes + their PostgreSQL backends, from the start of the workers to the last row.
        "worker_cpu_ms_per_row": cpu["app_cpu_s"] * 1000 / max(1, len(first_seen)),
        "db_cpu_ms_per_row": cpu["db_cpu_s"] * 1000 / max(1, len(first_seen)),
        "worker_error_lines": len(worker_errors),
        "worker_errors_sample": sorted(set(worker_errors))[:3],
    }
    print(
        f"  {n_workers} worker(s): {len(lags)}/{len(ids)} breached, complete={done}; T→last visible "
        f"{last_visible:.1f} s; lag p50 {result['lag_breach_recorded'].get('p50', 0):.1f} "
        f"p95 {result['lag_breach_recorded'].get('p95', 0):.1f} p99 {result['lag_breach_recorded'].get('p99', 0):.1f} "
        f"max {result['lag_breach_recorded'].get('max', 0):.1f} s; steps {steps[0]}, in-app {notes[0]}"
        f"/{steps[2]}, escalated events {events}",
        flush=True,
    )
    print(
        f"     CPU per row: worker {result['worker_cpu_ms_per_row']:.1f} ms + PostgreSQL "
        f"{result['db_cpu_ms_per_row']:.1f} ms"
    )
    print(
        f"     load average before {load_before:.2f}, at the end {load_after:.2f}; "
        f"worker log ERROR lines: {len(worker_errors)}"
    )
    for line in result["worker_errors_sample"]:
        print("     " + line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--idle-calls", type=int, default=200)
    parser.add_argument("--profile-rows", type=int, default=500, help="rows for the in-process profile (0: skip)")
    parser.add_argument("--due", type=int, default=10_000, help="rows falling due at the same moment")
    parser.add_argument("--workers", default="1,2", help="worker counts to run the burst with (default 1,2)")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds from the UPDATE to T")
    parser.add_argument("--poll", type=float, default=0.25, help="polling interval while waiting (s)")
    parser.add_argument("--burst-timeout", type=float, default=900, help="give up a burst after this many s")
    parser.add_argument(
        "--sweep-variant",
        default="",
        choices=["", "B", "C"],
        help="run the bursts with a prototype sweep from sla_sweep_experiment.py (bench/patched_worker.py)",
    )
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the workers, e.g. PROPDESK_SLA_SWEEP_SECONDS=1 (default: none, the defaults)",
    )
    parser.add_argument("--quiet-load", type=float, default=1.0, help="wait for a 1-min load average ≤ this")
    parser.add_argument("--quiet-wait", type=float, default=600, help="… but at most this many seconds per phase")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    args = parser.parse_args()
    db = check_db_name(args.db)
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))

    setup_django(db)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from propdesk.sla import services as sla

    out: dict = {"machine": machine_info(db)}
    with pg_connect(db) as conn:
        out["running_rows"] = conn.execute(
            "SELECT count(*) FROM sla_slatarget WHERE next_check_at IS NOT NULL"
        ).fetchone()[0]
        out["deferred"] = defer_pending(conn, dt.timedelta(hours=2))
        conn.execute("ANALYZE sla_slatarget")
    print(
        f"database {db}: {out['running_rows']:,} rows with next_check_at; "
        f"{out['deferred']} rows due within the benchmark horizon moved 3 days out"
    )
    print(
        f"settings: PROPDESK_SLA_SWEEP_SECONDS={settings.PROPDESK_SLA_SWEEP_SECONDS}, "
        f"PROPDESK_WORKER_TICK_SECONDS={settings.PROPDESK_WORKER_TICK_SECONDS}, "
        f"PROPDESK_SLA_BATCH={settings.PROPDESK_SLA_BATCH}"
    )

    # (a) idle sweep
    if args.idle_calls:
        out["load_idle"] = wait_quiet(args.quiet_wait, args.quiet_load, "the idle sweep")
        sla.sweep(batch=settings.PROPDESK_SLA_BATCH)  # connect, warm caches
        durations = []
        checked = 0
        for _ in range(args.idle_calls):
            started = time.perf_counter()
            result = sla.sweep(batch=settings.PROPDESK_SLA_BATCH)
            durations.append(time.perf_counter() - started)
            checked += result.checked
        out["idle"] = {**summary_ms(durations), "checked": checked}
        with CaptureQueriesContext(connection) as ctx:
            sla.sweep(batch=settings.PROPDESK_SLA_BATCH)
        out["idle"]["queries_per_call"] = len(ctx.captured_queries)
        idle = out["idle"]
        print(
            f"(a) idle sweep × {args.idle_calls}: p50 {idle['p50']:.2f} ms, p95 {idle['p95']:.2f} ms, "
            f"max {idle['max']:.2f} ms; rows checked {checked}; {idle['queries_per_call']} queries per call "
            f"(load {out['load_idle']:.2f} → {loadavg():.2f})"
        )
    claim = capture_claim_query(settings.PROPDESK_SLA_BATCH)
    out["explain_idle"] = explain_sweeper(claim, timezone.now())
    print("EXPLAIN ANALYZE of the claim query, nothing due:\n" + out["explain_idle"])

    # (p) profile one sweep of N due rows in process; also the plan with rows due.
    if args.profile_rows:
        out["load_profile"] = wait_quiet(args.quiet_wait, args.quiet_load, "the profile")
        with pg_connect(db) as conn:
            ids = pick_targets(conn, args.profile_rows)
            moment = conn.execute("SELECT now() - interval '1 second'").fetchone()[0]
            make_due(conn, ids, moment)
        out["explain_due"] = explain_sweeper(claim, timezone.now())
        print(f"EXPLAIN ANALYZE of the claim query, {len(ids)} rows due:\n" + out["explain_due"])
        # Timed without the profiler (the query tally is a cheap execute wrapper), then profiled on fresh rows.
        tally = QueryTally()
        with connection.execute_wrapper(tally):
            started = time.perf_counter()
            result = sla.sweep(batch=settings.PROPDESK_SLA_BATCH)
            elapsed = time.perf_counter() - started
        with pg_connect(db) as conn:
            ids = pick_targets(conn, args.profile_rows)
            moment = conn.execute("SELECT now() - interval '1 second'").fetchone()[0]
            make_due(conn, ids, moment)
        profiler = cProfile.Profile()
        profiler.enable()
        profiled = sla.sweep(batch=settings.PROPDESK_SLA_BATCH)
        profiler.disable()
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(30)
        buf.write("\n")
        pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(15)
        out["profile"] = {
            "rows": result.checked,
            "profiled_rows": profiled.checked,
            "seconds": elapsed,
            "rows_per_s": result.checked / elapsed if elapsed else None,
            "queries": tally.count,
            "queries_per_row": tally.count / max(1, result.checked),
            "query_kinds": dict(sorted(tally.kinds.items(), key=lambda kv: -kv[1][0])),
            "sql_time_s": tally.seconds,
            "cprofile": buf.getvalue(),
        }
        p = out["profile"]
        print(
            f"(p) in-process sweep of {p['rows']} due rows: {p['seconds']:.2f} s ({p['rows_per_s']:.0f} rows/s), "
            f"{p['queries']} queries ({p['queries_per_row']:.1f} per row), {p['sql_time_s']:.2f} s inside SQL "
            f"(load {out['load_profile']:.2f} → {loadavg():.2f})"
        )
        for key, (n, secs) in list(p["query_kinds"].items())[:20]:
            print(f"     {n:>6}  {key:<40} {secs * 1000:8.0f} ms")
        print("\n".join(p["cprofile"].splitlines()[:90]))
    connection.close()

    # (b) bursts
    out["bursts"] = []
    for n_workers in [int(x) for x in args.workers.split(",") if x]:
        wait_quiet(args.quiet_wait, args.quiet_load, f"the burst with {n_workers} worker(s)")
        print(
            f"(b) {args.due:,} rows due at T = now + {args.lead:.0f} s, {n_workers} worker(s), "
            f"sweep: {args.sweep_variant or 'application'} …",
            flush=True,
        )
        out["bursts"].append(
            burst(
                db,
                args.due,
                n_workers,
                args.lead,
                args.poll,
                args.burst_timeout,
                log_dir,
                args.sweep_variant,
                dict(item.split("=", 1) for item in args.worker_env),
            )
        )

    print(
        "\n"
        + fmt_row(
            [
                "workers",
                "rows",
                "complete",
                "T→last committed s",
                "lag p50 s",
                "lag p95 s",
                "lag p99 s",
                "lag max s",
                "rows/s",
                "worker CPU ms/row",
                "PG CPU ms/row",
                "load avg",
            ]
        )
    )
    print(fmt_row(["---"] * 12))
    for b in out["bursts"]:
        lag = b["lag_breach_recorded"]
        print(
            fmt_row(
                [
                    b["workers"],
                    b["due"],
                    b["complete"],
                    f"{b['total_s_T_to_last_visible']:.1f}",
                    f"{lag.get('p50', float('nan')):.1f}",
                    f"{lag.get('p95', float('nan')):.1f}",
                    f"{lag.get('p99', float('nan')):.1f}",
                    f"{lag.get('max', float('nan')):.1f}",
                    f"{b['throughput_rows_per_s'] or 0:.0f}",
                    f"{b['worker_cpu_ms_per_row']:.1f}",
                    f"{b['db_cpu_ms_per_row']:.1f}",
                    f"{b['load_before']:.1f}–{b['load_after']:.1f}",
                ]
            )
        )
    print("\nverdicts:")
    for b in out["bursts"]:
        total_ok = b["complete"] and b["total_s_T_to_last_visible"] <= TARGET_TOTAL_S
        lag_ok = b["complete"] and b["lag_breach_recorded"].get("p99", 1e9) <= TARGET_P99_LAG_S
        print(
            f"  {b['workers']} worker(s), sweep {b['sweep']}: all {b['due']:,} recorded within 60 s: {'MET' if total_ok else 'MISSED'} "
            f"({b['total_s_T_to_last_visible']:.1f} s); lag p99 ≤ 15 s: {'MET' if lag_ok else 'MISSED'} "
            f"({b['lag_breach_recorded'].get('p99', float('nan')):.1f} s)"
        )
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
