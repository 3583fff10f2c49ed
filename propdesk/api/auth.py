"""Who is calling: a bearer token (integrations) or the browser session (pages, with CSRF).

An ``Authorization`` header decides on its own: a request that carries one is never
authenticated by a session cookie as well, so a bad or revoked token is always a 401.

Bad tokens are throttled like failed logins (django-axes, counted per client address): after
``AXES_FAILURE_LIMIT`` bad tokens within ``AXES_COOLOFF_TIME`` the address gets 429 for every bad token
until the cool-off has passed. A valid token is never refused by the throttle, so an integration behind
the same address as a misconfigured one keeps working, and the happy path costs no extra query.
"""

import datetime as dt
import hashlib

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from propdesk.core.auth import API_TOKEN_USERNAME, lockout_minutes

from .models import ApiToken

# Writing last_used_at on every request would turn every read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_SECRET_LENGTH = 200


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Throttled(HttpError):
    """Too many bad tokens from this address: 429 with ``Retry-After`` (seconds)."""

    def __init__(self, retry_after: int):
        minutes = max(1, retry_after // 60)
        super().__init__(429, _("接口令牌错误次数过多，该地址已被暂时锁定，请 %(n)s 分钟后再试") % {"n": minutes})
        self.retry_after = retry_after


# What a bad token is recorded as in the login throttle: no login name, only the address counts.
TOKEN_CREDENTIALS = {"username": API_TOKEN_USERNAME}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <secret>`` → the token's owner, unless the token is revoked, the owner's
    password changed since it was made, or the login is disabled."""

    def authenticate(self, request: HttpRequest, token: str):
        token = (token or "").strip()
        row = None
        if token and len(token) <= MAX_SECRET_LENGTH:
            row = (
                # The owner's staff profile comes along: a create's response names the first responder.
                ApiToken.objects.select_related("user__staff_profile")
                .filter(key_hash=hash_secret(token), revoked_at__isnull=True)
                .first()
            )
        # A token dies with its owner's password or login: changed password, deactivated account.
        if row is None or not row.user.is_active or not row.made_with_current_password():
            self._failed(request)
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user

    @staticmethod
    def _failed(request: HttpRequest) -> None:
        """Count a bad token against the address; refuse with 429 once the address is locked."""
        if not settings.AXES_ENABLED:
            return
        retry_after = lockout_minutes(request) * 60
        if AxesProxyHandler.is_locked(request, TOKEN_CREDENTIALS):
            raise Throttled(retry_after)
        user_login_failed.send(sender=__name__, credentials=TOKEN_CREDENTIALS, request=request)
        if getattr(request, "axes_locked_out", False):
            # The API answers the lockout itself, in its own error body (not axes' middleware page).
            request.axes_locked_out = False
            raise Throttled(retry_after)


class SessionAuth(APIKeyCookie):
    """The logged-in browser session. Unsafe methods must carry the CSRF token (``X-CSRFToken``)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if request.headers.get("Authorization"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if (
            self.csrf
            and request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试"))
        return user

    def authenticate(self, request: HttpRequest, key: str | None):  # pragma: no cover - __call__ decides
        return None
