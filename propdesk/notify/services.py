"""Creating notifications (inside the caller's transaction) and delivering them (the outbox loop)."""

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.events import record_event
from propdesk.core.permissions import require
from propdesk.core.texts import Text

from .models import SUBJECT_MAX, Channel, DeliveryState, Notification

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


def recipient_language(user) -> str:
    """The language a message is delivered in by email or gateway. Users keep no language preference yet,
    so it is the site's default (Chinese); an in-app message is read in the reader's own language."""
    return getattr(user, "language", None) or settings.LANGUAGE_CODE


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


# ----------------------------------------------------------------------------- delivery


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at 1 h."""
    return dt.timedelta(seconds=min(3600, settings.PROPDESK_NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)))


def _claim(limit: int) -> list[Notification]:
    qs = Notification.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now()).order_by(
        "next_attempt_at"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("recipient__staff_profile")[:limit])


def deliver_pending(*, limit: int = 100) -> int:
    """Send due email/webhook notifications. Each row is claimed (SKIP LOCKED on PostgreSQL), sent and
    marked in one transaction, so several workers never send the same row at the same time. A crash after
    sending and before committing sends it again: delivery is at least once; the dedupe key goes along
    so the gateway can drop the repeat."""
    done = 0
    while done < limit:
        with transaction.atomic():
            batch = _claim(min(20, limit - done))
            if not batch:
                break
            for notification in batch:
                _deliver_one(notification)
                done += 1
    return done


def _deliver_one(notification: Notification) -> None:
    notification.attempts += 1
    try:
        if notification.channel == Channel.EMAIL:
            send_email(notification)
        elif notification.channel == Channel.WEBHOOK:
            send_webhook(notification)
        notification.state = DeliveryState.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.last_error = ""
    except Exception as exc:  # any failure of the remote side is retried
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= settings.PROPDESK_NOTIFY_MAX_ATTEMPTS:
            notification.state = DeliveryState.DEAD
            notification.next_attempt_at = None
            log.warning("notification %s is dead after %s attempts: %s", notification.pk, notification.attempts, exc)
        else:
            notification.next_attempt_at = timezone.now() + backoff(notification.attempts)
    notification.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])


def send_email(notification: Notification) -> None:
    language = recipient_language(notification.recipient)
    body = notification.body_text(language)
    if notification.url:
        body = f"{body}\n\n{settings.PROPDESK_BASE_URL.rstrip('/')}{notification.url}"
    send_mail(
        subject=f"[PropDesk] {notification.subject_text(language)}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
        fail_silently=False,
    )


def webhook_signature(secret: str, body: bytes, timestamp: str) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the receiver recomputes it to trust the request."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send_webhook(notification: Notification) -> None:
    profile = getattr(notification.recipient, "staff_profile", None)
    language = recipient_language(notification.recipient)
    text = f"{notification.subject_text(language)} {notification.body_text(language)}"
    payload = {
        "id": notification.dedupe_key,
        "kind": notification.kind,
        "to": profile.phone if profile else "",
        "name": profile.name if profile else notification.recipient.get_username(),
        "text": text.strip()[:500],
        "url": f"{settings.PROPDESK_BASE_URL.rstrip('/')}{notification.url}" if notification.url else "",
    }
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's configured gateway)
        settings.PROPDESK_WEBHOOK_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-PropDesk-Timestamp": timestamp,
            "X-PropDesk-Signature": webhook_signature(settings.PROPDESK_WEBHOOK_SECRET, body, timestamp),
            "Idempotency-Key": notification.dedupe_key,
        },
    )
    with urllib.request.urlopen(request, timeout=settings.PROPDESK_WEBHOOK_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"gateway answered HTTP {response.status}")


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
