"""The vocabulary of a complaint's history, and the one way to append to it (only this app writes it)."""

from .choices import CollectiveEventKind, EventKind
from .models import CollectiveComplaint, CollectiveEvent, Complaint, ComplaintEvent

__all__ = ["CollectiveEventKind", "EventKind", "record", "record_collective"]


def record(complaint: Complaint, kind: str, actor=None, *, reason: str = "", on_behalf_of=None, **data):
    """Append one event to ``complaint``'s history. ``reason`` is what a person typed, or a stored
    ``core.texts`` text (``t(...).dumps()``) when the system writes it."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown complaint event kind {kind!r}")
    return ComplaintEvent.record(complaint, kind, actor, reason=reason, on_behalf_of=on_behalf_of, **data)


def record_collective(collective: CollectiveComplaint, kind: str, actor=None, *, reason: str = "", **data):
    if kind not in CollectiveEventKind.values:
        raise ValueError(f"unknown collective complaint event kind {kind!r}")
    return CollectiveEvent.record(collective, kind, actor, reason=reason, **data)
