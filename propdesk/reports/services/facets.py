"""What one ticket adds to ``TicketFacetMonth``: its facets, read from the apps that record them.

A ticket contributes, in the month it was received, one count per facet value: the complaint's class,
validity and category, the repair's trade (its first work order's), its building, department and assignee,
its deadlines met and breached (one per clock), the outcome of its last return visit, the complaint
customer's opinion. ``changed_since`` names the tickets whose facets may have changed without a ticket event
(a complaint classified, a clock breached, a return visit recorded).
"""

import datetime as dt
from collections import Counter

from django.db.models import F, Q

from propdesk.complaints.models import Complaint
from propdesk.dispatch.models import ReturnVisit, WorkOrder
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.tickets.choices import Kind

from ..models import TicketFacetMonth

Facets = tuple[tuple[str, str, int], ...]
# A return visit's quality from which the customer counts as satisfied (1–5 scale: 4 good, 5 very good).
SATISFIED_FROM = 4


def visit_outcome(reached: bool, quality: int | None) -> str:
    if not reached:
        return "unreached"
    if quality is None:
        return "reached"
    return "satisfied" if quality >= SATISFIED_FROM else "unsatisfied"


def _complaints(ids: list[int]) -> dict[int, dict]:
    rows = Complaint.objects.filter(ticket_id__in=ids).values(
        "ticket_id", "responsibility_class", "validity", "category", "building_id", "customer_satisfied"
    )
    return {r["ticket_id"]: r for r in rows}


def _trades(ids: list[int]) -> dict[int, str]:
    trades: dict[int, str] = {}
    for ticket_id, trade in (
        WorkOrder.objects.filter(ticket_id__in=ids).order_by("pk").values_list("ticket_id", "trade")
    ):
        trades.setdefault(ticket_id, trade)
    return trades


def _visits(ids: list[int]) -> dict[int, str]:
    last: dict[int, str] = {}
    rows = (
        ReturnVisit.objects.filter(work_order__ticket_id__in=ids)
        .order_by("at", "pk")
        .values_list("work_order__ticket_id", "reached", "quality")
    )
    for ticket_id, reached, quality in rows:
        last[ticket_id] = visit_outcome(reached, quality)
    return last


def _clocks(ids: list[int]) -> Counter:
    rows = SlaTarget.objects.filter(ticket_id__in=ids, state__in=[TargetState.MET, TargetState.BREACHED])
    return Counter(rows.values_list("ticket_id", "state"))


def facets_of(rows: dict[int, dict]) -> dict[int, Facets]:
    """``rows``: ticket id → {"kind", "building", "team", "assignee"}; returns ticket id → sorted facets."""
    ids = list(rows)
    complaints, trades, visits, clocks = _complaints(ids), _trades(ids), _visits(ids), _clocks(ids)
    result = {}
    for pk, row in rows.items():
        items: Counter = Counter()
        complaint = complaints.get(pk)
        building = row["building"]
        if complaint is not None:
            items["class", str(complaint["responsibility_class"] or "")] += 1
            items["validity", complaint["validity"]] += 1
            items["category", complaint["category"]] += 1
            building = building or complaint["building_id"]
            if complaint["customer_satisfied"] is not None:
                items["opinion", "satisfied" if complaint["customer_satisfied"] else "unsatisfied"] += 1
        elif row["kind"] == Kind.REPAIR:
            items["category", trades.get(pk, "")] += 1
        items["building", str(building or "")] += 1
        items["team", str(row["team"] or "")] += 1
        items["person", str(row["assignee"] or "")] += 1
        for state in (TargetState.MET, TargetState.BREACHED):
            if clocks[pk, state]:
                items["sla", str(state)] += clocks[pk, state]
        if pk in visits:
            items["visit", visits[pk]] += 1
        result[pk] = tuple(sorted((facet, value, n) for (facet, value), n in items.items()))
    return result


def changed_since(since: dt.datetime) -> set[int]:
    """Tickets whose complaint, work orders, return visits or clocks changed since ``since``."""
    ids = set(Complaint.objects.filter(updated_at__gte=since).values_list("ticket_id", flat=True))
    ids.update(WorkOrder.objects.filter(updated_at__gte=since).values_list("ticket_id", flat=True))
    ids.update(ReturnVisit.objects.filter(at__gte=since).values_list("work_order__ticket_id", flat=True))
    clocks = SlaTarget.objects.filter(
        Q(created_at__gte=since) | Q(stopped_at__gte=since) | Q(breach_recorded_at__gte=since)
    )
    ids.update(clocks.values_list("ticket_id", flat=True))
    return ids


FacetKey = tuple[dt.date, int, int, str, str, str]  # (month, center, community, kind, facet, value)


def apply_facets(deltas: Counter) -> None:
    """Add ``deltas`` (FacetKey → n) to ``TicketFacetMonth``."""
    for (month, center, community, kind, facet, value), n in sorted(deltas.items()):
        if not n:
            continue
        row = {"month": month, "community_id": community, "kind": kind, "facet": facet, "value": value}
        updated = TicketFacetMonth.objects.filter(**row).update(n=F("n") + n)
        if not updated:
            TicketFacetMonth.objects.create(service_center_id=center, n=n, **row)


def direct_facet_counts() -> dict[FacetKey, int]:
    """The facet rollup counted again from every ticket as it is now (for checks and tests)."""
    from django.utils import timezone

    from propdesk.tickets.models import Ticket

    counts: Counter = Counter()
    rows = Ticket.objects.values_list(
        "pk", "service_center_id", "community_id", "kind", "received_at", "unit__building_id", "team_id", "assignee_id"
    )
    rows = {r[0]: r for r in rows}
    facets = facets_of({pk: {"kind": r[3], "building": r[5], "team": r[6], "assignee": r[7]} for pk, r in rows.items()})
    for pk, (_pk, center, community, kind, received, *_rest) in rows.items():
        month = timezone.localtime(received).date().replace(day=1)
        for facet, value, n in facets[pk]:
            counts[(month, center, community, kind, facet, value)] += n
    return {key: n for key, n in counts.items() if n}
