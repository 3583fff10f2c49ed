import time

from django.conf import settings

from propdesk.core.worker import periodic

from .services import deliver_pending

BATCH = 500


@periodic(settings.PROPDESK_NOTIFY_TICK_SECONDS, name="notify.deliver")
def deliver() -> int:
    """Send what is due; with a backlog keep going for up to PROPDESK_NOTIFY_DRAIN_SECONDS, then let the
    worker's other jobs run (a burst of thousands of messages drains in a few ticks)."""
    started = time.monotonic()
    total = 0
    while True:
        done = deliver_pending(limit=BATCH, batch=100)
        total += done
        if done < BATCH or time.monotonic() - started >= settings.PROPDESK_NOTIFY_DRAIN_SECONDS:
            return total
