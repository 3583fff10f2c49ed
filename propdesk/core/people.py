"""How people are named to other people: by their name, never by their login."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def person_name(user, empty: str = "") -> str:
    """The name staff and residents know a user by: the staff profile's name, else the name on their
    resident record, else the account's full name, else "用户 #id" — never the login name."""
    if user is None or user == "":
        return empty
    try:
        name = user.staff_profile.name
    except (ObjectDoesNotExist, AttributeError):
        name = ""
    if not name:
        records = getattr(user, "resident_records", None)
        if records is not None:
            resident = records.only("name").order_by("pk").first()
            name = resident.name if resident is not None else ""
    if not name and hasattr(user, "get_full_name"):
        name = user.get_full_name().strip()
    return name or _("用户 #%(id)s") % {"id": user.pk}
