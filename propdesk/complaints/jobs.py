"""Complaint housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(900, name="complaints.overdue_actions")
def overdue_actions():
    """Tell the center manager once about each corrective/preventive action past its due date and not done."""
    from .services.monthly import remind_overdue_actions

    return remind_overdue_actions()
