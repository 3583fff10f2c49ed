"""Experiment: what planning the page query costs ``GET /api/v1/tickets`` at 1M tickets. The page joins nine
relations for ``select_related`` (community, unit → building, assignee → staff profile, first responder → staff
profile, team); PostgreSQL plans it in 10–200 ms (quiet → loaded machine) and runs it in 1–4 ms. Times the first
page in process (Django test client, production settings, the benchmark database), by monkeypatching this
process only:

* ``as it is``: the joins;
* ``join_collapse_limit=1``: the same query, the planner told to keep Django's join order (session setting);
* ``prefetch``: the page's tickets alone, their related rows with ``prefetch_related`` (one query each for the
  community, the unit with its building, the team, the assignee and the first responder with their profiles).

    .venv/bin/python bench/list_count_experiment.py --requests 200
    .venv/bin/python bench/list_count_experiment.py --db propdesk_bench10m --requests 200
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import check_db_name, loadavg, setup_django, summary_ms, wait_quiet

VARIANTS = ("as it is", "join_collapse_limit=1", "prefetch")


def prefetching(original):
    """``selectors.ticket_list`` returning the tickets alone, their related rows prefetched."""
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    from propdesk.communities.models import Unit

    users = get_user_model().objects.select_related("staff_profile")

    def ticket_list(**kwargs):
        return (
            original(**kwargs)
            .select_related(None)
            .prefetch_related(
                "community",
                "team",
                Prefetch("unit", queryset=Unit.objects.select_related("building")),
                Prefetch("assignee", queryset=users),
                Prefetch("first_responder", queryset=users),
            )
        )

    return ticket_list


def measure(client, auth, path: str, requests: int, label: str, args) -> str:
    for _ in range(5):
        client.get(path, **auth)
    first = client.get(path, **auth)
    load = wait_quiet(args.quiet_wait, args.quiet_load, label)
    times = []
    cpu = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, **auth)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    cpu = (time.process_time() - cpu) / requests * 1000
    s = summary_ms(times)
    assert response.json()["items"] == first.json()["items"], "a variant changed the response"
    return (
        f"{label:<24} {path:<28} p50 {s['p50']:6.1f} ms  p95 {s['p95']:6.1f} ms  "
        f"(app CPU {cpu:.1f} ms/request; load {load:.2f}→{loadavg():.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--quiet-wait", type=float, default=60)
    args = parser.parse_args()
    db = check_db_name(args.db)
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from propdesk.api.services import api_token_create, api_token_revoke
    from propdesk.tickets import selectors

    user = get_user_model().objects.get(username="reception")
    token, secret = api_token_create(actor=user, name=f"bench list {time.strftime('%H:%M:%S')}")
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    original = selectors.ticket_list
    # One connection for the whole run, so that the session setting of a variant stays in force.
    connection.settings_dict["CONN_MAX_AGE"] = None
    try:
        for variant in VARIANTS:
            selectors.ticket_list = prefetching(original) if variant == "prefetch" else original
            with connection.cursor() as cursor:
                cursor.execute("SET join_collapse_limit = 1" if "collapse" in variant else "RESET join_collapse_limit")
            for path in ("/api/v1/tickets?limit=20", "/api/v1/tickets?limit=100"):
                print(measure(client, auth, path, args.requests, variant, args), flush=True)
    finally:
        selectors.ticket_list = original
        api_token_revoke(actor=user, token=token)


if __name__ == "__main__":
    main()
