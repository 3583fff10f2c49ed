"""Every write to a ticket: create, transition, hand off, assign, reply, note, link, attach.

Each service locks the ticket row, validates, writes, bumps ``version`` and appends a ticket event.
Callers that showed the user a version pass ``expected_version``; a stale one is refused instead
of silently overwriting someone else's change.
"""

from propdesk.core.errors import StaleVersion, field_error

from .base import (
    CONTENT_MAX,
    FUTURE_TOLERANCE,
    Party,
    before_ticket_transition,
    control_center_of,
    next_number,
    on_ticket_created,
    on_ticket_reopened,
    resolve_party,
    validate_received_at,
)
from .conversation import ticket_add_note, ticket_attach, ticket_link, ticket_reply
from .create import ticket_create, title_from_content
from .workflow import (
    STATUS_TRIGGERS,
    record_escalation,
    ticket_assign,
    ticket_hand_off,
    ticket_request_decision,
    ticket_transition,
)

__all__ = [
    "CONTENT_MAX",
    "FUTURE_TOLERANCE",
    "STATUS_TRIGGERS",
    "Party",
    "StaleVersion",
    "before_ticket_transition",
    "control_center_of",
    "field_error",
    "next_number",
    "on_ticket_created",
    "on_ticket_reopened",
    "record_escalation",
    "resolve_party",
    "ticket_add_note",
    "ticket_assign",
    "ticket_attach",
    "ticket_create",
    "ticket_hand_off",
    "ticket_link",
    "ticket_reply",
    "ticket_request_decision",
    "ticket_transition",
    "title_from_content",
    "validate_received_at",
]
