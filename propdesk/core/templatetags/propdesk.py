"""Template helpers: masking filters and role checks."""

from django import template
from django.core.exceptions import ObjectDoesNotExist

from propdesk.core import masking

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def masked_id(value: str | None) -> str:
    return masking.mask_id_number(value)


@register.filter
def percent(value) -> str:
    """0.935 → '93.5%'; None → '—'."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def person(user, empty: str = "—") -> str:
    """A user's name as staff know it (profile name, else login name); ``empty`` for nobody."""
    if user is None or user == "":
        return empty
    try:
        name = user.staff_profile.name
    except ObjectDoesNotExist:  # a login without a staff profile (a resident, the administrator)
        name = ""
    return name or user.get_username()
