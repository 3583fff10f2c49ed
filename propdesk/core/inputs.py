"""The input layer: what people and programs send is checked here, in one place, before it reaches a
service or the database.

- **Characters**: a NUL (``\\0``) cannot be stored by PostgreSQL and a lone UTF-16 surrogate (``"\\ud800"``
  in JSON) cannot be encoded at all; both are refused in every query string, form field, path and header
  (``middleware.InputGuardMiddleware``) and in every JSON body (the API's parser), before anything changes.
- **Text**: ``clean_text`` strips, requires and limits what a service stores.
- **Dates** lie within ``DATE_MIN`` … ``DATE_MAX``: nothing a service center records or plans falls outside,
  and date arithmetic near Python's own limits (year 1 or 9999) would overflow. Pages parse ``?from=``,
  ``?to=`` and ``?week=`` with ``parse_date`` / ``parse_period`` / ``week_of``, forms use ``DateField`` and
  ``DateTimeField`` below, and the API's date types (``propdesk.api.schemas``) ask ``date_problem``.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import field_error

TEXT_MAX = 5000
# The largest 64-bit key (BigAutoField): a larger number names no row, and SQLite cannot even compare it.
ID_MAX = 2**63 - 1
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)

NUL = "nul"
SURROGATE = "surrogate"


# --------------------------------------------------------------------------- characters


def character_problem(value: str) -> str | None:
    """``NUL`` or ``SURROGATE`` when ``value`` holds a character no database or page can keep, else None."""
    if "\x00" in value:
        return NUL
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


def character_message(problem: str) -> str:
    if problem == NUL:
        return _("不能包含空字符（\\0）")
    return _("包含无效的字符（不成对的 UTF-16 代理项）")


def printable(name: str) -> str:
    """A field name as an error may show it: a NUL as ``\\0``, a lone surrogate as ``\\udXXX``."""
    return name.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")


def find_bad_text(data, path: str = "") -> tuple[str, str] | None:
    """The first string in JSON-like ``data`` (keys included) with a bad character, as (field path, message);
    None when all is well. Paths read like the API's field errors: ``contact.phone``, ``items.2``."""
    if isinstance(data, str):
        problem = character_problem(data)
        return (path, character_message(problem)) if problem else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        name = f"{path}.{printable(str(key))}" if path else printable(str(key))
        if isinstance(key, str) and (problem := character_problem(key)):
            return name, character_message(problem)
        found = find_bad_text(value, name)
        if found:
            return found
    return None


# --------------------------------------------------------------------------- ids


def parse_id(raw: str | None) -> int | None:
    """An id from a query string or a form ("12"): ASCII digits naming 1 … ``ID_MAX``, else None."""
    raw = (raw or "").strip()
    # str.isdigit() also accepts "²" and other digits int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= ID_MAX else None


# --------------------------------------------------------------------------- text


def clean_text(value: str | None, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    """Stripped text of at most ``limit`` characters; a field error (with its code) otherwise."""
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, _("不能为空"), "required")
    if len(value) > limit:
        raise field_error(field, _("不能超过 %(n)s 个字") % {"n": limit}, "max_length")
    if problem := character_problem(value):
        raise field_error(field, character_message(problem), "invalid_character")
    return value


# --------------------------------------------------------------------------- dates


def date_range_message() -> str:
    return _("日期超出范围（%(a)s 至 %(b)s）") % {"a": DATE_MIN.isoformat(), "b": DATE_MAX.isoformat()}


def date_problem(value: dt.date | dt.datetime) -> str | None:
    """The message for a date (or a datetime, by the date it is written with) outside the range, else None.

    A datetime is judged by its own calendar date, not converted first: converting 0001-01-01T00:00+08:00
    to another zone is exactly the overflow this guards against.
    """
    day = value.date() if isinstance(value, dt.datetime) else value
    return None if DATE_MIN <= day <= DATE_MAX else date_range_message()


def check_date(value, field: str):
    """``value`` (a date or datetime; None passes) within the range, else a field error."""
    if value is not None and (message := date_problem(value)):
        raise field_error(field, message, "date_range")
    return value


def parse_date(raw: str | None, field: str, *, default: dt.date | None = None) -> dt.date | None:
    """A date from a query string (``2026-11-22``); empty → ``default``; malformed or out of range → field error."""
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise field_error(
            field, _("日期格式不正确：%(v)s（应为 2026-11-22）") % {"v": raw[:20]}, "invalid_date"
        ) from None
    return check_date(day, field)


def parse_period(
    params,
    *,
    start: str = "from",
    end: str = "to",
    default_start: dt.date | None = None,
    default_end: dt.date | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """``?from=&to=`` (or other names) as two dates in range, the start not after the end. Every problem is
    reported at once as field errors (a ``ValidationError`` keyed by the parameter names)."""
    values, errors = {}, {}
    for name, default in ((start, default_start), (end, default_end)):
        try:
            values[name] = parse_date(params.get(name), name, default=default)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if not errors and values[start] and values[end] and values[start] > values[end]:
        errors[end] = [ValidationError(_("结束日期不能早于开始日期"), code="date_order")]
    if errors:
        raise ValidationError(errors)
    return values[start], values[end]


def week_of(raw: str | None = None, field: str = "week") -> dt.date:
    """The Monday of the week that contains ``?week=`` (any day of it; this week when empty)."""
    day = parse_date(raw, field, default=timezone.localdate())
    return day - dt.timedelta(days=day.weekday())


class DateField(forms.DateField):
    """A form's date field that refuses dates outside the range with a field error."""

    def validate(self, value):
        super().validate(value)
        if value and (message := date_problem(value)):
            raise ValidationError(message, code="date_range")


class DateTimeField(forms.DateTimeField):
    """A form's date-and-time field that refuses moments outside the range with a field error."""

    def validate(self, value):
        super().validate(value)
        if value and (message := date_problem(value)):
            raise ValidationError(message, code="date_range")


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as ``{field: [messages]}`` for a page (``__all__`` for one without fields)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def local_input(raw: str | None, field: str) -> dt.datetime | None:
    """A ``datetime-local`` input (2026-11-18T09:30) as an aware datetime within 2000–2099; empty → None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("时间格式不正确")}) from None
    if not dt.date(2000, 1, 1) <= value.date() <= dt.date(2099, 12, 31):
        raise ValidationError({field: _("时间超出范围")})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def version_of(raw: str | None) -> int | None:
    """The version a form sent back (a hidden field), or None when it is missing or not a plain number."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
