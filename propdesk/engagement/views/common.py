"""What the engagement pages share: the communities a user may act in, the picked one, the errors of a refused
form, and a version read from a form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_id

from .. import selectors


def communities_or_403(user, action: str, message: str) -> list:
    communities = list(selectors.communities_for(user=user, action=action))
    if not communities:
        raise PermissionDenied(message)
    return communities


def chosen(communities, raw: str | None, *, strict: bool = False):
    wanted = parse_id(raw)
    found = next((c for c in communities if c.pk == wanted), None)
    if found is None and strict and (raw or "").strip():
        raise Http404(_("小区不存在或您无权操作"))
    return found or communities[0]


def errors_of(exc: ValidationError, known=()) -> dict[str, list[str]]:
    """The messages by field; those of a field the form does not show (and of none) under ``all``."""
    found = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors: dict[str, list[str]] = {}
    for field, messages in found.items():
        errors.setdefault(field if field in known else "all", []).extend(messages)
    return errors


def version(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
