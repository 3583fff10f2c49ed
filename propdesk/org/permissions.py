"""Who may read the audit trails: the change log and the record of revealed personal data.

The rows carry the service center they concern; the center's manager and information manager read
their own center's, the company's oversight reads every center it oversees (see core/permissions.py).
"""

from propdesk.core.permissions import RuleSet

from .choices import Role
from .roles import OVERSIGHT

audit = RuleSet("audit", center=lambda row: row.service_center_id, paths={"center": "service_center_id"})
audit.allow("view", {Role.CENTER_MANAGER, Role.INFO_MANAGER} | OVERSIGHT)
