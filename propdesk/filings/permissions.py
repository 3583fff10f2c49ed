"""Who may do what with the filings (the only place that decides it).

Customer service drafts (客服部编制) and hands the reports in; the service-center manager reviews (the quarterly
report and the brief) or approves (the half-month statistics); the branch leader approves; the company's quality
center approves the first two reports of a new project; the information manager or the CS supervisor posts the
quarterly report on the intranet and publishes it to customers as a notice; the business-management department
samples reports and sets the company's deadline rule. Managers, customer service, the information manager and
the company and branch functions read them. A project's filing is located at its community, a center's at the
center.
"""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import MANAGERS, OVERSIGHT

CS = frozenset({Role.CS_SUPERVISOR, Role.CS_ASSISTANT})
READERS = CS | MANAGERS | OVERSIGHT | {Role.INFO_MANAGER}
PUBLISHERS = frozenset({Role.INFO_MANAGER, Role.CS_SUPERVISOR})

filing = RuleSet(
    "filing",
    community=lambda f: f.community_id,
    center=lambda f: f.service_center_id,
    paths={"community": "community_id", "center": "service_center_id"},
)
filing.allow("view", READERS)
filing.allow("draft", CS)
filing.allow("submit", CS)
filing.allow("manager_approve", {Role.CENTER_MANAGER})
filing.allow("review", {Role.CENTER_MANAGER})
filing.allow("approve", {Role.BRANCH_LEADER})
filing.allow("quality_approve", {Role.QUALITY_DEPT})
filing.allow("circulate", CS | {Role.CENTER_MANAGER})
filing.allow("post", PUBLISHERS)
filing.allow("publish", PUBLISHERS)
filing.allow("deliver", CS)
filing.allow("sample", {Role.BUSINESS_DEPT})

filing_settings = RuleSet("filing_settings")
filing_settings.allow("change", {Role.BUSINESS_DEPT})
