"""Experiment: how much faster could the SLA sweeper be? Compares, in process, on fresh due rows of the
benchmark database (bench/load_pg.py):

  A  ``propdesk.sla.services.sweep`` as it is;
  B  the same loop with the ticket's owner, team and service center (+ branch) joined into the claim query
     and the holders of a ladder role cached per (community, roles) for the sweep — a small change;
  C  the same decisions taken per batch, set-based: one claim query, one query for the steps already taken,
     cached role holders, then ``bulk_create`` of escalation steps, ticket events and in-app notifications
     (``ignore_conflicts`` on the notification dedupe key) and one ``UPDATE … FROM unnest(…)`` of the targets.

    .venv/bin/python bench/sla_sweep_experiment.py --rows 2000

Nothing here changes the application: B and C are prototypes written against the application's models and
helpers (``ladder``, ``next_check``, ``channels_for``) to measure the effect of the proposed fix. C keeps the
guarantees of A: rows are claimed with FOR UPDATE SKIP LOCKED, a step already taken (a crashed worker's
committed batch) is never taken twice, notifications stay idempotent by their dedupe key. Email/webhook
channels are queued exactly like ``notify`` does (none for the demo staff, who have no address).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import check_db_name, loadavg, pg_connect, setup_django, wait_quiet
from sla_bench import QueryTally, capture_claim_query, explain_sweeper, make_due, pick_targets

CLAIM_RELATED = (
    "policy__calendar",
    "ticket__assignee__staff_profile",
    "ticket__first_responder__staff_profile",
    "ticket__team",
    "ticket__service_center__branch",
    "work_order__assignee__staff_profile",
)


def role_holders_cached(cache: dict, ticket, wanted: list[str]) -> list:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from propdesk.org.models import RoleMembership

    center = ticket.service_center
    key = (ticket.community_id, tuple(sorted(wanted)))
    if key not in cache:
        memberships = RoleMembership.objects.filter(is_active=True, role__in=wanted).filter(
            Q(community=ticket.community_id)
            | Q(service_center=center.pk)
            | Q(branch=center.branch_id)
            | Q(company=center.branch.company_id)
        )
        cache[key] = list(
            get_user_model()
            .objects.filter(is_active=True, pk__in=memberships.values("user"))
            .select_related("staff_profile")
        )
    return cache[key]


def recipients_cached(cache: dict, ticket, roles, *, owner=None) -> list:
    """``sla.services.recipients_for`` with the role holders looked up once per (community, roles)."""
    from propdesk.org.choices import DepartmentKind, Role
    from propdesk.sla.choices import LadderRole
    from propdesk.sla.services import _ROLE_FOR

    users: dict[int, object] = {}
    wanted = [_ROLE_FOR[r] for r in roles if r in _ROLE_FOR]
    if LadderRole.OWNER in roles:
        if owner is not None:
            users[owner.pk] = owner
        elif ticket.assignee_id:
            users[ticket.assignee_id] = ticket.assignee
        elif ticket.team_id and ticket.team.kind == DepartmentKind.CONTROL_CENTER:
            wanted.append(Role.CONTROL_OPERATOR)
        else:
            users[ticket.first_responder_id] = ticket.first_responder
    if wanted:
        for user in role_holders_cached(cache, ticket, wanted):
            users[user.pk] = user
    return list(users.values())


def sweep_b(*, batch: int = 500) -> int:
    """Variant B: the application's loop, richer claim query, cached role holders."""
    from django.db import connection, transaction
    from django.utils import timezone

    from propdesk.sla import services as sla
    from propdesk.sla.models import SlaTarget

    cache: dict = {}
    original = sla.recipients_for
    sla.recipients_for = lambda ticket, roles, *, owner=None: recipients_cached(cache, ticket, roles, owner=owner)
    checked = 0
    result = sla.SweepResult()
    try:
        while True:
            moment = timezone.now()
            with transaction.atomic():
                qs = SlaTarget.objects.filter(next_check_at__lte=moment).order_by("next_check_at")
                if connection.features.has_select_for_update_skip_locked:
                    qs = qs.select_for_update(skip_locked=True, of=("self",))
                rows = list(qs.select_related(*CLAIM_RELATED)[:batch])
                for target in rows:
                    sla._advance(target, moment, result)
                checked += len(rows)
            if len(rows) < batch:
                break
    finally:
        sla.recipients_for = original
    return checked


