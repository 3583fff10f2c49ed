"""The input layer: text from forms, the API and imports is cleaned here, in one place."""

from django.utils.translation import gettext as _

from .errors import field_error

TEXT_MAX = 5000


def clean_text(value: str | None, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    """Stripped text of at most ``limit`` characters; a field error (with its code) otherwise."""
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, _("不能为空"), "required")
    if len(value) > limit:
        raise field_error(field, _("不能超过 %(n)s 个字") % {"n": limit}, "max_length")
    return value
