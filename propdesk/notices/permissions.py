"""Who may do what with notices, outages, warnings and broadcasts (the only place that decides it).

The information manager (信息员) and the CS supervisor draft notices; the service-center manager approves or
returns them (R-PB-2/3); the information manager places the center's seal on an approved notice, schedules
and posts it, and takes it down. The control center enters warnings, decides about a broadcast where the rules
leave it open, and records broadcasts done (R-PB-4/5/6); it may also draft an emergency notice. Special
customers' deliveries are recorded by the front desk and the information manager (R-PB-7). Every staff member
of the center reads them. Everything is center-wide (``center=``).
"""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import STAFF

DRAFTERS = frozenset({Role.INFO_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_MANAGER, Role.CONTROL_OPERATOR})
PUBLISHERS = frozenset({Role.INFO_MANAGER, Role.CENTER_MANAGER})
CONTROL = frozenset({Role.CONTROL_OPERATOR, Role.CENTER_MANAGER})
DELIVERERS = frozenset({Role.INFO_MANAGER, Role.RECEPTIONIST, Role.CS_ASSISTANT, Role.CS_SUPERVISOR})

_CENTER = {"center": "service_center_id"}

notice = RuleSet("notice", center=lambda n: n.service_center_id, paths=_CENTER)
notice.allow("read", STAFF)
notice.allow("draft", DRAFTERS)
notice.allow("approve", {Role.CENTER_MANAGER})
notice.allow("seal", PUBLISHERS)
notice.allow("publish", PUBLISHERS)
notice.allow("deliver", DELIVERERS)

warning = RuleSet("warning", center=lambda w: w.service_center_id, paths=_CENTER)
warning.allow("read", STAFF)
warning.allow("enter", CONTROL)
warning.allow("decide", CONTROL)

broadcast = RuleSet("broadcast", center=lambda t: t.service_center_id, paths=_CENTER)
broadcast.allow("read", STAFF)
broadcast.allow("record", CONTROL)

# A community's public fee schedule and service contacts (R-PB-1), kept by whoever publishes notices.
board = RuleSet("board", center=lambda r: r.service_center_id, paths=_CENTER)
board.allow("read", STAFF)
board.allow("manage", PUBLISHERS)
