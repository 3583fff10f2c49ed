"""Housekeeping jobs of the core app."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from .worker import periodic


@periodic(3600, name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired login sessions so the session table does not grow without bound."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@periodic(24 * 3600, name="core.prune_login_logs")
def prune_login_logs() -> int:
    """Delete axes' login and failed-login records older than ``PROPDESK_LOGIN_LOG_DAYS`` (docs/security.md)."""
    from axes.handlers.proxy import AxesProxyHandler

    days = settings.PROPDESK_LOGIN_LOG_DAYS
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(age_days=days)
