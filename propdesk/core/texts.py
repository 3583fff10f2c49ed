"""Texts the system writes itself, stored so that each reader sees them in their own language.

A deadline name, an inbox message, a history note or an automatic reply is not stored as finished Chinese:
it is stored as its Chinese source string (the gettext msgid) and its parameters, and rendered when read, in
the reader's language. Parameters may themselves be texts (a status label, a deadline name)::

    from django.utils.translation import gettext_noop
    from propdesk.core.texts import t

    note = t(gettext_noop("工单 %(number)s 已派给 %(name)s"), number=ticket.number, name=person_name(user))
    event.note = note.dumps()        # stored: '{"m": "工单 %(number)s 已派给 %(name)s", "p": {...}}'
    render(event.note)               # read: "Ticket T-… assigned to …" for a reader who chose English

``gettext_noop`` marks the msgid for ``make messages``; nothing is translated when the text is written. Call
it by that name: ``makemessages`` (xgettext) knows ``gettext_noop`` but not an alias such as ``N_``, whose
strings would silently stay out of the catalogue. A choice label as a parameter is ``label(Status.NEW.label)``.
A stored value that is plain text (typed by a person, or written before texts were stored this way) renders
as itself; a plain string that happens to be a msgid (a seeded shift name such as "早班") is translated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

MARK = '{"m":'


class Text:
    """A msgid and its parameters; ``str()`` renders it in the active language."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None):
        self.msgid = str(msgid)
        self.params = dict(params or {})

    # ------------------------------------------------------------------ storage
    def as_data(self) -> dict:
        return {"m": self.msgid, "p": {k: _param_data(v) for k, v in self.params.items()}}

    def dumps(self) -> str:
        return json.dumps(self.as_data(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_data(cls, data: Mapping) -> Text:
        params = {k: (cls.from_data(v) if _is_text_data(v) else v) for k, v in (data.get("p") or {}).items()}
        return cls(data["m"], params)

    # ------------------------------------------------------------------ reading
    def render(self, language: str | None = None) -> str:
        if language:
            with translation.override(language):
                return self.render()
        params = {k: (v.render() if isinstance(v, Text) else v) for k, v in self.params.items()}
        template = gettext(self.msgid)
        if not params:
            return template
        try:
            return template % params
        except (KeyError, ValueError, TypeError):
            # A translation that lost a placeholder must never hide the message: fall back to the source.
            return self.msgid % params

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and self.as_data() == other.as_data()

    def __hash__(self) -> int:
        return hash(self.dumps())


def t(msgid: str, **params) -> Text:
    """A text to store: ``t(gettext_noop("…%(x)s…"), x=…)``."""
    return Text(msgid, params)


def _param_data(value):
    if isinstance(value, Text):
        return value.as_data()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _is_text_data(value) -> bool:
    return isinstance(value, Mapping) and "m" in value and set(value) <= {"m", "p"}


def dumps(value: Text | str) -> str:
    """What to store in a text column: a Text as JSON, a plain string as it is."""
    return value.dumps() if isinstance(value, Text) else str(value)


def loads(stored: str | Mapping | None) -> Text | str:
    """A stored value back as a Text (or the plain string it was)."""
    if stored is None:
        return ""
    if isinstance(stored, Mapping):
        return Text.from_data(stored) if _is_text_data(stored) else str(stored)
    if stored.startswith(MARK):
        try:
            data = json.loads(stored)
        except ValueError:
            return stored
        if _is_text_data(data):
            return Text.from_data(data)
    return stored


def render(stored: Text | str | Mapping | None, language: str | None = None) -> str:
    """The stored value in the active language (or ``language``). Plain strings that are msgids are translated."""
    value = stored if isinstance(stored, Text) else loads(stored)
    if isinstance(value, Text):
        return value.render(language)
    if not value:
        return ""
    if language:
        with translation.override(language):
            return gettext(value)
    return gettext(value)


def label(value) -> Text | str:
    """A lazily translated string — a choice's label (``Status.NEW.label``), ``gettext_lazy("…")`` — as a
    Text to store as a parameter, so that it too is read in the reader's language. Anything else as a string."""
    if isinstance(value, Text):
        return value
    args = getattr(value, "_args", None)
    if isinstance(value, Promise) and isinstance(args, tuple) and len(args) == 1 and not getattr(value, "_kw", None):
        return Text(args[0])
    return str(value)


def shorten(value: str, limit: int) -> str:
    """A rendered text cut to ``limit`` characters (an ellipsis marks the cut)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
