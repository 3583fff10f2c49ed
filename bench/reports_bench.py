"""The reports benchmark: the monthly statistics and the manager's dashboard over 10,000,000 tickets.

    .venv/bin/python bench/reports_bench.py                       # build what is missing, then measure
    .venv/bin/python bench/reports_bench.py --tickets 1000000     # a smaller company
    .venv/bin/python bench/reports_bench.py --measure-only        # the database is built: measure again
    .venv/bin/python bench/reports_bench.py --rebuild-rollups     # rebuild the rollups with SQL, then measure

Resumable: each step is recorded in the table ``bench_progress`` of the benchmark database and skipped when
done; tickets are generated in batches of ``--batch`` (a batch is one transaction), so a run stopped half-way
continues where it stopped. Only a database whose name starts with ``propdesk_reports_bench`` or
``propdesk_bench`` is created or written (default ``propdesk_reports_bench``).

What is generated (set-based SQL inside PostgreSQL — ``INSERT … SELECT generate_series`` — never the ORM):
the demo company (``manage.py load_demo --households N``), then tickets received over the last 730 local days
(kinds in the proportions of bench/load_pg.py, status by age, assignee and department of the center's staff,
closed 2 hours to 5 days after receipt), a complaint row for every complaint (class, validity, category,
customer opinion at random) and one deadline clock per complaint (met or breached). Work orders and return
visits are not generated (their facets are empty: every repair counts as "not dispatched").

The rollups (``TicketDay``, ``TicketFacetMonth``) are then built with SQL that counts exactly what the worker's
``rollup_tickets`` counts (tests/test_bulk_rollup in propdesk/reports compares them on PostgreSQL), and the
pages are measured through the Django test client with the production settings: the monthly statistics of the
whole company (a quality-department user, every ticket in scope) and the dashboard of the center manager of
the largest center; p50/p95 over ``--runs`` requests after one warm-up. The load average is printed with the
results.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MANAGE, PYTHON, machine_info, pg_connect, prod_env, run, setup_django, summary_ms

DEFAULT_DB = "propdesk_reports_bench"
TZ = "Asia/Shanghai"
KIND_CDF = (
    ("repair", 0.45),
    ("consultation", 0.63),
    ("complaint", 0.71),
    ("suggestion", 0.76),
    ("praise", 0.79),
    ("special_service", 0.87),
    ("feedback", 1.0),
)
PREFIX = {
    "repair": "BX",
    "complaint": "TS",
    "suggestion": "JY",
    "consultation": "ZX",
    "praise": "BY",
    "special_service": "TY",
    "feedback": "FK",
}


def check_db(name: str) -> str:
    if not name.startswith(("propdesk_reports_bench", "propdesk_bench")):
        raise SystemExit(f"refusing to use {name!r}: the name must start with propdesk_reports_bench")
    return name


def step(conn, name: str, work) -> None:
    """Run ``work()`` unless the step is recorded as done; record it when it finishes."""
    if conn.execute("SELECT 1 FROM bench_progress WHERE step = %s", (name,)).fetchone():
        print(f"-- {name}: done before, skipped", flush=True)
        return
    started = time.monotonic()
    print(f"-> {name} …", flush=True)
    work()
    conn.execute("INSERT INTO bench_progress (step, seconds) VALUES (%s, %s)", (name, time.monotonic() - started))
    print(f"   {name}: {time.monotonic() - started:.1f} s", flush=True)


def create_base(db: str, households: int) -> None:
    """Create, migrate and load the demo company (only when the database does not exist yet)."""
    with pg_connect("postgres") as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{db}"')
    env = prod_env(db)
    print("-> migrate, load_demo …", flush=True)
    run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], env, timeout=7200)
    run([str(PYTHON), str(MANAGE), "load_demo", "--households", str(households)], env, timeout=7200)
    with pg_connect(db) as conn:
        conn.execute("CREATE TABLE bench_progress (step text PRIMARY KEY, seconds float, at timestamptz DEFAULT now())")
        conn.execute("CREATE TABLE bench_saved_index (name text PRIMARY KEY, definition text)")


FILLERS = {"boolean": "false", "jsonb": "'{}'::jsonb", "json": "'{}'::json", "text": "''"}


def insert_filled(conn, table: str, select: str) -> None:
    """``INSERT INTO table SELECT …``: the columns ``select`` names, and every other NOT NULL column without a
    database default filled with an empty value of its type (Django's defaults live in Python)."""
    given = [r[0] for r in conn.execute(f"SELECT * FROM ({select}) s LIMIT 0").description]
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
        "AND column_default IS NULL AND is_identity = 'NO'",
        (table,),
    ).fetchall()
    extra = {}
    for name, data_type in rows:
        if name in given:
            continue
        if data_type in ("character varying", "text"):
            extra[name] = "''"
        elif data_type in ("integer", "smallint", "bigint", "double precision", "numeric"):
            extra[name] = "0"
        elif data_type.startswith("timestamp"):
            extra[name] = "now()"
        elif data_type in FILLERS:
            extra[name] = FILLERS[data_type]
        else:
            raise SystemExit(f"{table}.{name} ({data_type}): no filler")
    columns = ", ".join([*given, *extra])
    values = ", ".join([*(f"s.{c}" for c in given), *extra.values()])
    conn.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM ({select}) s")


