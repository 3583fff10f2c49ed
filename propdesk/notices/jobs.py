"""Notice housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(60, name="notices.post_due")
def post_due():
    """Post scheduled notices whose time has come; take down those past their validity."""
    from .services import post_due

    return post_due()


@periodic(120, name="notices.chase_unacknowledged")
def chase():
    """Remind staff who have not acknowledged a warning."""
    from .services import chase_unacknowledged

    return chase_unacknowledged()


@periodic(3600, name="notices.bulletin")
def bulletin():
    """From the 25th, flag communities without a bulletin notice this month (once per community and month)."""
    from .services import flag_missing_bulletins

    return flag_missing_bulletins()
