"""Who may do what to a complaint (the only place that decides it; see core/permissions.py).

A role counts in the complaint's community (held there, or at its center, branch or company). What the
complaint is about decides its owner (R-CP-2): the desk classifies, the CS supervisor or the manager confirms
the owner the class suggests, only the center manager names a different one (and names the owner of a class-3
complaint); the records clerk files written originals (R-IN-7); a repeat goes to the CS supervisor (R-CP-6).
"""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import FRONT, HANDLERS, OVERSIGHT

# Who handles complaints day to day (002 §3): CS assistants and supervisor, the front desk, the managers.
COMPLAINT_HANDLERS = FRONT | {Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER}
# Who confirms the owner the class suggests: the CS supervisor organises complaint handling, the manager oversees.
OWNER_DECIDERS = frozenset({Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
# Who may own a complaint: the desk and the managers (a class-3 owner may be the security manager), not the
# control center's operators.
OWNERS = HANDLERS - {Role.CONTROL_OPERATOR}

complaint = RuleSet(
    "complaint",
    community=lambda c: c.community_id,
    household=lambda c: c.household_id,
    paths={"community": "community_id", "household": "household_id"},
)
# Classifying (class, validity, written, source, major): recorded at intake or by the handler (R-CP-1).
complaint.allow("classify", COMPLAINT_HANDLERS)
# Working on it: agreeing the reply time, answering on the spot, progress, the customer's opinion.
complaint.allow("work", COMPLAINT_HANDLERS)
# Confirming the suggested owner; only the manager overrides it or names the owner of a class-3 complaint.
complaint.allow("assign", OWNER_DECIDERS)
complaint.allow("override_owner", {Role.CENTER_MANAGER})
complaint.allow("be_owner", OWNERS)
# Written complaint originals are kept by the records clerk (R-IN-7).
complaint.allow("file_original", {Role.RECORDS_CLERK})
# A customer unhappy with the result reopens it at the desk (R-CP-6).
complaint.allow("reopen_repeat", COMPLAINT_HANDLERS)
# The complaint register (and its home tile): the handlers, the managers and the company's oversight.
complaint.allow("browse", HANDLERS | OVERSIGHT)
# The CS supervisor's workbench (what is due next, repeats first).
complaint.allow("workbench", OWNER_DECIDERS)
# R-CP-4: the desk links a complaint to a collective complaint (or takes it out) in one action.
complaint.allow("link_collective", COMPLAINT_HANDLERS)

# Written documents (R-CP-1, R-CP-2): the handlers draft the reply letter and the written reports and record
# their sending; the records clerk, who keeps the letters, may record the sending too.
complaint.allow("write_letter", COMPLAINT_HANDLERS)
complaint.allow("send_letter", COMPLAINT_HANDLERS | {Role.RECORDS_CLERK})
# The complaint record form (002 §12.3): the CS supervisor reviews it, the center manager signs it off.
complaint.allow("review", {Role.CS_SUPERVISOR})
complaint.allow("sign_off", {Role.CENTER_MANAGER})
# The register as .xlsx (phones masked, audited): those who organise and oversee complaint handling.
complaint.allow("export", OWNER_DECIDERS | {Role.DEPARTMENT_MANAGER} | OVERSIGHT)

# Collective complaints (集体投诉, R-CP-4): where they are is their community.
collective = RuleSet("collective", community=lambda c: c.community_id, paths={"community": "community_id"})
# The collective-complaint page and its special-event report: those who see the complaint register.
collective.allow("browse", HANDLERS | OVERSIGHT)
# The manager decides whether the general manager and the developer's customer center are told (002 §4.5.1).
collective.allow("decide", {Role.CENTER_MANAGER})
# The manager (or the CS supervisor organising the handling) agrees the reply time and closes it.
collective.allow("agree_reply", OWNER_DECIDERS)
collective.allow("close", OWNER_DECIDERS)
# Home visits answer each household (002 §4.8): the complaint handlers go.
collective.allow("visit", COMPLAINT_HANDLERS)

# A center's complaint settings (the collective-complaint window): its manager sets them.
complaint_settings = RuleSet(
    "complaint_settings", center=lambda s: s.service_center_id, paths={"center": "service_center_id"}
)
complaint_settings.allow("change", {Role.CENTER_MANAGER})

# Monthly work (R-CP-8): all center-wide objects, where they are is their service center.
monthly = RuleSet("complaint_monthly", center=lambda o: o.service_center_id, paths={"center": "service_center_id"})
# The month's summary, cases, notices, actions and legacy statistics: the handlers and the company's oversight.
monthly.allow("browse", HANDLERS | OVERSIGHT)
# Training cases: the CS assistant writes them up, the CS supervisor draws the lessons (002 §12.1).
monthly.allow("write_case", {Role.CS_ASSISTANT, Role.CS_SUPERVISOR})
# The public-interest notice: the customer service drafts and publishes it; the department head approves it.
monthly.allow("draft_notice", {Role.CS_ASSISTANT, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
monthly.allow("approve_notice", {Role.DEPARTMENT_MANAGER, Role.CENTER_MANAGER})
monthly.allow("publish_notice", {Role.CS_ASSISTANT, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
# Corrective / preventive actions: issued by the business-management department, carried out by the center.
monthly.allow("issue_action", {Role.BUSINESS_DEPT})
monthly.allow("progress_action", {Role.CENTER_MANAGER, Role.CS_SUPERVISOR, Role.DEPARTMENT_MANAGER})
monthly.allow("finish_action", {Role.CENTER_MANAGER})
# Developer-legacy statistics: compiled by the customer service, reviewed and submitted by the manager.
monthly.allow("compile_legacy", {Role.CS_ASSISTANT, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
monthly.allow("submit_legacy", {Role.CENTER_MANAGER})
