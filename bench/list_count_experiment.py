"""Experiment: what the exact ``count`` and the planning of the 10-table page query cost
``GET /api/v1/tickets`` at 1M tickets. Times the first page in process (Django test client, production
settings, the benchmark database): as it is; with the count capped (``qs[:cap].count()`` — "1,000+"
instead of "538,250"), by monkeypatching this process only; and additionally with
``join_collapse_limit = 4`` on the connection (the page query joins 8 tables for ``select_related``; PostgreSQL
spends ~10 ms planning it and <1 ms running it).

    .venv/bin/python bench/list_count_experiment.py --requests 200
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import check_db_name, loadavg, setup_django, summary_ms, wait_quiet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cap", type=int, default=1001)
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--quiet-wait", type=float, default=60)
    args = parser.parse_args()
    db = check_db_name(args.db)
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from propdesk.api.services import api_token_create, api_token_revoke
    from propdesk.tickets.models import TicketQuerySet

    user = get_user_model().objects.get(username="reception")
    token, secret = api_token_create(actor=user, name=f"bench list {time.strftime('%H:%M:%S')}")
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    original_count = TicketQuerySet.count

    def capped_count(self):
        if self.query.low_mark or self.query.high_mark:
            return original_count(self)
        return original_count(self[: args.cap])

    try:
        from django.db import connection

        for variant in ("exact count", f"count capped at {args.cap}", "capped + join_collapse_limit=4"):
            TicketQuerySet.count = original_count if variant == "exact count" else capped_count
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET join_collapse_limit = 4" if "join_collapse" in variant else "RESET join_collapse_limit"
                )
            for limit in (20, 100):
                path = f"/api/v1/tickets?limit={limit}"
                for _ in range(5):
                    client.get(path, **auth)
                load = wait_quiet(args.quiet_wait, args.quiet_load, variant)
                times = []
                cpu = time.process_time()
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = client.get(path, **auth)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200
                cpu = (time.process_time() - cpu) / args.requests * 1000
                s = summary_ms(times)
                print(
                    f"{variant:<32} limit={limit:<3}  p50 {s['p50']:6.1f} ms  p95 {s['p95']:6.1f} ms  "
                    f"(app CPU {cpu:.1f} ms/request; count={response.json()['count']}; "
                    f"load {load:.2f}→{loadavg():.2f})",
                    flush=True,
                )
    finally:
        TicketQuerySet.count = original_count
        api_token_revoke(actor=user, token=token)


if __name__ == "__main__":
    main()
