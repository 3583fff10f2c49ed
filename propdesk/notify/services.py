"""Creating notifications (inside the caller's transaction) and delivering them (the outbox loop)."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion
from propdesk.core.events import record_event
from propdesk.core.permissions import require
from propdesk.core.texts import Text

from . import preferences
from .delivery import backoff, deliver_pending, recipient_language, webhook_signature
from .models import CHOOSABLE_CHANNELS, SUBJECT_MAX, Category, Channel, DeliveryState, Notification, Preference
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
    "preference_update",
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
    """In-app always; then email, SMS and WeCom as the person chose for the message's category (or the
    defaults, preferences.py); the generic SMS/IM gateway for urgent messages to staff with a phone."""
    channels = [Channel.INAPP]
    chosen = preferences.chosen_channels(user, message.kind, message.urgent)
    if Channel.EMAIL in chosen:
        channels.append(Channel.EMAIL)
    profile = getattr(user, "staff_profile", None)
    if message.urgent and settings.PROPDESK_WEBHOOK_URL and profile is not None and profile.phone:
        channels.append(Channel.WEBHOOK)
    channels.extend(c for c in chosen if c != Channel.EMAIL)
    return channels


def notify(*, recipients, message: Message, dedupe: str) -> list[Notification]:
    """Queue ``message`` for each recipient on each of their channels. Call it inside the transaction of
    the change that causes it. Idempotent: a key already queued is skipped, so a retried change never
    notifies twice. Outside channels wait for the end of the person's quiet hours unless it is urgent."""
    created = []
    now = timezone.now()
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        release = None
        for channel in channels_for(user, message):
            key = f"{dedupe}:{channel}:{user.pk}"[:200]
            inapp = channel == Channel.INAPP
            if not inapp and release is None:
                release = preferences.release_at(user, message.urgent, now)
            notification = Notification(
                recipient=user,
                phone=preferences.phone_of(user) if channel == Channel.SMS else "",
                language=recipient_language(user),
                channel=channel,
                dedupe_key=key,
                kind=message.kind,
                subject=_stored(message.subject, SUBJECT_MAX),
                body=_stored(message.body, None),
                url=message.url[:300],
                # In-app messages are delivered by being written.
                state=DeliveryState.SENT if inapp else DeliveryState.PENDING,
                sent_at=now if inapp else None,
                next_attempt_at=None if inapp else release,
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


# ----------------------------------------------------------------------------- preferences


@transaction.atomic
def preference_update(
    *,
    actor,
    channels: dict[str, list[str]],
    quiet_start: dt.time | None = None,
    quiet_end: dt.time | None = None,
    language: str = "",
    expected_version: int | None = None,
) -> Preference:
    """Save the actor's own preferences: channels per category (in-app is always on), quiet hours (both
    ends or neither) and the language of messages that leave the system."""
    prefs, created = Preference.objects.select_for_update().get_or_create(user=actor)
    require(actor, "notify_preference.change", prefs, _("只能修改自己的通知设置"))
    if expected_version is not None and expected_version != prefs.version:
        raise StaleVersion(_("通知设置已被修改，请刷新后再试"))
    cleaned = _clean_channels(actor, channels)
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError({"quiet_end": _("免打扰时段需要同时填写开始和结束时间")})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError({"quiet_end": _("免打扰的开始和结束时间不能相同")})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("不支持的语言：%(value)s") % {"value": language}})
    prefs.channels, prefs.quiet_start, prefs.quiet_end, prefs.language = cleaned, quiet_start, quiet_end, language
    prefs.version += 0 if created else 1
    prefs.updated_at = timezone.now()
    prefs.save()
    record_event(
        actor=actor,
        verb="notify.preferences_changed",
        target=prefs,
        data={"channels": cleaned, "quiet": [str(quiet_start or ""), str(quiet_end or "")], "language": language},
    )
    return prefs


def _clean_channels(actor, channels: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned = {}
    for category, chosen in (channels or {}).items():
        if category not in Category.values:
            raise ValidationError({"channels": _("未知的消息类别：%(value)s") % {"value": category}})
        picked = set()
        for channel in chosen or []:
            if channel == Channel.INAPP:
                continue  # always on
            if channel not in CHOOSABLE_CHANNELS:
                raise ValidationError({"channels": _("未知的通知渠道：%(value)s") % {"value": channel}})
            if channel == Channel.WECOM and not preferences.is_staff_member(actor):
                raise ValidationError({"channels": _("企业微信通知只用于员工")})
            picked.add(channel)
        cleaned[category] = [c for c in CHOOSABLE_CHANNELS if c in picked]
    return cleaned


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
