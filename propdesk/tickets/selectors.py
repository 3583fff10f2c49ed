"""Reads of tickets, always scoped to the acting user."""

import datetime as dt
import re

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from propdesk.communities.phone_search import may_search_partial, phone_condition, phone_query
from propdesk.communities.validators import MOBILE_RE, normalize_phone, parse_building, parse_room
from propdesk.core.models import PhoneSearch
from propdesk.core.permissions import can
from propdesk.core.services import phone_search_record

from .events import INTERNAL_KINDS
from .models import Reply, Ticket, TicketEvent

NUMBER_RE = re.compile(r"^[A-Za-z]{2}-\d{0,8}(-\d{0,4})?$")
DIGITS_RE = re.compile(r"^\+?[\d\- ]{4,20}$")

LIST_RELATED = ("community", "unit__building", "assignee__staff_profile", "team")


EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9000, 1, 1)


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight starting ``day``; absurd dates are clamped so date arithmetic never overflows."""
    day = min(max(day, EARLIEST), LATEST)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def is_phone_search(query: str) -> bool:
    """Whether the search box holds a phone number (or its start) rather than a ticket number or a room:
    "138-1234-5678", "+86 138…", "0755-26881234" and "1381234" are phones; "12-2-1202" is a room."""
    query = (query or "").strip()
    if NUMBER_RE.match(query) or not DIGITS_RE.match(query):
        return False
    digits = re.sub(r"[^\d]", "", normalize_phone(query))
    grouped = any(sep in query for sep in "- ")
    landline = digits.startswith("0") and phone_query(query).complete
    return len(digits) >= 7 and (
        not grouped or bool(MOBILE_RE.match(digits)) or query.startswith("+") or landline or not parse_room(query)
    )


def search_condition(query: str) -> Q:
    """A ticket number (or its start), a room, or Chinese text in title/content (phones: ``phone_search``)."""
    query = (query or "").strip()
    if NUMBER_RE.match(query):
        return Q(number__startswith=query.upper())
    room = parse_room(query)
    if room:
        return Q(unit__code=room)
    text = Q(title__contains=query) | Q(content__contains=query) | Q(location__contains=query)
    building = parse_building(query)
    if building:
        # "3栋" alone: every room of the building, and matters of its public parts written in words.
        return Q(unit__code__startswith=building) | text
    return text


def needs_whole_number(user, query: str) -> bool:
    """Whether ``query`` is the start of a phone number that ``user`` may search by its whole number only."""
    return is_phone_search(query) and not phone_query(query).complete and not may_search_partial(user)


def phone_search(qs: QuerySet[Ticket], *, user, query: str, ip_address: str | None = None) -> QuerySet[Ticket]:
    """The tickets of ``qs`` whose contact or resident has the phone: a whole number, or its start where
    the user may reveal residents' phones (``communities.phone_search``). Recorded, with the count."""
    phone = phone_query(query)
    refused = needs_whole_number(user, query)
    if refused:
        qs = qs.none()
    else:
        fields = ["contact_phone", "resident__phone"]
        qs = qs.filter(phone_condition(user, phone, fields, paths={"community": "community_id"}))
    phone_search_record(
        actor=user,
        source=PhoneSearch.Source.TICKETS,
        digits=phone.digits,
        complete=phone.complete,
        refused=refused,
        matches=0 if refused else qs.count(),
        found_centers=lambda: set(qs.order_by().values_list("service_center_id", flat=True).distinct()),
        ip_address=ip_address,
    )
    return qs


def ticket_list(
    *,
    user,
    status: str | list[str] | None = None,
    kind: str | list[str] | None = None,
    community_id: int | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    query: str = "",
    assignee_id: int | None = None,
    household_id: int | None = None,
    ip_address: str | None = None,
) -> QuerySet[Ticket]:
    """Tickets the user may see, newest received first, filtered. A search by phone is recorded (with
    ``ip_address``, the searcher's)."""
    qs = Ticket.objects.visible_to(user).select_related(*LIST_RELATED)
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    if kind:
        qs = qs.filter(kind__in=[kind] if isinstance(kind, str) else kind)
    if community_id:
        qs = qs.filter(community_id=community_id)
    if received_from:
        qs = qs.filter(received_at__gte=day_start(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=day_start(min(received_to, LATEST) + dt.timedelta(days=1)))
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if household_id:
        qs = qs.filter(household_id=household_id)
    if query and is_phone_search(query):
        qs = phone_search(qs, user=user, query=query.strip(), ip_address=ip_address)
    elif query:
        qs = qs.filter(search_condition(query))
    return qs.order_by("-received_at", "-id")


def ticket_get(*, user, pk: int) -> Ticket:
    """One visible ticket with everything its page shows."""
    return (
        Ticket.objects.visible_to(user)
        .select_related(
            *LIST_RELATED,
            "service_center",
            "household",
            "resident",
            "received_by__staff_profile",
            "first_responder__staff_profile",
        )
        .prefetch_related(
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor__staff_profile", "on_behalf_of")),
            Prefetch("replies", queryset=Reply.objects.select_related("by__staff_profile")),
            "attachments",
            "work_orders__assignee__staff_profile",
            "links_out__to_ticket",
            "links_in__from_ticket",
        )
        .get(pk=pk)
    )


def ticket_get_by_number(*, user, number: str, service_center_id: int | None = None) -> Ticket:
    """Numbers are unique per service center; someone who sees several centers names the center
    (otherwise an ambiguous number raises MultipleObjectsReturned)."""
    qs = Ticket.objects.visible_to(user).filter(number=number.strip().upper())
    if service_center_id is not None:
        qs = qs.filter(service_center_id=service_center_id)
    return qs.get()


def assignable_staff(*, community):
    """Active staff who hold, over the community (in it, or at its center, branch or company), a role the rule
    set lets be made responsible for a ticket (``ticket.be_assigned``): nobody is offered who would be refused."""
    from django.contrib.auth import get_user_model

    from propdesk.core.permissions import rules_for
    from propdesk.org.models import RoleMembership

    action = "ticket.be_assigned"
    roles = sorted(set().union(*(grant.roles for grant in rules_for(action).grants[action])))
    center = community.service_center
    memberships = RoleMembership.objects.filter(is_active=True, role__in=roles).filter(
        Q(community=community)
        | Q(service_center=center)
        | Q(branch=center.branch_id)
        | Q(company=center.branch.company_id)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user"))
        .select_related("staff_profile__department")
        .order_by("staff_profile__department__kind", "staff_profile__name")
    )


def ticket_timeline(*, user, ticket: Ticket) -> list:
    """A ticket's history as ``user`` may read it: residents see what happened to their matter, not
    internal notes or escalations."""
    events = list(ticket.events.select_related("actor", "on_behalf_of"))
    if can(user, "ticket.view_internal", ticket):
        return events
    return [e for e in events if e.kind not in INTERNAL_KINDS]
