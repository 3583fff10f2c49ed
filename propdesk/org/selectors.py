"""Reads of organisation data for a user."""

from .models import RoleMembership


def memberships_of(*, user):
    """The user's active role memberships with their scope objects."""
    return RoleMembership.objects.filter(user=user, is_active=True).select_related(
        "company", "branch", "service_center", "community"
    )
