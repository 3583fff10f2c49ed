"""Who may do what to a ticket (the only place that decides it; see core/permissions.py).

Scope: a role counts in the ticket's community (held there, or at its center, branch or company);
residents act on their own household's tickets.
"""

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import FIELD, HANDLERS, OVERSIGHT, STAFF


def _is_assignee(user, ticket) -> bool:
    return ticket.assignee_id == user.pk


def _received_or_assigned(user, ticket) -> bool:
    return ticket.assignee_id == user.pk or ticket.received_by_id == user.pk


ticket = RuleSet(
    "ticket",
    community=lambda t: t.community_id,
    household=lambda t: t.household_id,
    paths={"community": "community_id", "household": "household_id"},
)
# Any employee records a request they received (R-IN-2); residents open their own household's.
ticket.allow("create", STAFF, residents=True)
# Receiving a request for the community: any employee of it.
ticket.allow("receive", STAFF)
# Working on a ticket: status changes, replies, notes, links, attachments, asking for a decision.
ticket.allow("work", HANDLERS)
ticket.allow("work", FIELD, when=_is_assignee, q=lambda user: Q(assignee=user))
# Cancelling (撤销) is a desk decision, never a field or back-office one.
ticket.allow("cancel", HANDLERS)
ticket.allow("assign", HANDLERS)
# Who may be made responsible for a ticket.
ticket.allow("be_assigned", HANDLERS | FIELD)
# Handing a ticket to the control center (R-IN-2): whoever works on it or received it; not residents.
ticket.allow("hand_off", HANDLERS)
ticket.allow(
    "hand_off",
    STAFF,
    when=_received_or_assigned,
    q=lambda user: Q(assignee=user) | Q(received_by=user),
)
# Internal notes, escalations and their reasons: staff only.
ticket.allow("view_internal", STAFF)
# The center's ticket list as part of one's job (the home page's "工单" tile): the desk, managers, the
# information manager and the company's oversight. Everyone still sees the tickets visible to them.
ticket.allow("browse", HANDLERS | OVERSIGHT | {Role.INFO_MANAGER})
