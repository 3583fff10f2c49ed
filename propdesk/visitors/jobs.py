"""Visitor housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(300, name="visitors.erase_expired_ids")
def erase_expired_ids():
    """Erase identity numbers past the company's retention period (default 90 days) — visits', and moved-out
    tenants' — keeping the records; at
    most ``RUN_LIMIT`` per run, so a backlog is worked off over several runs."""
    from .services import erase_ended_tenant_ids, erase_expired_ids

    return erase_expired_ids() + erase_ended_tenant_ids()


@periodic(60, name="visitors.peak_unstaffed")
def peak_unstaffed():
    """At 7:30, 12:00 and 18:00: tell the security managers of each community whose gate nobody checked in at."""
    from .services import alert_unstaffed

    return alert_unstaffed()


@periodic(3600, name="visitors.lease_reminders")
def lease_reminders():
    """Remind 30 and 7 days before a registered tenant's lease ends (once each, de-duplicated)."""
    from .services import remind_lease_ends

    return remind_lease_ends()
