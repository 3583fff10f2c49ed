"""Creating notifications (inside the caller's transaction) and delivering them (the outbox loop)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.events import record_event
from propdesk.core.permissions import require
from propdesk.core.texts import Text

from .delivery import backoff, deliver_pending, recipient_language, webhook_signature
from .models import SUBJECT_MAX, Channel, DeliveryState, Notification
from .phones import normalize_mobile

__all__ = [
    "Message",
    "backoff",
    "channels_for",
    "deliver_pending",
    "inbox_mark_read",
    "notification_retry",
    "notify",
    "notify_phone",
    "recipient_language",
    "webhook_signature",
]

log = logging.getLogger("propdesk.notify")


@dataclass(frozen=True)
class Message:
    """What to tell. ``subject`` and ``body`` are texts the system writes (``core.texts.t(...)``), stored as
    msgid + parameters and read in each reader's language; plain strings are stored as they are."""

    kind: str
    subject: Text | str
    body: Text | str = ""
    url: str = ""
    urgent: bool = False


def channels_for(user, message: Message) -> list[str]:
    """In-app always; email when the user has an address; the SMS/IM gateway for urgent messages."""
    channels = [Channel.INAPP]
    if user.email and settings.PROPDESK_NOTIFY_EMAIL:
        channels.append(Channel.EMAIL)
    profile = getattr(user, "staff_profile", None)
    if message.urgent and settings.PROPDESK_WEBHOOK_URL and profile is not None and profile.phone:
        channels.append(Channel.WEBHOOK)
    return channels


def notify(*, recipients, message: Message, dedupe: str) -> list[Notification]:
    """Queue ``message`` for each recipient on each of their channels. Call it inside the transaction of
    the change that causes it. Idempotent: a key already queued is skipped, so a retried change never
    notifies twice."""
    created = []
    now = timezone.now()
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        for channel in channels_for(user, message):
            key = f"{dedupe}:{channel}:{user.pk}"[:200]
            inapp = channel == Channel.INAPP
            notification = Notification(
                recipient=user,
                channel=channel,
                dedupe_key=key,
                kind=message.kind,
                subject=_stored(message.subject, SUBJECT_MAX),
                body=_stored(message.body, None),
                url=message.url[:300],
                # In-app messages are delivered by being written.
                state=DeliveryState.SENT if inapp else DeliveryState.PENDING,
                sent_at=now if inapp else None,
                next_attempt_at=None if inapp else now,
            )
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # already queued by an earlier attempt of the same change
            created.append(notification)
    return created


def notify_phone(*, phone: str, message: Message, dedupe: str, language: str | None = None) -> Notification:
    """Queue an SMS to a bare phone number (a one-time code, a visitor's pass): no login is needed. Call it
    inside the caller's transaction; ``deliver_pending()`` sends it through the configured SMS backend.
    Idempotent: the same ``dedupe`` for the same number returns the row already queued."""
    number = normalize_mobile(phone)
    if number is None:
        raise ValidationError(_("手机号码格式不正确：%(value)s（应为 11 位手机号）") % {"value": phone})
    key = f"{dedupe}:sms:{number}"[:200]
    now = timezone.now()
    notification = Notification(
        recipient=None,
        phone=number,
        language=language or settings.LANGUAGE_CODE,
        channel=Channel.SMS,
        dedupe_key=key,
        kind=message.kind,
        subject=_stored(message.subject, SUBJECT_MAX),
        body=_stored(message.body, None),
        url=message.url[:300],
        state=DeliveryState.PENDING,
        next_attempt_at=now,
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return Notification.objects.get(dedupe_key=key)
    return notification


def _stored(value: Text | str, limit: int | None) -> str:
    if isinstance(value, Text):
        return value.dumps()
    value = str(value or "")
    return value[:limit] if limit else value


# ----------------------------------------------------------------------------- the inbox


def inbox_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's in-app messages read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


# ----------------------------------------------------------------------------- retry


@transaction.atomic
def notification_retry(*, actor, notification: Notification) -> Notification:
    """Put a dead notification back in the queue (administrators, from the dead-letter list)."""
    require(actor, "notification.retry", notification, _("只有管理员可以重新发送通知"))
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.state != DeliveryState.DEAD:
        return notification
    notification.state = DeliveryState.PENDING
    notification.attempts = 0
    notification.next_attempt_at = timezone.now()
    notification.save(update_fields=["state", "attempts", "next_attempt_at"])
    record_event(actor=actor, verb="notification.retried", target=notification)
    return notification
