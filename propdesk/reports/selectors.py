"""What reports read: the rollups, restricted to the communities where the user may see reports."""

import datetime as dt

from django.db.models import Sum

from .models import TicketDay
from .permissions import report


def ticket_days(*, user, start: dt.date, end: dt.date, community_id: int | None = None):
    """``TicketDay`` rows from ``start`` to ``end`` (inclusive) in the user's communities."""
    rows = TicketDay.objects.filter(report.condition(user, "report.view"), day__gte=start, day__lte=end)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    return rows


def ticket_totals(*, user, start: dt.date, end: dt.date, community_id: int | None = None) -> dict[str, dict]:
    """Tickets received and closed per kind over the period: ``{kind: {"received": n, "closed": n}}``."""
    rows = (
        ticket_days(user=user, start=start, end=end, community_id=community_id)
        .values("kind")
        .annotate(received=Sum("received"), closed=Sum("closed"))
        .order_by("kind")
    )
    return {r["kind"]: {"received": r["received"], "closed": r["closed"]} for r in rows}
