"""SMS backends: the interface every SMS provider adapter implements, and the two local ones.

``PROPDESK_SMS_BACKEND`` chooses the backend: a short name (``locmem``, ``console``, ``aliyun``,
``tencent``, ``webhook``) or a dotted path to a class. In tests the local-memory backend keeps what it sent
in ``outbox`` (like Django's ``mail.outbox``); a test that reads it clears it first.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("propdesk.notify")

BACKENDS = {
    "locmem": "propdesk.notify.sms.LocmemBackend",
    "console": "propdesk.notify.sms.ConsoleBackend",
    "aliyun": "propdesk.notify.adapters.aliyun.AliyunSms",
    "tencent": "propdesk.notify.adapters.tencent.TencentSms",
    "webhook": "propdesk.notify.adapters.webhook.WebhookSms",
}


class DeliveryError(Exception):
    """The provider refused or failed. ``permanent`` errors (a wrong number, a rejected template, bad
    credentials) are not retried: the row is given up at once with the provider's own words."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One message leaving the system, already rendered in the recipient's language."""

    to: str  # a phone number, or a WeCom user id for application messages
    text: str  # the whole message as one line of text (subject, body, link)
    subject: str = ""
    body: str = ""
    url: str = ""
    kind: str = ""
    language: str = "zh-hans"
    key: str = ""  # the outbox row's dedupe key: providers that accept one drop repeats
    name: str = ""
    phone: str = ""  # the person's mobile, for channels that mention by number (a WeCom group robot)


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    key: str = ""


outbox: list[SentSms] = []


class LocmemBackend:
    """Keeps every message in ``propdesk.notify.sms.outbox``; the provider reference is its position."""

    def send(self, message: Outgoing) -> str:
        outbox.append(SentSms(phone=message.to, text=message.text, key=message.key))
        return f"locmem-{len(outbox)}"


class ConsoleBackend:
    """Writes each message to the log (development): nothing leaves the machine."""

    def send(self, message: Outgoing) -> str:
        log.info("SMS to %s: %s", message.to, message.text)
        return ""


def get_backend(name: str | None = None):
    """The configured SMS backend (a new instance: backends keep no state between messages)."""
    name = name or settings.PROPDESK_SMS_BACKEND
    return import_string(BACKENDS.get(name, name))()
