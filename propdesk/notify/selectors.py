from .models import Channel, Notification


def inbox(*, user):
    """The user's in-app messages, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.INAPP).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).count()
