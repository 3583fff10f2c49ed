"""Who may use the front desk and its registers (see core/permissions.py).

The desk's lookup finds households by phone, room or name, so it is limited to the people who answer
customers: the front desk, the control center, customer service and the center's manager.
"""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import FRONT, MANAGERS, OVERSIGHT

DESK = FRONT | {Role.CENTER_MANAGER}

desk = RuleSet(
    "desk",
    community=lambda i: i.community_id,
    center=lambda i: i.service_center_id,
    paths={"community": "community_id", "center": "service_center_id"},
)
# The front-desk page, its lookup (page and API) and recording calls and visits (来电来访).
desk.allow("use", DESK)
desk.allow("record", DESK)

register = RuleSet("register", community=lambda t: t.community_id, paths={"community": "community_id"})
# The five registers, printed and exported: the desk, the managers who sign them off, and the
# company's oversight (quality inspections read them); not the back office or field staff.
register.allow("view", FRONT | MANAGERS | OVERSIGHT)