def staging(conn) -> None:
    conn.execute("""
        CREATE TEMP TABLE IF NOT EXISTS hh AS
        SELECT row_number() OVER (ORDER BY h.id) AS rn, h.id AS household_id, h.unit_id, b.community_id,
               c.service_center_id
        FROM communities_household h JOIN communities_unit u ON u.id = h.unit_id
        JOIN communities_building b ON b.id = u.building_id JOIN communities_community c ON c.id = b.community_id
        WHERE h.is_active""")
    conn.execute("""
        CREATE TEMP TABLE IF NOT EXISTS cfg AS
        WITH s AS (
            SELECT m.service_center_id AS center, m.role, m.user_id, p.department_id
            FROM org_rolemembership m JOIN org_staffprofile p ON p.user_id = m.user_id
            WHERE m.is_active AND m.service_center_id IS NOT NULL)
        SELECT c.id AS center,
          (SELECT array_agg(user_id ORDER BY user_id) FROM s WHERE center = c.id) AS staff,
          (SELECT array_agg(department_id ORDER BY user_id) FROM s WHERE center = c.id) AS depts
        FROM org_servicecenter c""")


def drop_ticket_indexes(conn) -> None:
    rows = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'tickets_ticket' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'tickets_ticket'::regclass)"
    ).fetchall()
    for name, definition in rows:
        conn.execute("INSERT INTO bench_saved_index VALUES (%s, %s) ON CONFLICT DO NOTHING", (name, definition))
        conn.execute(f'DROP INDEX "{name}"')


