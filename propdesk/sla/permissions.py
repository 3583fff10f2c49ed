"""Who may read timeliness rates and acknowledge escalations (see core/permissions.py)."""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import HANDLERS, OVERSIGHT, STAFF


def _is_notified(user, step) -> bool:
    return user.pk in step.recipients


timeliness = RuleSet("timeliness")
# The timeliness rate (R-FB-4): the desk and managers who answer for it, and the company's oversight.
timeliness.allow("view", HANDLERS | OVERSIGHT | {Role.INFO_MANAGER})

escalation = RuleSet("escalation", community=lambda step: step.target.ticket.community_id)
# Whoever the step notified confirms they have it in hand; so may the desk and managers of the
# ticket's community, and the company's oversight.
escalation.allow("acknowledge", HANDLERS | OVERSIGHT)
escalation.allow("acknowledge", STAFF, when=_is_notified)