def sweep_c(*, batch: int = 500) -> int:
    """Variant C: per batch, set-based writes."""
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from propdesk.notify.models import Channel, DeliveryState, Notification
    from propdesk.notify.services import Message, channels_for
    from propdesk.sla import services as sla
    from propdesk.sla.models import EscalationStep, SlaTarget
    from propdesk.tickets.choices import EventKind
    from propdesk.tickets.models import TicketEvent

    cache: dict = {}
    checked = 0
    while True:
        moment = timezone.now()
        with transaction.atomic():
            qs = SlaTarget.objects.filter(next_check_at__lte=moment).order_by("next_check_at")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            rows = list(qs.select_related(*CLAIM_RELATED)[:batch])
            # Steps a crashed worker committed already: never taken twice (we hold the rows' locks).
            taken = set(
                EscalationStep.objects.filter(target__in=[t.pk for t in rows]).values_list("target_id", "level")
            )
            steps, events, notes = [], [], []
            for target in rows:
                ticket = target.ticket
                for step in sla.ladder(target):
                    if step.level <= target.escalation_level:
                        continue
                    if step.at > moment:
                        break
                    if step.when == "due" and target.breached_at is None:
                        sla._breach(target, moment, ticket)
                    target.escalation_level = step.level
                    if (target.pk, step.level) in taken:
                        continue
                    worker = (
                        target.work_order.assignee if target.work_order_id and target.work_order.assignee_id else None
                    )
                    recipients = recipients_cached(cache, ticket, step.notify, owner=worker)
                    ids = [u.pk for u in recipients]
                    steps.append(
                        EscalationStep(target=target, level=step.level, when=step.when, due_at=step.at, recipients=ids)
                    )
                    local_due = timezone.localtime(target.due_at).strftime("%m-%d %H:%M")
                    names = {"ticket": ticket.number, "policy": target.policy.name, "due": local_due}
                    if step.when == "warn":
                        subject = _("即将超时：%(ticket)s %(policy)s（%(due)s 到期）") % names
                    else:
                        subject = _("已超时（第 %(level)s 级）：%(ticket)s %(policy)s（应于 %(due)s 完成）") % {
                            **names,
                            "level": step.level,
                        }
                    events.append(
                        TicketEvent(
                            ticket=ticket,
                            kind=EventKind.ESCALATED,
                            reason=subject,
                            data={
                                "policy": target.policy.code,
                                "level": step.level,
                                "when": step.when,
                                "recipients": ids,
                            },
                        )
                    )
                    message = Message(
                        kind=f"sla.{step.when}",
                        subject=subject,
                        body=ticket.title,
                        url=reverse("tickets:detail", args=[ticket.pk]),
                        urgent=step.when == "due",
                    )
                    for user in recipients:
                        if not user.is_active:
                            continue
                        for channel in channels_for(user, message):
                            inapp = channel == Channel.INAPP
                            notes.append(
                                Notification(
                                    recipient=user,
                                    channel=channel,
                                    dedupe_key=f"sla:{target.pk}:L{step.level}:{channel}:{user.pk}"[:200],
                                    kind=message.kind,
                                    subject=message.subject[:200],
                                    body=message.body,
                                    url=message.url[:300],
                                    state=DeliveryState.SENT if inapp else DeliveryState.PENDING,
                                    sent_at=moment if inapp else None,
                                    next_attempt_at=None if inapp else moment,
                                )
                            )
                if target.breached_at is None and target.due_at is not None and target.due_at <= moment:
                    sla._breach(target, moment, ticket)
                target.next_check_at = sla.next_check(target)
            EscalationStep.objects.bulk_create(steps)
            TicketEvent.objects.bulk_create(events)
            Notification.objects.bulk_create(notes, ignore_conflicts=True)
            # One UPDATE … FROM unnest(…) for the batch (Django's bulk_update builds a CASE per row and field,
            # which costs more Python time than everything else here).
            if rows:
                with connection.cursor() as cursor:
                    cursor.execute(
                        """UPDATE sla_slatarget s SET state = u.state, breached_at = u.breached_at,
                               breach_recorded_at = u.recorded, escalation_level = u.level,
                               next_check_at = u.next_check, owner_id = u.owner, department_id = u.department
                           FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[], %s::timestamptz[],
                                       %s::smallint[], %s::timestamptz[], %s::int[], %s::bigint[])
                                AS u(id, state, breached_at, recorded, level, next_check, owner, department)
                           WHERE s.id = u.id""",
                        [
                            [t.pk for t in rows],
                            [t.state for t in rows],
                            [t.breached_at for t in rows],
                            [t.breach_recorded_at for t in rows],
                            [t.escalation_level for t in rows],
                            [t.next_check_at for t in rows],
                            [t.owner_id for t in rows],
                            [t.department_id for t in rows],
                        ],
                    )
            checked += len(rows)
        if len(rows) < batch:
            break
    return checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench")
    parser.add_argument("--rows", type=int, default=2000, help="due rows per variant")
    parser.add_argument("--variants", default="A,B,C")
    parser.add_argument(
        "--explain-due",
        type=int,
        default=10_000,
        help="EXPLAIN ANALYZE the claim query (and the proposed two-step claim) with this many rows due (0: skip)",
    )
    parser.add_argument("--quiet-load", type=float, default=1.0)
    parser.add_argument("--quiet-wait", type=float, default=120)
    args = parser.parse_args()
    db = check_db_name(args.db)
    setup_django(db)
    from django.conf import settings
    from django.db import connection

    from propdesk.sla import services as sla

    batch = settings.PROPDESK_SLA_BATCH
    sla.sweep(batch=batch)  # warm up; leaves nothing due
    claim = capture_claim_query(batch)
    variants = {
        "A": lambda: sla.sweep(batch=batch).checked,
        "B": lambda: sweep_b(batch=batch),
        "C": lambda: sweep_c(batch=batch),
    }
    print(f"{'variant':<8} {'rows':>6} {'seconds':>8} {'rows/s':>8} {'queries/row':>12} {'SQL share':>10}  load")
    results = {}
    for name in [v for v in args.variants.split(",") if v]:
        with pg_connect(db) as conn:
            ids = pick_targets(conn, args.rows)
            moment = conn.execute("SELECT now() - interval '1 second'").fetchone()[0]
            make_due(conn, ids, moment)
        load = wait_quiet(args.quiet_wait, args.quiet_load, f"variant {name}")
        tally = QueryTally()
        with connection.execute_wrapper(tally):
            started = time.perf_counter()
            checked = variants[name]()
            elapsed = time.perf_counter() - started
        with pg_connect(db) as conn:
            steps, notes, breached = conn.execute(
                """SELECT (SELECT count(*) FROM sla_escalationstep WHERE target_id = ANY(%(ids)s)),
                          (SELECT count(*) FROM notify_notification WHERE dedupe_key LIKE ANY(%(keys)s)),
                          (SELECT count(*) FROM sla_slatarget WHERE id = ANY(%(ids)s) AND state = 'breached')""",
                {"ids": ids, "keys": [f"sla:{pk}:L%" for pk in ids]},
            ).fetchone()
        results[name] = checked / elapsed
        print(
            f"{name:<8} {checked:>6} {elapsed:>8.2f} {checked / elapsed:>8.0f} {tally.count / max(1, checked):>12.2f} "
            f"{tally.seconds / elapsed:>9.0%}  {load:.2f}→{loadavg():.2f}   "
            f"(written: {steps} steps, {notes} notifications, {breached}/{len(ids)} breached)",
            flush=True,
        )
    if "A" in results:
        for name, rate in results.items():
            if name != "A":
                print(f"{name} is {rate / results['A']:.1f}× A")
    if args.explain_due:
        from django.db import transaction
        from django.utils import timezone

        from propdesk.sla.models import SlaTarget

        with pg_connect(db) as conn:
            ids = pick_targets(conn, args.explain_due)
            moment = conn.execute("SELECT now() - interval '1 second'").fetchone()[0]
            make_due(conn, ids, moment)
            conn.execute("ANALYZE sla_slatarget")
        print(f"\nEXPLAIN ANALYZE of the current claim query with {len(ids):,} rows due:")
        print(explain_sweeper(claim, timezone.now()).split("\n", 1)[1])
        # Proposed: lock the batch's ids through the partial index alone, then load the related rows by pk.
        with transaction.atomic():
            ids_qs = (
                SlaTarget.objects.filter(next_check_at__lte=timezone.now())
                .order_by("next_check_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            sql, params = ids_qs.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            transaction.set_rollback(True)
        print(f"\nEXPLAIN ANALYZE of the proposed id claim with {len(ids):,} rows due:\n{sql}\n{plan}")
        started = time.perf_counter()
        cleared = sweep_c(batch=batch)
        print(f"(cleared the {cleared:,} due rows with variant C in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
