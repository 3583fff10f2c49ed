"""Internal-communication checks run by the worker."""

from propdesk.core.worker import periodic


@periodic(60, name="internal.outing_overdue")
def outing_overdue():
    """Someone still out past their expected return: tell them and their superior (once per outing)."""
    from .services import flag_overdue_outings

    return flag_overdue_outings()


@periodic(900, name="internal.leave_not_returned")
def leave_not_returned():
    """Approved leave ended but not cancelled (销假): tell the person, their superior and HR (once)."""
    from .services import flag_unreturned_leave

    return flag_unreturned_leave()


@periodic(600, name="internal.circular_chasers")
def circular_chasers():
    """Chase recipients who have not read a circular after a day, or not carried it out by its due date."""
    from .services import chase_circulars

    return chase_circulars()


@periodic(3600, name="internal.duty_calendar")
def duty_calendar():
    """Plan this month's and week's manager duties (002 §五) and flag the overdue ones (once each)."""
    from .services import flag_overdue_duties, plan_duties

    return plan_duties() + flag_overdue_duties()


@periodic(3600, name="internal.action_items_overdue")
def action_items_overdue():
    """Meeting action items past their due date: tell the owner and the chair (once each)."""
    from .services import flag_overdue_actions

    return flag_overdue_actions()


@periodic(900, name="internal.email_task_reminders")
def email_task_reminders():
    """Forwarded important emails: the 24-hour and the pre-holiday reminders to their owners."""
    from .services import remind_email_tasks

    return remind_email_tasks()
