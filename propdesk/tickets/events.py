"""The vocabulary of a ticket's history, and the one way to append to it.

Only the ticket app writes ticket events; other apps reach the timeline through registries (an SLA
escalation arrives through ``sla.services.on_escalation``).
"""

from .choices import EventKind
from .models import Ticket, TicketEvent

__all__ = ["INTERNAL_KINDS", "EventKind", "record"]

# History only staff see: internal notes and escalations (with their internal reasons).
INTERNAL_KINDS = frozenset({EventKind.NOTE, EventKind.ESCALATED})


def record(ticket: Ticket, kind: str, actor=None, *, reason: str = "", on_behalf_of=None, **data) -> TicketEvent:
    """Append one event to ``ticket``'s history."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown ticket event kind {kind!r}")
    return TicketEvent.record(ticket, kind, actor, reason=reason, on_behalf_of=on_behalf_of, **data)
