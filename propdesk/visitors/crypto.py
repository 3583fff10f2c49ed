"""Identity numbers at rest (R-CV-4, PIPL): encrypted with Fernet (AES-128-CBC + HMAC-SHA256, ``cryptography``),
with a keyed digest beside them for exact look-ups.

Keys: ``PROPDESK_ID_KEYS`` (settings, from the environment variable of that name) is a comma-separated list of
Fernet keys (``Fernet.generate_key()``); the first encrypts, all of them decrypt, so a key is rotated by
putting the new one first. Unset (development, tests, ``make run``), one key is derived from ``SECRET_KEY`` —
``config/settings/local.py`` keeps a generated secret key in ``var/secret_key``, so the derived key survives
restarts there; changing the secret key then makes the stored numbers unreadable. Production sets its own.

The digest (HMAC-SHA256 of the normalized number) is keyed with a key derived from the first encryption key,
so it finds the same number again without the number being readable from the column.
"""

import hashlib
import hmac
from base64 import urlsafe_b64encode
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "digest", "encrypt"]


def _derived(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"propdesk.visitors.{purpose}:{secret}".encode()).digest()


@cache
def _keys(configured: tuple[str, ...], secret_key: str) -> tuple[MultiFernet, bytes]:
    keys = [key.encode() for key in configured] or [urlsafe_b64encode(_derived(secret_key, "id-key"))]
    return MultiFernet([Fernet(key) for key in keys]), _derived(keys[0].decode(), "id-digest")


def _current() -> tuple[MultiFernet, bytes]:
    configured = getattr(settings, "PROPDESK_ID_KEYS", None) or ()
    return _keys(tuple(configured), settings.SECRET_KEY)


def encrypt(number: str) -> str:
    """The number as a Fernet token (text); "" stays ""."""
    if not number:
        return ""
    return _current()[0].encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    """The number back; raises ``InvalidToken`` when no configured key opens it."""
    if not token:
        return ""
    return _current()[0].decrypt(token.encode()).decode()


def digest(number: str) -> str:
    """A keyed digest of the normalized number (64 hex characters); "" stays ""."""
    if not number:
        return ""
    return hmac.new(_current()[1], number.encode(), hashlib.sha256).hexdigest()
