"""Where the time of ``POST /api/v1/tickets`` goes: N creates in process (Django test client, production
settings, the benchmark database), with the SQL statements tallied by kind and a cProfile of the Python side.

    .venv/bin/python bench/create_profile.py --creates 300

Creates real tickets (as the demo receptionist, through the API with a fresh token, revoked at the end).

``--patch`` measures proposed fixes without changing the application (monkeypatched in this process only):

* ``fk``       — ``ticket_create`` calls ``full_clean(exclude=["number"])``, which re-reads every foreign key
                 (community, unit, household, resident, users, …) that the service has just resolved: exclude them;
* ``scope``    — the user's Scope (4–6 queries) is computed on every request: cache it per user for 60 s;
* ``policies`` — the active SLA policies (13 rows) are read on every create: cache them per process for 60 s;
* ``counter``  — the ticket number takes get_or_create + UPDATE + refresh on the counter row: one
                 ``INSERT … ON CONFLICT DO UPDATE … RETURNING``.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import check_db_name, loadavg, setup_django, wait_quiet
from api_bench import CONTENTS
from sla_bench import QueryTally


def apply_patches(names: list[str]) -> None:
    import time as _time

    from django.db import connection

    from propdesk.core import scoping
    from propdesk.sla import services as sla
    from propdesk.tickets import services as tickets
    from propdesk.tickets.choices import NUMBER_PREFIX
    from propdesk.tickets.models import Ticket

    unknown = set(names) - {"fk", "scope", "policies", "counter"}
    if unknown:
        raise SystemExit(f"unknown patches: {sorted(unknown)}")
    if "fk" in names:
        fk_names = {f.name for f in Ticket._meta.fields if f.is_relation}
        original_full_clean = Ticket.full_clean

        def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
            return original_full_clean(self, set(exclude or ()) | fk_names, validate_unique, validate_constraints)

        Ticket.full_clean = full_clean
    if "scope" in names:
        original_compute = scoping._compute_scope
        cache: dict = {}

        def compute(user):
            hit = cache.get(user.pk)
            if hit and _time.monotonic() - hit[0] < 60:
                return hit[1]
            scope = original_compute(user)
            cache[user.pk] = (_time.monotonic(), scope)
            return scope

        scoping._compute_scope = compute
    if "policies" in names:
        from django.db.models import Q

        from propdesk.sla.models import SlaPolicy

        policy_cache: dict = {}

        def policies_for(ticket, trigger):
            key = (trigger, ticket.service_center_id)
            hit = policy_cache.get(key)
            if not hit or _time.monotonic() - hit[0] > 60:
                rows = list(
                    SlaPolicy.objects.filter(is_active=True, start_event=trigger)
                    .filter(Q(service_center__isnull=True) | Q(service_center=ticket.service_center_id))
                    .select_related("calendar")
                )
                hit = policy_cache[key] = (_time.monotonic(), rows)
            rows = hit[1]
            overridden = {p.code for p in rows if p.service_center_id is not None}
            chosen = [p for p in rows if p.service_center_id is not None or p.code not in overridden]
            return [p for p in chosen if sla._applies(p, ticket)]

        sla.policies_for = policies_for
    if "counter" in names:
        from django.utils import timezone

        def next_number(*, service_center_id, kind, received_at):
            prefix = NUMBER_PREFIX[kind]
            day = timezone.localdate(received_at)
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO tickets_ticketcounter (service_center_id, prefix, day, last) VALUES (%s, %s, %s, 1) "
                    "ON CONFLICT (service_center_id, prefix, day) DO UPDATE SET last = tickets_ticketcounter.last + 1 "
                    "RETURNING last",
                    [service_center_id, prefix, day],
                )
                last = cursor.fetchone()[0]
            return f"{prefix}-{day:%Y%m%d}-{last:04d}"

        tickets.next_number = next_number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--kinds", default=",".join(CONTENTS))
    parser.add_argument("--top", type=int, default=40, help="profile lines to print (0: no profiler)")
    parser.add_argument(
        "--patch", default="", help="comma-separated proposed fixes to apply: fk,scope,policies,counter"
    )
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--quiet-wait", type=float, default=120)
    args = parser.parse_args()
    db = check_db_name(args.db)
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from propdesk.api.services import api_token_create, api_token_revoke
    from propdesk.communities.models import Household
    from propdesk.core.scoping import get_scope

    apply_patches([p for p in args.patch.split(",") if p])
    user = get_user_model().objects.get(username="reception")
    token, secret = api_token_create(actor=user, name=f"bench profile {time.strftime('%H:%M:%S')}")
    households = list(
        Household.objects.filter(unit__building__community__in=sorted(get_scope(user).community)).values_list(
            "pk", flat=True
        )[:5000]
    )
    kinds = [k for k in args.kinds.split(",") if k]
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def create(i: int) -> int:
        kind = kinds[i % len(kinds)]
        body = {
            "kind": kind,
            "channel": "phone",
            "household_id": households[i % len(households)],
            "content": CONTENTS[kind],
        }
        response = client.post(
            "/api/v1/tickets",
            json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            **auth,
        )
        return response.status_code

    try:
        for i in range(10):  # warm up
            create(i)
        load = wait_quiet(args.quiet_wait, args.quiet_load, "the profile")
        tally = QueryTally()
        profiler = cProfile.Profile()
        statuses: dict[int, int] = {}
        with connection.execute_wrapper(tally):
            started = time.perf_counter()
            cpu_started = time.process_time()
            if args.top:
                profiler.enable()
            for i in range(args.creates):
                status = create(i)
                statuses[status] = statuses.get(status, 0) + 1
            profiler.disable()
            cpu = time.process_time() - cpu_started
            elapsed = time.perf_counter() - started
    finally:
        api_token_revoke(actor=user, token=token)
    n = args.creates
    print(
        f"{n} creates in process (patches: {args.patch or 'none'}): {elapsed:.2f} s "
        f"({n / elapsed:.0f}/s{' with the profiler on' if args.top else ''}), statuses {statuses}, "
        f"{tally.count / n:.1f} statements per create, {tally.seconds / n * 1000:.1f} ms per create waiting for SQL, "
        f"{cpu / n * 1000:.1f} ms CPU per create in this process (load {load:.2f} → {loadavg():.2f})"
    )
    print("\nstatements per create by kind:")
    for key, (count, secs) in sorted(tally.kinds.items(), key=lambda kv: -kv[1][0]):
        print(f"  {count / n:6.2f}  {key:<45} {secs / n * 1000:6.2f} ms")
    if args.top:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(args.top)
        print(buf.getvalue())


if __name__ == "__main__":
    main()
