"""What the internal pages share: form errors as a dict, versions and dates read from a form."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_date


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def first_error(exc: ValidationError) -> str:
    return next(iter(errors_of(exc).values()))[0]


def version(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def time_today(raw: str | None, field: str) -> dt.datetime | None:
    """A ``time`` input (11:30) as today's aware moment, or the next day's when it is just after midnight and
    earlier than now by more than 12 hours; empty → None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        at = dt.time.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("时间格式不正确")}) from None
    now = timezone.localtime()
    moment = timezone.make_aware(dt.datetime.combine(now.date(), at.replace(second=0, microsecond=0)))
    if moment < now - dt.timedelta(hours=12):
        moment += dt.timedelta(days=1)
    return moment


def date_input(raw: str | None, field: str) -> dt.date | None:
    return parse_date(raw, field)
