"""Front-desk lookup: a phone number or a room → the household, its people, open tickets, recent contacts."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from propdesk.communities.models import Household, Resident
from propdesk.communities.validators import MOBILE_RE, normalize_phone, parse_room
from propdesk.tickets.choices import OPEN_STATUSES
from propdesk.tickets.models import Ticket
from propdesk.tickets.selectors import LATEST, day_start

from .models import Interaction

LOOKUP_LIMIT = 10
RECENT = 5


@dataclass
class LookupResult:
    query: str
    kind: str  # "phone" | "room" | "name" | ""
    households: list = field(default_factory=list)
    truncated: bool = False


def desk_lookup(*, user, query: str) -> LookupResult:
    """Households matching a phone (full, or its first 7+ digits), a room (3-2-1202, 3栋2单元1202, 1202)
    or a resident's name, each with residents, open tickets and recent interactions. Query count is
    constant whatever the number of households."""
    query = (query or "").strip()
    result = LookupResult(query=query, kind="")
    if not query:
        return result
    households = Household.objects.visible_to(user).filter(is_active=True)
    digits = re.sub(r"\D", "", normalize_phone(query))
    room = parse_room(query)
    phone_like = bool(re.fullmatch(r"[\d\-+ ]+", query)) and len(digits) >= 7
    # "12-2-1202" is a room, "138-1234-5678" a mobile, "1381234" the start of a phone number.
    grouped = any(sep in query.strip() for sep in "- ")
    if phone_like and (not grouped or MOBILE_RE.match(digits) or query.startswith("+") or not room):
        result.kind = "phone"
        matching = Resident.objects.filter(is_active=True, phone__startswith=digits).values("household")
        households = households.filter(pk__in=matching)
    elif room:
        result.kind = "room"
        households = households.filter(unit__code=room)
    elif query.isdigit() or re.fullmatch(r"[A-Za-z]?\d{2,5}", query):
        result.kind = "room"
        households = households.filter(unit__number=query)
    else:
        result.kind = "name"
        households = households.filter(pk__in=Resident.objects.filter(is_active=True, name=query).values("household"))
    rows = list(
        households.select_related("unit__building__community__service_center").order_by("pk")[: LOOKUP_LIMIT + 1]
    )
    result.truncated = len(rows) > LOOKUP_LIMIT
    rows = rows[:LOOKUP_LIMIT]
    if not rows:
        return result
    ids = [h.pk for h in rows]
    residents: dict[int, list] = {}
    for r in Resident.objects.filter(household__in=ids, is_active=True).order_by("relation", "pk"):
        residents.setdefault(r.household_id, []).append(r)
    open_tickets: dict[int, list] = {}
    for t in (
        Ticket.objects.visible_to(user)
        .filter(household__in=ids, status__in=OPEN_STATUSES)
        .only("pk", "number", "title", "status", "kind", "received_at", "household_id")
        .order_by("-received_at")
    ):
        open_tickets.setdefault(t.household_id, []).append(t)
    recent: dict[int, list] = {}
    # The latest few per household, in one query (a window function, on SQLite and PostgreSQL).
    for i in (
        Interaction.objects.visible_to(user)
        .filter(household__in=ids)
        .annotate(rank=Window(RowNumber(), partition_by=F("household_id"), order_by=F("received_at").desc()))
        .filter(rank__lte=RECENT)
        .only("pk", "channel", "kind", "content", "received_at", "household_id", "outcome")
        .order_by("-received_at")
    ):
        recent.setdefault(i.household_id, []).append(i)
    for h in rows:
        h.lookup_residents = residents.get(h.pk, [])
        h.lookup_open_tickets = open_tickets.get(h.pk, [])[:RECENT]
        h.lookup_open_total = len(open_tickets.get(h.pk, []))
        h.lookup_recent = recent.get(h.pk, [])
    result.households = rows
    return result


def interaction_list(*, user, community_id=None, received_from=None, received_to=None, channel=None, kind=None):
    """The call/visit log (来电来访记录), newest first."""
    qs = Interaction.objects.visible_to(user).select_related(
        "community", "unit__building", "received_by__staff_profile", "ticket"
    )
    if community_id:
        qs = qs.filter(community_id=community_id)
    if channel:
        qs = qs.filter(channel=channel)
    if kind:
        qs = qs.filter(kind=kind)
    if received_from:
        qs = qs.filter(received_at__gte=day_start(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=day_start(min(received_to, LATEST) + dt.timedelta(days=1)))
    return qs.order_by("-received_at", "-id")
