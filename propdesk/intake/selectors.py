"""Front-desk lookup: a phone number or a room → the household, its people, open tickets, recent contacts."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from propdesk.communities.models import Household, Resident
from propdesk.communities.phone_search import may_search_partial, phone_condition, phone_query
from propdesk.communities.validators import MOBILE_RE, normalize_phone, parse_room
from propdesk.core.models import PhoneSearch
from propdesk.core.services import phone_search_record
from propdesk.tickets.choices import OPEN_STATUSES
from propdesk.tickets.models import Ticket
from propdesk.tickets.selectors import LATEST, day_start

from .desk_notes import notes_for
from .models import Interaction

LOOKUP_LIMIT = 10
RECENT = 5


@dataclass
class LookupResult:
    query: str
    kind: str  # "phone" | "room" | "name" | ""
    households: list = field(default_factory=list)
    truncated: bool = False
    # The start of a number was typed by someone who may search only by a whole number.
    needs_whole_number: bool = False


def desk_lookup(*, user, query: str, ip_address: str | None = None) -> LookupResult:
    """Households matching a phone, a room (3-2-1202, 3栋2单元1202, 1202) or a resident's name, each with
    residents, open tickets and recent interactions. Query count is constant whatever the number of
    households.

    A phone is a whole number, or its first 7+ digits where the user may reveal residents' phones
    (``communities.phone_search``); every search by phone is recorded."""
    query = (query or "").strip()
    result = LookupResult(query=query, kind="")
    if not query:
        return result
    households = Household.objects.visible_to(user).filter(is_active=True)
    digits = re.sub(r"\D", "", normalize_phone(query))
    room = parse_room(query)
    phone_like = bool(re.fullmatch(r"[\d\-+ ]+", query)) and len(digits) >= 7
    # "12-2-1202" is a room; "138-1234-5678" a mobile, "0755-26881234" a landline, "1381234" the start of a phone.
    grouped = any(sep in query.strip() for sep in "- ")
    landline = digits.startswith("0") and phone_query(query).complete
    if phone_like and (not grouped or MOBILE_RE.match(digits) or query.startswith("+") or landline or not room):
        return _phone_lookup(user, result, households, ip_address)
    if room:
        result.kind = "room"
        households = households.filter(unit__code=room)
    elif query.isdigit() or re.fullmatch(r"[A-Za-z]?\d{2,5}", query):
        result.kind = "room"
        households = households.filter(unit__number=query)
    else:
        result.kind = "name"
        households = households.filter(pk__in=Resident.objects.filter(is_active=True, name=query).values("household"))
    return _fill(user, result, households)


def _phone_lookup(user, result: LookupResult, households, ip_address: str | None) -> LookupResult:
    result.kind = "phone"
    phone = phone_query(result.query)
    refused = not phone.complete and not may_search_partial(user)
    if refused:
        result.needs_whole_number = True
        households = households.none()
    else:
        residents = Resident.objects.filter(is_active=True).filter(
            phone_condition(user, phone, ["phone"], paths={"community": "household__unit__building__community_id"})
        )
        # The number's few households are read first: as a subquery (four joins of its own) PostgreSQL planned
        # it after joining every household the user sees (54,000 at 1M tickets) and kept one of them.
        ids = sorted(set(residents.values_list("household", flat=True)))
        households = households.filter(pk__in=ids)
    _fill(user, result, households)
    phone_search_record(
        actor=user,
        source=PhoneSearch.Source.DESK,
        digits=phone.digits,
        complete=phone.complete,
        refused=refused,
        matches=households.count() if result.truncated else len(result.households),
        found_centers=lambda: {h.unit.building.community.service_center_id for h in result.households},
        ip_address=ip_address,
    )
    return result


def interaction_phone_search(qs, *, user, query: str, ip_address: str | None = None):
    """The interactions of ``qs`` whose caller or resident has the phone: a whole number, or its start where
    the user may reveal residents' phones. Recorded, with the count."""
    phone = phone_query(query)
    refused = not phone.complete and not may_search_partial(user)
    if refused:
        qs = qs.none()
    else:
        paths = {"community": "community_id", "center": "service_center_id"}
        qs = qs.filter(phone_condition(user, phone, ["caller_phone", "resident__phone"], paths=paths))
    phone_search_record(
        actor=user,
        source=PhoneSearch.Source.CALLS,
        digits=phone.digits,
        complete=phone.complete,
        refused=refused,
        matches=0 if refused else qs.count(),
        found_centers=lambda: set(qs.order_by().values_list("service_center_id", flat=True).distinct()),
        ip_address=ip_address,
    )
    return qs


def _fill(user, result: LookupResult, households) -> LookupResult:
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
    # Each household's first open tickets and how many it has, in one query over the open tickets only (the
    # partial index ``tickets_household_open_idx``): a household's whole history is never read.
    open_tickets: dict[int, list] = {}
    open_totals: dict[int, int] = {}
    by_household = {"partition_by": F("household_id")}
    for t in (
        Ticket.objects.visible_to(user)
        .filter(household__in=ids, status__in=OPEN_STATUSES)
        .annotate(
            rank=Window(RowNumber(), order_by=[F("received_at").desc(), F("pk").desc()], **by_household),
            total=Window(Count("pk"), **by_household),
        )
        .filter(rank__lte=RECENT)
        .only("pk", "number", "title", "status", "kind", "received_at", "household_id")
        .order_by("-received_at", "-pk")
    ):
        open_tickets.setdefault(t.household_id, []).append(t)
        open_totals[t.household_id] = t.total
    recent: dict[int, list] = {}
    contacts = Interaction.objects.visible_to(user).only(
        "pk", "channel", "kind", "content", "received_at", "household_id", "outcome"
    )
    if len(ids) == 1:
        # One household (a phone lookup, mostly): its latest few straight from the index, however long its history.
        contacts = contacts.filter(household=ids[0]).order_by("-received_at")[:RECENT]
    else:
        # The latest few per household, in one query (a window function, on SQLite and PostgreSQL).
        contacts = (
            contacts.filter(household__in=ids)
            .annotate(rank=Window(RowNumber(), order_by=F("received_at").desc(), **by_household))
            .filter(rank__lte=RECENT)
            .order_by("-received_at")
        )
    for i in contacts:
        recent.setdefault(i.household_id, []).append(i)
    notes = notes_for(user=user, households=rows)
    for h in rows:
        h.lookup_notes = notes.get(h.pk, [])
        h.lookup_residents = residents.get(h.pk, [])
        h.lookup_open_tickets = open_tickets.get(h.pk, [])
        h.lookup_open_total = open_totals.get(h.pk, 0)
        h.lookup_recent = recent.get(h.pk, [])
    result.households = rows
    return result


def interaction_list(*, user, community_id=None, received_from=None, received_to=None, channel=None, kind=None):
    """The call/visit log (来电来访记录), newest first."""
    qs = (
        Interaction.objects.visible_to(user)
        .select_related("community", "unit__building", "received_by__staff_profile", "ticket")
        .prefetch_related("calls")  # the phone calls each record was made for: one query for the page
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
