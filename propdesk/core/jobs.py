"""Housekeeping jobs of the core app."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from .worker import periodic


@periodic(3600, name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired login sessions so the session table does not grow without bound."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
