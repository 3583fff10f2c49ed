from django.conf import settings

from propdesk.core.worker import periodic

from .services import deliver_pending


@periodic(settings.PROPDESK_NOTIFY_TICK_SECONDS, name="notify.deliver")
def deliver() -> int:
    return deliver_pending(limit=500)
