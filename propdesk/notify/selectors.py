"""Reads of notifications: each user reads their own (the rule in permissions.py)."""

from propdesk.core.permissions import restrict

from .models import Channel, Notification


def inbox(*, user, unread: bool | None = None):
    """The user's in-app messages, newest first; ``unread`` keeps only the unread (True) or the read (False)."""
    qs = restrict(Notification.objects.filter(channel=Channel.INAPP), user, "notification.read")
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user=user, unread=True).order_by().count()
