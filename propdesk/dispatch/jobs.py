"""Dispatch housekeeping run by the worker."""

from propdesk.core.worker import periodic


@periodic(300, name="dispatch.chase_vendors")
def chase_vendors():
    from .services import chase_overdue_vendors

    return chase_overdue_vendors()


@periodic(600, name="dispatch.overdue_engineering")
def overdue_engineering():
    from .services import mark_overdue_engineering

    return mark_overdue_engineering()


@periodic(3600, name="dispatch.housekeeping_arrangements")
def housekeeping_arrangements():
    from .services import generate_arrangement_orders

    return generate_arrangement_orders()
