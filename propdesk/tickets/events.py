"""The vocabulary of a ticket's history, and the one way to append to it.

Only the ticket app writes ticket events; other apps reach the timeline through registries (an SLA
escalation arrives through ``sla.services.on_escalation``).
"""

from propdesk.core import texts

from .choices import EventKind
from .models import Ticket, TicketEvent

__all__ = ["INTERNAL_KINDS", "EventKind", "record"]

# History only staff see: internal notes and escalations (with their internal reasons).
INTERNAL_KINDS = frozenset({EventKind.NOTE, EventKind.ESCALATED})


def record(
    ticket: Ticket, kind: str, actor=None, *, reason: texts.Text | str = "", on_behalf_of=None, **data
) -> TicketEvent:
    """Append one event to ``ticket``'s history. A ``reason`` the system writes is a ``core.texts`` Text,
    stored as msgid + parameters and read with ``event.reason_text``; a person's reason is stored as typed."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown ticket event kind {kind!r}")
    reason = texts.dumps(reason)
    return TicketEvent.record(ticket, kind, actor, reason=reason, on_behalf_of=on_behalf_of, **data)
