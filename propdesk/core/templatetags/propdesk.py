"""Template helpers: masking filters and role checks."""

from django import template

from propdesk.core import masking
from propdesk.core.people import person_name
from propdesk.core.texts import render as render_text

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
    """A user's name as people know it (never the login name); ``empty`` for nobody."""
    return person_name(user, empty)


@register.filter
def text(stored) -> str:
    """A text the system wrote (``core.texts``) in the reader's language; plain text as it is."""
    return render_text(stored)
