"""Delivering the outbox: claim due rows, send each through its channel's backend, record the outcomes.

A batch of due rows is claimed with one statement (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), each
row is sent (over the adapter's kept-alive connection), and the outcomes of the whole batch are written with
one UPDATE, all in one transaction: several workers never send the same row, and a worker that dies before
committing leaves its batch pending for the next one. A crash after sending and before committing sends
those rows again: delivery is at least once; the dedupe key goes along so a provider that accepts one drops
the repeat. A row committed as sent is never sent again.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from . import sms
from .models import Channel, DeliveryState, Notification

log = logging.getLogger("propdesk.notify")


def recipient_language(user) -> str:
    """The language a message is delivered in outside the system (SMS, email, WeCom): the person's chosen
    language when they keep one in their notification preferences, else the site's default (Chinese).
    An in-app message is read in the reader's own language."""
    if user is None:
        return settings.LANGUAGE_CODE
    prefs = getattr(user, "notify_preference", None) if _has_preference(user) else None
    return (prefs and prefs.language) or getattr(user, "language", None) or settings.LANGUAGE_CODE


def _has_preference(user) -> bool:
    try:
        user.notify_preference  # noqa: B018 (a reverse one-to-one raises when the row is missing)
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at 1 h."""
    return dt.timedelta(seconds=min(3600, settings.PROPDESK_NOTIFY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)))


# What delivering a row changes (written for the whole batch: see ``_record``).
OUTCOME_FIELDS = ("attempts", "state", "sent_at", "next_attempt_at", "last_error", "provider_ref")


def _claim(limit: int) -> list[Notification]:
    """Up to ``limit`` due rows, locked for this transaction (rows another worker holds are skipped), with
    the recipient's staff profile and preferences fetched in the same statement."""
    qs = Notification.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now()).order_by(
        "next_attempt_at"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("recipient__staff_profile", "recipient__notify_preference")[:limit])


def deliver_pending(*, limit: int = 100, batch: int = 20) -> int:
    """Send due email/SMS/WeCom/webhook notifications, ``batch`` rows per transaction; returns how many rows
    were tried."""
    done = 0
    while done < limit:
        with transaction.atomic():
            rows = _claim(min(batch, limit - done))
            if not rows:
                break
            for notification in rows:
                _attempt(notification)
            _record(rows)
            done += len(rows)
    return done


def _record(rows: list[Notification]) -> None:
    """Write the batch's outcomes: the sent rows with one UPDATE (their provider references in one CASE),
    the others (failed, held by a rate limit: few) with one ``bulk_update``."""
    sent = [row for row in rows if row.state == DeliveryState.SENT]
    if sent:
        refs = [When(pk=row.pk, then=Value(row.provider_ref)) for row in sent if row.provider_ref]
        Notification.objects.filter(pk__in=[row.pk for row in sent]).update(
            state=DeliveryState.SENT,
            attempts=F("attempts") + 1,
            sent_at=max(row.sent_at for row in sent),
            next_attempt_at=None,
            last_error="",
            provider_ref=Case(*refs, default=Value("")) if refs else Value(""),
        )
    others = [row for row in rows if row.state != DeliveryState.SENT]
    if others:
        Notification.objects.bulk_update(others, OUTCOME_FIELDS)


def _attempt(notification: Notification) -> None:
    """Send one row and set its outcome on the instance (the caller writes the batch)."""
    from .limits import RateLimited, take  # late: limits reads the outbox model too

    notification.attempts += 1
    try:
        take(notification.channel)
        reference = SENDERS[notification.channel](notification)
        notification.state = DeliveryState.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.last_error = ""
        notification.provider_ref = (reference or "")[:100]
    except RateLimited as exc:  # not an attempt: the channel's budget is spent, try when it refills
        notification.attempts -= 1
        notification.next_attempt_at = timezone.now() + exc.wait
    except Exception as exc:  # any failure of the remote side is retried, unless the provider says never
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        permanent = isinstance(exc, sms.DeliveryError) and exc.permanent
        if permanent or notification.attempts >= settings.PROPDESK_NOTIFY_MAX_ATTEMPTS:
            notification.state = DeliveryState.DEAD
            notification.next_attempt_at = None
            log.warning("notification %s is dead after %s attempts: %s", notification.pk, notification.attempts, exc)
        else:
            notification.next_attempt_at = timezone.now() + backoff(notification.attempts)


def outgoing(notification: Notification, to: str) -> sms.Outgoing:
    """The row rendered in its language for a channel that sends plain text."""
    language = notification.language or recipient_language(notification.recipient)
    subject = notification.subject_text(language)
    body = notification.body_text(language)
    link = f"{settings.PROPDESK_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    text = " ".join(part for part in (subject, body, link) if part)
    user = notification.recipient
    profile = getattr(user, "staff_profile", None) if user is not None else None
    return sms.Outgoing(
        to=to,
        text=text[:500],
        subject=subject,
        body=body,
        url=link,
        kind=notification.kind,
        language=language,
        key=notification.dedupe_key,
        name=profile.name if profile else (user.get_username() if user else ""),
        phone=notification.phone or (profile.phone if profile else ""),
    )


def send_email(notification: Notification) -> str:
    language = notification.language or recipient_language(notification.recipient)
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
    return ""


def send_sms(notification: Notification) -> str:
    if not notification.phone:
        raise sms.DeliveryError("no phone number", permanent=True)
    return sms.get_backend().send(outgoing(notification, notification.phone))


def send_wecom(notification: Notification) -> str:
    from .adapters.wecom import get_wecom_backend

    user = notification.recipient
    profile = getattr(user, "staff_profile", None) if user is not None else None
    to = getattr(profile, "wecom_userid", "") or (user.get_username() if user else "")
    return get_wecom_backend().send(outgoing(notification, to))


def webhook_signature(secret: str, body: bytes, timestamp: str) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the receiver recomputes it to trust the request."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send_webhook(notification: Notification) -> str:
    profile = getattr(notification.recipient, "staff_profile", None) if notification.recipient else None
    message = outgoing(notification, notification.phone or (profile.phone if profile else ""))
    payload = {
        "id": notification.dedupe_key,
        "kind": notification.kind,
        "to": message.to,
        "name": message.name,
        "text": f"{message.subject} {message.body}".strip()[:500],
        "url": message.url,
    }
    post_signed_json(settings.PROPDESK_WEBHOOK_URL, payload, key=notification.dedupe_key)
    return ""


def post_signed_json(url: str, payload: dict, *, key: str) -> bytes:
    """POST ``payload`` to the generic gateway with the shared-secret signature and an idempotency key."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's configured gateway)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-PropDesk-Timestamp": timestamp,
            "X-PropDesk-Signature": webhook_signature(settings.PROPDESK_WEBHOOK_SECRET, body, timestamp),
            "Idempotency-Key": key,
        },
    )
    with urllib.request.urlopen(request, timeout=settings.PROPDESK_WEBHOOK_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"gateway answered HTTP {response.status}")
        return response.read()


SENDERS = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
    Channel.WECOM: send_wecom,
    Channel.WEBHOOK: send_webhook,
}
