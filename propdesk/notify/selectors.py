"""Reads of notifications: each user reads their own (the rule in permissions.py)."""

from propdesk.core.permissions import restrict

from .models import CHOOSABLE_CHANNELS, Category, Channel, Notification, Preference
from .preferences import default_channels, is_staff_member, reachable


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


def my_preference(*, user) -> Preference:
    """The user's own notification preferences (an unsaved row with the defaults when none is kept)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


# Categories that never concern a resident, and the one that concerns only residents.
STAFF_ONLY = {Category.SLA, Category.DISPATCH, Category.INTERNAL, Category.TICKET}


def preference_table(*, user) -> list[dict]:
    """Per category that concerns the user: its label and the channels on (chosen, or the defaults)."""
    prefs = my_preference(user=user)
    staff = is_staff_member(user)
    can = reachable(user)
    rows = []
    for category in Category:
        if (category == Category.REQUEST and staff) or (not staff and category in STAFF_ONLY):
            continue
        choice = prefs.channels.get(category.value)
        # The choice as made, or the defaults where the person can be reached.
        defaults = default_channels(user, f"{category.value}.any", False) & can
        wanted = set(choice) if choice is not None else defaults
        rows.append(
            {
                "category": category.value,
                "label": str(category.label),
                "channels": [c.value for c in CHOOSABLE_CHANNELS if c in wanted],
            }
        )
    return rows


def offered_channels(*, user) -> list[dict]:
    """The channels the preferences page offers this person, and whether they can be reached on each."""
    can = reachable(user)
    offered = [c for c in CHOOSABLE_CHANNELS if c != Channel.WECOM or is_staff_member(user)]
    return [{"channel": c.value, "label": str(c.label), "reachable": c in can} for c in offered]