def ticket_batch(conn, n: int, seed: float) -> None:
    n_hh = conn.execute("SELECT count(*) FROM hh").fetchone()[0]
    kind = "(CASE " + " ".join(f"WHEN r_k < {p} THEN '{k}'" for k, p in KIND_CDF[:-1]) + " ELSE 'feedback' END)"
    prefix = "(CASE kind " + " ".join(f"WHEN '{k}' THEN '{p}'" for k, p in PREFIX.items()) + " END)"
    conn.execute("SELECT setseed(%s)", (seed,))
    select = f"""
        WITH g AS (
            SELECT (SELECT coalesce(max(id), 0) FROM tickets_ticket) + g AS id, random() AS r_h, random() AS r_k,
                   random() AS r_d, random() AS r_t, random() AS r_s, random() AS r_a, random() AS r_c
            FROM generate_series(1, {n}) g
        ), a AS (
            SELECT g.*, hh.*, {kind} AS kind,
                   ((now() AT TIME ZONE '{TZ}')::date - floor(r_d * 730)::int + interval '7 hours 30 minutes'
                     + r_t * interval '14 hours') AT TIME ZONE '{TZ}' AS received_at,
                   floor(r_d * 730)::int AS age, cfg.staff, cfg.depts,
                   1 + floor(r_a * array_length(cfg.staff, 1))::int AS who
            FROM g JOIN hh ON hh.rn = 1 + floor(g.r_h * {n_hh})::int JOIN cfg ON cfg.center = hh.service_center_id
        ), b AS (
            SELECT a.*, LEAST(received_at, now() - interval '1 minute') AS recv,
                   r_s < (CASE WHEN age <= 7 THEN 0.8 WHEN age <= 30 THEN 0.3 WHEN age <= 90 THEN 0.05 ELSE 0.01 END)
                     AS is_open
            FROM a)
        SELECT id, {prefix} || '-' || to_char(recv AT TIME ZONE '{TZ}', 'YYYYMMDD') || '-' || id AS number, kind,
               CASE WHEN is_open THEN 'in_progress' ELSE 'closed' END AS status, 'normal' AS priority,
               service_center_id, community_id, unit_id, household_id, '报修' AS title, '内容' AS content,
               'phone' AS channel, 'customer' AS source, recv AS received_at, recv AS entered_at,
               staff[who] AS received_by_id, staff[who] AS first_responder_id, staff[who] AS assignee_id,
               depts[who] AS team_id,
               CASE WHEN NOT is_open THEN LEAST(recv + interval '2 hours' + r_c * interval '5 days', now()) END
                 AS closed_at,
               CASE WHEN NOT is_open THEN LEAST(recv + interval '1 hour' + r_c * interval '4 days', now()) END
                 AS resolved_at,
               recv AS updated_at
        FROM b"""
    insert_filled(conn, "tickets_ticket", select)


def generate_tickets(conn, target: int, batch: int) -> None:
    have = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
    while have < target:
        n = min(batch, target - have)
        started = time.monotonic()
        with conn.transaction():
            ticket_batch(conn, n, seed=((have // batch) % 997) / 1000)
        have += n
        print(f"   tickets: {have:,} ({time.monotonic() - started:.0f} s for {n:,})", flush=True)


def restore_indexes(conn) -> None:
    for name, definition in conn.execute("SELECT name, definition FROM bench_saved_index").fetchall():
        if not conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (name,)).fetchone():
            print(f"   {name}", flush=True)
            conn.execute(definition)


def complaints(conn) -> None:
    select = """
        SELECT t.id AS ticket_id, t.service_center_id, t.community_id, t.household_id, t.received_at AS created_at,
               CASE WHEN random() < 0.9 THEN 1 + floor(random() * 3)::int END AS responsibility_class,
               (ARRAY['pending','valid','valid','valid','assisted','invalid'])[1 + floor(random() * 6)::int]
                 AS validity,
               (ARRAY['repair','environment','security','noise','fees','parking','other'])[1 + floor(random() * 7)::int]
                 AS category,
               CASE WHEN t.status = 'closed' THEN random() < 0.85 END AS customer_satisfied,
               t.received_at AS updated_at, '{}'::jsonb AS signature
        FROM tickets_ticket t WHERE t.kind = 'complaint'
          AND NOT EXISTS (SELECT 1 FROM complaints_complaint c WHERE c.ticket_id = t.id)"""
    insert_filled(conn, "complaints_complaint", select)


def clocks(conn) -> None:
    select = """
        SELECT t.id AS ticket_id, (SELECT id FROM sla_slapolicy WHERE code = 'complaint_first_contact' LIMIT 1)
                 AS policy_id,
               t.service_center_id, t.kind, CASE WHEN random() < 0.92 THEN 'met' ELSE 'breached' END AS state,
               t.received_at AS started_at, t.received_at + interval '1 day' AS due_at,
               t.received_at AS created_at, '[]'::jsonb AS pauses, t.closed_at AS stopped_at
        FROM tickets_ticket t WHERE t.kind = 'complaint' AND t.status = 'closed'
          AND NOT EXISTS (SELECT 1 FROM sla_slatarget s WHERE s.ticket_id = t.id)"""
    insert_filled(conn, "sla_slatarget", select)


def rollups(conn, snapshots: bool) -> None:
    from propdesk.reports.services.bulk import FACETS_SQL, SNAPSHOTS_SQL, STATE_SQL, TICKET_DAY_SQL

    with conn.transaction():
        conn.execute("TRUNCATE reports_ticketday, reports_ticketfacetmonth, reports_rolledticket, reports_rollupstate")
        conn.execute(TICKET_DAY_SQL)
        conn.execute(FACETS_SQL)
        if snapshots:
            conn.execute(SNAPSHOTS_SQL)
            conn.execute(STATE_SQL)
    for table in ("reports_ticketday", "reports_ticketfacetmonth"):
        print(f"   {table}: {conn.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:,} rows", flush=True)


def build(db: str, args) -> None:
    create_base(db, args.households)
    run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], prod_env(db), timeout=7200)  # new rollup columns
    conn = pg_connect(db, autocommit=True)
    for setting in ("maintenance_work_mem = '512MB'", "work_mem = '128MB'", "synchronous_commit = off"):
        conn.execute(f"SET {setting}")
    conn.execute("SET session_replication_role = replica")  # no FK triggers row by row during the bulk load
    staging(conn)
    step(conn, "drop ticket indexes", lambda: drop_ticket_indexes(conn))
    step(conn, f"tickets {args.tickets}", lambda: generate_tickets(conn, args.tickets, args.batch))
    step(conn, "restore ticket indexes", lambda: restore_indexes(conn))
    step(conn, "complaints", lambda: complaints(conn))
    step(conn, "clocks", lambda: clocks(conn))
    if args.rebuild_rollups:
        conn.execute("DELETE FROM bench_progress WHERE step = 'rollups'")
    step(conn, "rollups", lambda: rollups(conn, args.snapshots))
    step(conn, "analyze", lambda: conn.execute("ANALYZE"))
    conn.close()


