"""The rollup, kept current by the worker."""

from propdesk.core.worker import periodic


@periodic(60, name="reports.rollup_tickets")
def rollup_tickets():
    """Apply the last minute's ticket changes to the daily rollup (a few rows per changed ticket)."""
    from .services import rollup_tick

    return rollup_tick()
