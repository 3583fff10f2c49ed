"""Login throttling with django-axes: who is locked out, and what they see.

Failed logins are counted per login name and per client address (``REMOTE_ADDR`` as resolved by
``ClientAddressMiddleware``); after ``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME`` that
login, and that address, are refused until the cool-off has passed or an administrator resets them
(admin → Axes → access attempts, or ``manage.py axes_reset_username`` / ``axes_reset_ip``). Every
failure is kept in axes' access failure log; a lockout of an existing login is also an event on that
login's history. Bad API tokens are counted per address by the API's own authentication.
"""

import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from .events import record_event
from .http import safe_next

log = logging.getLogger("propdesk.auth")

# The login name recorded for failed API token attempts: parentheses cannot occur in a Django username.
API_TOKEN_USERNAME = "(api-token)"  # noqa: S105 - a marker, not a password


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its name or address is locked out (first in ``AUTHENTICATION_BACKENDS``).

    Only logins that come with a request are throttled: a login without one (the test client's
    ``login()``, a shell) has no address to count by and no form to answer.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """Lock by login name and, separately, by address; bad API tokens only by address (they name no login)."""
    username = (credentials or {}).get("username") if credentials else getattr(request_or_attempt, "username", None)
    if username == API_TOKEN_USERNAME:
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout explained, answered with 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_minutes": lockout_minutes(request),
        "next": safe_next(request, ""),
    }
    response = render(request, "core/login.html", context, status=429)
    if context["lockout_minutes"]:
        response["Retry-After"] = str(context["lockout_minutes"] * 60)
    return response


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """axes' ``user_locked_out``: log it, and put the lockout on the login's history when the login exists.

    axes sends the signal for every refused attempt; the event is written once, when the limit is reached.
    """
    log.warning("login locked out: username=%r address=%s", username, ip_address)
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != settings.AXES_FAILURE_LIMIT or not username or username == API_TOKEN_USERNAME:
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        record_event(
            actor=None,
            verb="auth.locked_out",
            target=user,
            data={"ip_address": ip_address, "failures": failures, "minutes": lockout_minutes(request)},
        )