def timed(client, url: str, runs: int) -> dict:
    response = client.get(url, HTTP_HOST="127.0.0.1")  # warm-up (and a check that the page answers)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - started)
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in summary_ms(times).items()}


def measure(runs: int) -> dict:
    """The pages through the Django test client (production settings, the benchmark database)."""
    import datetime as dt

    from django.db.models import Count
    from django.test import Client

    from propdesk.org.models import RoleMembership
    from propdesk.tickets.models import Ticket

    center = Ticket.objects.values("service_center_id").annotate(n=Count("pk")).order_by("-n").first()
    manager = RoleMembership.objects.filter(
        role="center_manager", is_active=True, service_center_id=center["service_center_id"]
    ).first()
    quality = RoleMembership.objects.filter(role="quality_dept", is_active=True).first()
    from django.utils import timezone

    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    results = {"tickets": Ticket.objects.count(), "month": last_month}
    for label, membership, urls in (
        ("company (quality department)", quality, ["/reports/monthly/?month=" + last_month]),
        (
            "center manager",
            manager,
            [
                "/reports/dashboard/",
                "/reports/monthly/?month=" + last_month,
                "/reports/monthly/xlsx/?month=" + last_month,
            ],
        ),
    ):
        client = Client()
        client.force_login(membership.user)
        for url in urls:
            results[f"{label} {url}"] = timed(client, url, runs)
            print(label, url, results[f"{label} {url}"], flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--rebuild-rollups", action="store_true")
    parser.add_argument("--snapshots", action="store_true", help="also write RolledTicket (10M rows) for the worker")
    args = parser.parse_args()
    db = check_db(args.db)
    if not args.measure_only:
        setup_django(db)  # the rollup SQL comes from the application (propdesk.reports.services.bulk)
        build(db, args)
    if args.build_only:
        return
    if args.measure_only:
        setup_django(db)
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # production pages need the manifest
        print("-> manage.py collectstatic …", flush=True)
        run([str(PYTHON), str(MANAGE), "collectstatic", "--noinput", "-v0"], prod_env(db), timeout=600)
    results = measure(args.runs)
    results["machine"] = machine_info(db)
    results["loadavg"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
