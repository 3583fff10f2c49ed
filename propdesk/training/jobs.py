"""Procedure-training checks run by the worker."""

from propdesk.core.worker import periodic


@periodic(900, name="training.sync_trainees")
def sync_trainees():
    """People who joined a targeted role or department of an approved procedure are added to its list."""
    from .services import sync_trainees as run

    return run()


@periodic(3600, name="training.overdue")
def overdue():
    """Someone still untrained past their due date: tell their department manager (once per person per procedure)."""
    from .services import flag_overdue_trainees

    return flag_overdue_trainees()
