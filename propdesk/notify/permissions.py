"""Who may do what with notifications (see core/permissions.py): each person reads and marks their own;
administrators re-send a dead letter."""

from django.db.models import Q

from propdesk.core.permissions import RuleSet


def _own(user, notification) -> bool:
    return notification.recipient_id == user.pk


notification = RuleSet("notification")
notification.allow("read", anyone=True, when=_own, q=lambda user: Q(recipient=user))
# Re-sending a dead letter: administrators given the "change notification" permission in the admin.
notification.allow("retry", anyone=True, when=lambda user, _n: user.has_perm("notify.change_notification"))


# Notification preferences: each person reads and changes only their own.
preference = RuleSet("notify_preference")
preference.allow("change", anyone=True, when=lambda user, prefs: prefs.user_id == user.pk)
