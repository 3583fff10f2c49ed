from django.conf import settings

from propdesk.core.worker import periodic

from .services import sweep


@periodic(settings.PROPDESK_SLA_SWEEP_SECONDS, name="sla.sweep")
def sweep_deadlines():
    return sweep(batch=settings.PROPDESK_SLA_BATCH)


@periodic(300, name="sla.reminders")
def reminders():
    from .reminders import remind_before_holiday, remind_due_within_24h

    return remind_due_within_24h() + remind_before_holiday()
