"""Visitor register at 1,000,000 visits (issue #13): checking a visitor in stays under 50 ms p95.

Builds a scratch PostgreSQL database ``propdesk_bench_visitors`` (dropped and recreated; migrations run by
``manage.py migrate``), one company with two centers (``propdesk.testing.factories.build_world``) and a
guard, then loads ``--rows`` visits spread over the last year with set-based SQL (the last ``--open`` still
inside). It then calls the services in this process, each call its own transaction, and prints p50/p95/max:

* ``check_in`` (document checked, encrypted, digested; room resolved; watch list matched; history row),
* ``check_out``, the gate page's reads (inside now, overstays, expected invitations), the register's first
  page filtered by a room, and — with ``--retention`` — one run of the retention job (at most
  ``RUN_LIMIT`` numbers) and the runs that work off the rest of the backlog (every number older than 90 days).

Usage: ``.venv/bin/python bench/visitor_bench.py [--rows 1000000] [--calls 300] [--retention] [--keep]``
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    MANAGE,
    PYTHON,
    check_db_name,
    machine_info,
    pg_connect,
    prod_env,
    setup_django,
    summary_ms,
)

DB = check_db_name("propdesk_bench_visitors")
LOAD_SQL = """
INSERT INTO visitors_visit (community_id, household_id, visitor_name, document_type, id_encrypted, id_digest,
    id_masked, phone, purpose, area, plate, people, host_confirmed, watch_alert, checked_in_at, checked_in_by_id,
    checked_out_at, checked_out_by_id, version)
SELECT %(community)s, %(household)s, '访客' || i, 'id_card', %(token)s, md5(i::text) || md5((i + 7)::text),
    '4403**********1234', '', (ARRAY['visit','delivery','contractor','service'])[1 + i %% 4], '', '', 1, false,
    false, t, %(guard)s, CASE WHEN i > %(rows)s - %(open)s THEN NULL ELSE t + interval '1 hour' END,
    CASE WHEN i > %(rows)s - %(open)s THEN NULL ELSE %(guard)s END, 0
FROM generate_series(1, %(rows)s) AS i,
     LATERAL (SELECT now() - interval '365 days' + (i * (interval '365 days' / %(rows)s)) AS t) AS s
"""


def rebuild() -> None:
    with pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        admin.execute(f'CREATE DATABASE "{DB}"')
    subprocess.run([str(PYTHON), str(MANAGE), "migrate", "-v", "0"], env=prod_env(DB), check=True)


def timed(func, calls: int) -> dict:
    durations = []
    for i in range(calls):
        started = time.perf_counter()
        func(i)
        durations.append(time.perf_counter() - started)
    return summary_ms(durations)


def show(name: str, result: dict) -> None:
    figures = "  ".join(f"{k} {v:.1f}" for k, v in result.items() if k != "n")
    print(f"{name:<34} n={result['n']:<5} {figures} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=200, help="visits still inside (default 200)")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--retention", action="store_true", help="also time one run of the retention job")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    started = time.perf_counter()
    rebuild()
    print(machine_info(DB))
    setup_django(DB)

    from django.db import connection

    from propdesk.org.choices import Role
    from propdesk.testing.factories import build_world, staff_user
    from propdesk.visitors import crypto, selectors, services
    from propdesk.visitors.models import Visit

    world = build_world()
    guard = staff_user("bench-guard", Role.SECURITY_GUARD, center=world.center_a)
    params = {
        "community": world.community_a.pk,
        "household": world.household_a.pk,
        "token": crypto.encrypt("440308199901011234"),
        "guard": guard.pk,
        "rows": args.rows,
        "open": args.open,
    }
    with connection.cursor() as cursor:
        cursor.execute(LOAD_SQL, params)
        cursor.execute("VACUUM ANALYZE visitors_visit")
    print(f"loaded {Visit.objects.count():,} visits in {time.perf_counter() - started:.1f} s")

    def check_in(i: int):
        return services.check_in(
            actor=guard,
            community=world.community_a,
            visitor_name=f"测试{i}",
            document_type="id_card",
            id_number="440308199901011234",
            purpose="visit",
            phone="13912345678",
            room="3-2-1202",
            plate="粤B12345",
        )

    show("check_in", timed(check_in, args.calls))
    inside = list(Visit.objects.filter(checked_out_at__isnull=True).order_by("-id")[: args.calls])
    show("check_out", timed(lambda i: services.check_out(actor=guard, visit=inside[i]), len(inside)))
    community_id = world.community_a.pk
    show("gate: inside now", timed(lambda i: list(selectors.inside_now(user=guard, community_id=community_id)), 50))
    show("gate: overstays", timed(lambda i: selectors.overstays(user=guard, community_id=community_id), 50))
    show(
        "gate: expected today",
        timed(lambda i: list(selectors.expected_today(user=guard, community_id=community_id)), 50),
    )
    first_page = selectors.VisitFilters(community_id=community_id, q="3-2-1202")
    show(
        "register: page 1 by room",
        timed(lambda i: list(selectors.visit_register(user=guard, filters=first_page)[:30]), 50),
    )
    if args.retention:
        started = time.perf_counter()
        erased = services.erase_expired_ids()
        print(f"retention job, one run: erased {erased:,} numbers in {time.perf_counter() - started:.1f} s")
        started, runs = time.perf_counter(), 1
        while services.erase_expired_ids():
            runs += 1
        print(f"retention job, the rest of the backlog: {runs} more runs in {time.perf_counter() - started:.1f} s")
    connection.close()
    if not args.keep:
        with pg_connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB}"')


if __name__ == "__main__":
    main()
