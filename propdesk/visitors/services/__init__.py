"""Every write of the visitor register: visits in and out, invitations, the audited reveal, retention."""

from .common import settings_for
from .duty import alert_unstaffed, coverage, duty_check_in, eligible_people, roster_add, roster_remove, unstaffed
from .host import call_host, confirm_host
from .invitations import cancel_invitation, check_in_by_code, invite
from .retention import erase_ended_tenant_ids, erase_expired_ids
from .tenants import (
    end_letting,
    end_tenancy,
    mark_let,
    register_tenant,
    remind_lease_ends,
    renew_lease,
    reveal_tenant_id,
)
from .visits import check_in, check_out, reveal_id
from .watch import watch_add, watch_remove

__all__ = [
    "alert_unstaffed",
    "call_host",
    "cancel_invitation",
    "check_in",
    "check_in_by_code",
    "check_out",
    "confirm_host",
    "coverage",
    "duty_check_in",
    "eligible_people",
    "end_letting",
    "end_tenancy",
    "erase_ended_tenant_ids",
    "erase_expired_ids",
    "invite",
    "mark_let",
    "register_tenant",
    "remind_lease_ends",
    "renew_lease",
    "reveal_id",
    "reveal_tenant_id",
    "roster_add",
    "roster_remove",
    "settings_for",
    "unstaffed",
    "watch_add",
    "watch_remove",
]
