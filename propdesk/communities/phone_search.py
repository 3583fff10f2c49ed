"""Searching by phone number without making the search an oracle for masked numbers.

A page shows ``137****7175``; if the start of a number were enough to search by, anyone could find the
hidden digits one at a time (``1370…``, ``1371…``, … ``1378003``). So the start of a number is searched
only where the user may reveal residents' phones (``resident.reveal``); elsewhere a search needs the whole
number (an 11-digit mobile, a landline, a 400/800 number) and matches it exactly. Every search by phone
is recorded (``core.services.phone_search_record``) by the selectors that search.
"""

import re
from dataclasses import dataclass

from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.db.models.lookups import Exact

from propdesk.core.permissions import can, condition

from . import permissions  # noqa: F401  (declares resident.reveal)
from .validators import LANDLINE_RE, MOBILE_RE, SERVICE_RE, normalize_phone

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class PhoneQuery:
    """A number typed into a search box: its digits and whether it is a whole number."""

    digits: str
    complete: bool
    mobile: bool


def phone_query(text: str) -> PhoneQuery:
    """``"+86 138-1234-5678"`` → digits ``13812345678``, a whole mobile."""
    normalized = normalize_phone(text)
    digits = re.sub(r"\D", "", normalized)
    mobile = bool(MOBILE_RE.match(digits))
    # A local landline number never starts with 1 (that is the start of a mobile): "1381234" is not one.
    landline = bool(LANDLINE_RE.match(normalized)) and not digits.startswith("1")
    complete = mobile or landline or bool(SERVICE_RE.match(normalized))
    return PhoneQuery(digits=digits, complete=complete, mobile=mobile)


def may_search_partial(user) -> bool:
    """Whether ``user`` may search by the start of a number anywhere (else a whole number is needed)."""
    return can(user, "resident.reveal")


def phone_condition(user, phone: PhoneQuery, fields: list[str], *, paths: dict[str, str]) -> Q:
    """Rows whose ``fields`` hold the number: the whole number anywhere, its start only where ``user`` may
    reveal residents' phones (``paths``: the rows' way to their community, and to their service center
    for rows of a whole center, as in a rule set)."""
    exact = NOTHING
    prefix = NOTHING
    for name in fields:
        if phone.complete:
            exact |= Q(**{name: phone.digits})
            if not phone.mobile:
                # Landlines are stored as typed (0755-12345678 or 075512345678): compare the digits.
                exact |= Q(Exact(Replace(F(name), Value("-"), Value("")), phone.digits))
        prefix |= Q(**{f"{name}__startswith": phone.digits})
    return exact | (prefix & condition(user, "resident.reveal", paths=paths))
