"""Who may do what with visitors (the only place that decides it; see core/permissions.py).

The gate (门岗) is kept by the security guards and the receptionists, with the security manager and the CS
supervisor who stand there at peak hours (R-CV-5). They register visitors in and out, check invited visitors
in by their code and pre-register visitors for a resident. The center manager reads the register. Revealing
a visitor's identity number after the fact — for the security manager, the CS supervisor and the center
manager only — is audited (R-CV-4). The watch list (布控名单, R-CV-3) is kept by the security manager of a center; a match alerts the
guard at the gate and the security managers. A resident sees the visits and invitations of their own household and
may invite or cancel for it; nobody else sees anything.
"""

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import OVERSIGHT

GATE = frozenset({Role.SECURITY_GUARD, Role.RECEPTIONIST, Role.SECURITY_MANAGER, Role.CS_SUPERVISOR})
READERS = GATE | {Role.CENTER_MANAGER}
REVEALERS = frozenset({Role.SECURITY_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})

_PATHS = {"community": "community_id", "household": "household_id"}


def _own(user, duty) -> bool:
    return duty.user_id == user.pk


def _own_q(user) -> Q:
    return Q(user=user)


visit = RuleSet("visit", community=lambda v: v.community_id, household=lambda v: v.household_id, paths=_PATHS)
# Register a visitor in (form or invitation code) and out.
visit.allow("check_in", GATE)
visit.allow("check_out", GATE)
# The register and the gate page; residents see their own household's visitors.
visit.allow("read", READERS, residents=True)
# The clear identity number, with a reason, audited.
visit.allow("reveal", REVEALERS)
# The register as an .xlsx sheet (numbers masked), every export audited.
visit.allow("export", REVEALERS)

invitation = RuleSet("invitation", community=lambda i: i.community_id, household=lambda i: i.household_id, paths=_PATHS)
invitation.allow("create", GATE, residents=True)
invitation.allow("cancel", GATE, residents=True)
invitation.allow("read", READERS, residents=True)

watch = RuleSet("watch", center=lambda w: w.service_center_id, paths={"center": "service_center_id"})
# Add, remove and read the watch list of a center: its security manager (asked over the whole center).
watch.allow("manage", {Role.SECURITY_MANAGER})

# Peak-hour gate duty (R-CV-5): the CS supervisor, the security manager and the center manager plan the roster
# of a community; the people on it are the CS supervisor, the security manager and the guards' team leader
# (a security guard); each checks in at the post themselves.
gate_duty = RuleSet(
    "gate_duty",
    community=lambda d: d.community_id,
    paths={"community": "community_id"},
)
gate_duty.allow("plan", {Role.CS_SUPERVISOR, Role.SECURITY_MANAGER, Role.CENTER_MANAGER})
gate_duty.allow("be_on", {Role.CS_SUPERVISOR, Role.SECURITY_MANAGER, Role.SECURITY_GUARD})
gate_duty.allow("check_in", {Role.CS_SUPERVISOR, Role.SECURITY_MANAGER, Role.SECURITY_GUARD}, when=_own, q=_own_q)

# Tenant temporary-residence registration (002 §六.20): the front desk, customer service, the housekeepers and the
# center's managers of security and of the center record which households are let and register their tenants with
# the lease period; they and the company's oversight read the registration rate; a resident sees the tenant
# registrations of their own household.
TENANT_KEEPERS = frozenset(
    {
        Role.RECEPTIONIST,
        Role.CS_ASSISTANT,
        Role.CS_SUPERVISOR,
        Role.HOUSEKEEPER,
        Role.SECURITY_MANAGER,
        Role.CENTER_MANAGER,
    }
)
tenant = RuleSet("tenant", community=lambda r: r.community_id, household=lambda r: r.household_id, paths=_PATHS)
tenant.allow("register", TENANT_KEEPERS)
tenant.allow("read", TENANT_KEEPERS, residents=True)
tenant.allow("rate", TENANT_KEEPERS | OVERSIGHT)
# The clear identity number of a tenant: the same few managers who may reveal a visitor's, with a reason, audited.
tenant.allow("reveal", REVEALERS)
