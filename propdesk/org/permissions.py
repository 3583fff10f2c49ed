"""Who may read the audit trails (the change log, revealed personal data) and hold API tokens.

The rows carry the service center they concern; the center's manager and information manager read
their own center's, the company's oversight reads every center it oversees (see core/permissions.py).
"""

from propdesk.core.permissions import RuleSet

from .choices import Role
from .roles import FIELD, HANDLERS, OVERSIGHT

audit = RuleSet("audit", center=lambda row: row.service_center_id, paths={"center": "service_center_id"})
audit.allow("view", {Role.CENTER_MANAGER, Role.INFO_MANAGER} | OVERSIGHT)

# API tokens for integrations and phone apps (the API app asks this by name): everyone whose work the
# API covers — the desk, managers, field staff, the information manager, the company's oversight.
api_token = RuleSet("api_token")
api_token.allow("manage", HANDLERS | FIELD | OVERSIGHT | {Role.INFO_MANAGER})
