"""Filing housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(3600, name="filings.open_due")
def open_due():
    """Open each period's filings once the period has ended."""
    from .services import open_due_filings

    return open_due_filings()


@periodic(600, name="filings.flag_late")
def flag_late():
    """Tell the next person in the chain, once, about each late step."""
    from .services import flag_late_steps

    return flag_late_steps()
