"""Template helpers: masking filters and role checks."""

from django import template

from propdesk.core import masking

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    return masking.mask_phone(value)


@register.filter
def masked_id(value: str | None) -> str:
    return masking.mask_id_number(value)
