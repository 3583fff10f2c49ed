"""Who may see which report (the only place that decides it; see core/permissions.py).

The center's figures are for its manager, the CS supervisor and the quality and business-management staff;
each sees the communities of their own scope (a center manager their center, the company's departments the
company).
"""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role

READERS = frozenset(
    {Role.CENTER_MANAGER, Role.CS_SUPERVISOR, Role.QUALITY_DEPT, Role.BUSINESS_DEPT, Role.BRANCH_LEADER}
)

report = RuleSet("report", community=lambda obj: obj.community_id, paths={"community": "community_id"})
# The statistics pages and their exports.
report.allow("view", READERS)
