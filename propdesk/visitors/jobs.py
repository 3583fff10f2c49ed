"""Visitor housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(3600, name="visitors.erase_expired_ids")
def erase_expired_ids():
    """Erase identity numbers past the company's retention period (default 90 days), keeping the visits."""
    from .services import erase_expired_ids

    return erase_expired_ids()
