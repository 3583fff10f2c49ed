from .models import Channel, Notification


def inbox(*, user, unread: bool | None = None):
    """The user's in-app messages, newest first; ``unread`` keeps only the unread (True) or the read (False)."""
    qs = Notification.objects.filter(recipient=user, channel=Channel.INAPP)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).count()
