"""Notes the front desk shows beside a household found by a lookup (an outage in its building, an expected
visitor, a collective complaint …), contributed by the apps above intake.

An app registers a provider in its ``AppConfig.ready``::

    from propdesk.intake.desk_notes import DeskNote, register_desk_notes

    def outages_for(*, user, households, now):
        return {household.pk: [DeskNote(...)] for household in households if ...}

    register_desk_notes(outages_for)

A note may offer to link the call to what it is about (``link=("outage", 12)``): the desk shows a box, and the
call is recorded with ``links=["outage:12"]``; the app that registered a handler for that kind
(``register_link_handler("outage", handler)``) is called in the transaction of the record, with
``handler(actor=…, interaction=…, target_id=…)``, and may refuse with a ValidationError (nothing is then kept).

A provider receives the households of one lookup (at most ten, with ``unit__building__community`` loaded) and
answers ``{household_id: [DeskNote, …]}``; it must use a constant number of queries and show only what
``user`` may see. A provider that fails is logged and skipped: the desk keeps working.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskNote:
    # What the receptionist reads first, e.g. "停水 今天 14:00–18:00" (already translated, or a core.texts text).
    title: str
    # The answer to read out to the caller, or details.
    text: str = ""
    # "info" | "warning" | "danger": how loud the desk shows it.
    level: str = "info"
    # A page with more (opened in a new tab), or "".
    url: str = ""
    # The kind of note, for the page's data-kind attribute and for tests ("outage", "visitor" …).
    kind: str = ""
    # Something the record form may link the call to: (field name, value), e.g. ("outage", 12), or None.
    link: tuple[str, int] | None = None


_providers: list[Callable] = []
_link_handlers: dict[str, Callable] = {}
LINKS_MAX = 5


def register_desk_notes(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def notes_for(*, user, households: list, now: dt.datetime | None = None) -> dict[int, list[DeskNote]]:
    now = now or timezone.now()
    notes: dict[int, list[DeskNote]] = {}
    if not households:
        return notes
    for provider in _providers:
        try:
            found = provider(user=user, households=households, now=now) or {}
        except Exception:  # a broken provider must not take the desk down
            log.exception("desk note provider %s failed", getattr(provider, "__qualname__", provider))
            continue
        for household_id, items in found.items():
            notes.setdefault(household_id, []).extend(items)
    return notes


def register_link_handler(kind: str, handler: Callable) -> Callable:
    _link_handlers[kind] = handler
    return handler


def parse_links(values) -> list[tuple[str, int]]:
    """``["outage:12", …]`` → ``[("outage", 12), …]`` (duplicates dropped); a malformed value, an unknown kind or
    more than five links is a ValidationError on ``links``."""
    parsed: list[tuple[str, int]] = []
    for value in values or ():
        kind, _sep, target = str(value).partition(":")
        if kind not in _link_handlers or not target.isdigit() or len(target) > 12:
            raise ValidationError({"links": _("关联的事项无效：%(value)s") % {"value": str(value)[:40]}})
        if (kind, int(target)) not in parsed:
            parsed.append((kind, int(target)))
    if len(parsed) > LINKS_MAX:
        raise ValidationError({"links": _("一次来电最多关联 %(n)d 个事项") % {"n": LINKS_MAX}})
    return parsed


def link_call(*, actor, interaction, links: list[tuple[str, int]]) -> None:
    """Hand each link of a recorded call to its app (inside the record's transaction)."""
    for kind, target_id in links:
        _link_handlers[kind](actor=actor, interaction=interaction, target_id=target_id)
