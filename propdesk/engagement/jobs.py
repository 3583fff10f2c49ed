"""The engagement reminders run by the worker: interview plans behind by the 25th, a suggestion box not opened
on time, and the quarterly / yearly coverage of special customers, owner forums and committee meetings."""

from propdesk.core.worker import periodic


@periodic(3600, name="engagement.behind_plan")
def behind_plan():
    """From the 25th: plans behind and center managers short of two in-depth interviews (once a month each)."""
    from .services import flag_behind

    return flag_behind()


@periodic(3600, name="engagement.coverage")
def coverage():
    """Suggestion boxes not opened on time, special customers, owners' committee and owner forum not covered."""
    from .coverage import flag_missed

    return flag_missed()
