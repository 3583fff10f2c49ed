"""Keeping ``TicketDay`` current.

The ticket history (``tickets.TicketEvent``) is the change feed: every change to a ticket leaves an event. Each
run reads the events after the highest id seen ``RUNS_BACK`` runs ago — not after the last run's, because a
transaction that took its event id earlier may commit after a later one — and applies, per ticket, the
difference between what the rollup counted for it (``RolledTicket``) and what the ticket is now. Applying a
ticket twice changes nothing, so reading back costs a little work and never a wrong count. The read is a
range of the event table's primary key: its cost follows the changes, not the size of the table.

One run at a time: the ``RollupState`` row is locked for the run (several workers may share the database).
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from propdesk.tickets.choices import OPEN_STATUSES
from propdesk.tickets.models import Ticket, TicketEvent

from ..models import RolledTicket, RollupState, TicketDay, TicketFacetMonth
from .facets import apply_facets, changed_since, facets_of

NAME = "ticket_day"
# How many runs back each run reads again (at one run a minute: a transaction may commit 10 minutes late).
RUNS_BACK = 10
LATE_COMMIT = dt.timedelta(minutes=RUNS_BACK)
BATCH = 2000

Key = tuple[dt.date, int, int, str]  # (day, service center, community, kind)


def _local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _now_rows(ticket_ids: list[int]) -> dict[int, tuple]:
    rows = Ticket.objects.filter(pk__in=ticket_ids).values_list(
        "pk",
        "service_center_id",
        "community_id",
        "kind",
        "received_at",
        "closed_at",
        "unit__building_id",
        "team_id",
        "assignee_id",
        "status",
    )
    rows = list(rows)
    facets = facets_of({r[0]: {"kind": r[3], "building": r[6], "team": r[7], "assignee": r[8]} for r in rows})
    return {
        pk: (center, community, kind, _local_day(received), _local_day(closed), facets[pk], rest[-1] in OPEN_STATUSES)
        for pk, center, community, kind, received, closed, *rest in rows
    }


def _facet_contribution(row: tuple | None) -> Counter:
    counts: Counter = Counter()
    if row is not None:
        center, community, kind, received_day, _closed_day, facets, _open = row
        month = received_day.replace(day=1)
        for facet, value, n in facets:
            counts[(month, center, community, kind, facet, value)] += n
    return counts


def _contribution(row: tuple | None) -> Counter:
    """What one ticket adds to the rollup: (key, "received"|"closed") → 1."""
    counts: Counter = Counter()
    if row is None:
        return counts
    center, community, kind, received_day, closed_day, _facets, is_open = row
    counts[((received_day, center, community, kind), "received")] += 1
    if is_open:
        counts[((received_day, center, community, kind), "open")] += 1
    if closed_day is not None:
        counts[((closed_day, center, community, kind), "closed")] += 1
    return counts


def _apply(deltas: Counter) -> None:
    by_key: dict[Key, dict[str, int]] = {}
    for (key, field), n in deltas.items():
        if n:
            by_key.setdefault(key, {"received": 0, "closed": 0, "open": 0})[field] += n
    for (day, center, community, kind), change in sorted(by_key.items()):
        if not any(change.values()):
            continue
        updated = TicketDay.objects.filter(day=day, community_id=community, kind=kind).update(
            received=F("received") + change["received"],
            closed=F("closed") + change["closed"],
            open=F("open") + change["open"],
        )
        if not updated:
            TicketDay.objects.create(
                day=day,
                service_center_id=center,
                community_id=community,
                kind=kind,
                received=change["received"],
                closed=change["closed"],
                open=change["open"],
            )


def rollup_tickets(ticket_ids: Iterable[int]) -> int:
    """Bring the rollup up to date for these tickets (call inside the run's transaction). Returns how many of
    them changed the rollup."""
    ids = sorted(set(ticket_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        now_rows = _now_rows(chunk)
        before = {
            r.ticket_id: (
                r.service_center_id,
                r.community_id,
                r.kind,
                r.received_day,
                r.closed_day,
                tuple(tuple(item) for item in r.facets),
                r.is_open,
            )
            for r in RolledTicket.objects.filter(ticket_id__in=chunk)
        }
        deltas: Counter = Counter()
        facet_deltas: Counter = Counter()
        snapshots, stale = [], []
        for pk in chunk:
            old, new = before.get(pk), now_rows.get(pk)
            if old == new:
                continue
            changed += 1
            if old is not None:
                stale.append(pk)
            deltas.update(_contribution(new))
            deltas.subtract(_contribution(old))
            facet_deltas.update(_facet_contribution(new))
            facet_deltas.subtract(_facet_contribution(old))
            if new is not None:
                center, community, kind, received_day, closed_day, facets, is_open = new
                snapshots.append(
                    RolledTicket(
                        ticket_id=pk,
                        service_center_id=center,
                        community_id=community,
                        kind=kind,
                        received_day=received_day,
                        closed_day=closed_day,
                        facets=[list(f) for f in facets],
                        is_open=is_open,
                    )
                )
        _apply(deltas)
        apply_facets(facet_deltas)
        RolledTicket.objects.filter(ticket_id__in=stale).delete()
        RolledTicket.objects.bulk_create(snapshots)
    return changed


@transaction.atomic
def rollup_tick(*, now: dt.datetime | None = None) -> int:
    """One run of the worker: the tickets with history since the watermark (minus the margin)."""
    now = now or timezone.now()
    RollupState.objects.get_or_create(name=NAME)
    state = RollupState.objects.select_for_update().get(name=NAME)
    top = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if state.marks:
        ids = set(TicketEvent.objects.filter(pk__gt=state.marks[0]).values_list("ticket_id", flat=True).distinct())
        if state.rolled_at is not None:
            ids |= changed_since(state.rolled_at - LATE_COMMIT)
        changed = rollup_tickets(ids)
    else:  # the first run counts every ticket, a batch of primary keys at a time
        changed, last = 0, 0
        while chunk := list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]):
            changed += rollup_tickets(chunk)
            last = chunk[-1]
    state.marks = [*state.marks, top][-RUNS_BACK:]
    state.rolled_at = now
    state.save()
    return changed


@transaction.atomic
def rollup_rebuild() -> int:
    """Start again from the tickets as they are (after a restore, or to check the rollup)."""
    RollupState.objects.select_for_update().filter(name=NAME).delete()
    TicketDay.objects.all().delete()
    TicketFacetMonth.objects.all().delete()
    RolledTicket.objects.all().delete()
    return rollup_tick()


def direct_counts(**filters) -> dict[Key, tuple[int, int]]:
    """The same figures counted from the tickets themselves (for checks and tests): key → (received, closed)."""
    counts: dict[Key, list[int]] = {}
    tickets = Ticket.objects.filter(**filters)
    for position, at in enumerate(("received_at", "closed_at")):
        rows = (
            tickets.exclude(**{f"{at}__isnull": True})
            .annotate(day=TruncDate(at, tzinfo=timezone.get_current_timezone()))
            .values_list("day", "service_center_id", "community_id", "kind")
            .annotate(n=Count("pk"))
        )
        for day, center, community, kind, n in rows:
            counts.setdefault((day, center, community, kind), [0, 0])[position] += n
    return {key: (r, c) for key, (r, c) in counts.items()}


def direct_open_counts() -> dict[Key, int]:
    """Open tickets per day received, community and kind, counted from the tickets (for checks and tests)."""
    rows = (
        Ticket.objects.filter(status__in=sorted(OPEN_STATUSES))
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", "service_center_id", "community_id", "kind")
        .annotate(n=Count("pk"))
    )
    return {(day, center, community, kind): n for day, center, community, kind, n in rows}
