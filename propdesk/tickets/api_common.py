"""Helpers of the ticket endpoints (``api.py``, ``api_parts.py``): objects looked up within the caller's scope,
and the JSON body of a ticket."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from propdesk.communities import selectors as community_selectors
from propdesk.communities.models import Community, Household, Resident, Unit

from . import selectors
from .api_schemas import TicketOut
from .models import Ticket

# Extra rows the list serializer reads, fetched with the page (no query per row).
LIST_EXTRA_RELATED = ("first_responder__staff_profile",)


def visible(model, user, pk: int | None, field: str, message: str, related: tuple[str, ...] = ()):
    """The object ``pk`` of ``model`` if the user may see it, else a 400 on ``field``; None stays None.
    ``related``: the rows the caller reads next, fetched in the same query."""
    if pk is None:
        return None
    qs = model.objects.visible_to(user).filter(pk=pk)
    obj = (qs.select_related(*related) if related else qs).first()
    if obj is None:
        raise ValidationError({field: message}, code="not_found")
    return obj


# What resolving a party (tickets.services.resolve_party) reads from each level: one query per id given.
PARTY_RELATED = {
    "unit": ("building__community",),
    "household": ("unit__building__community",),
    "resident": ("household__unit__building__community",),
}


def party_refs(user, *, community_id=None, unit_id=None, household_id=None, resident_id=None) -> dict:
    """Resolve who a record is about from ids, within the caller's scope."""
    return {
        "community": visible(Community, user, community_id, "community_id", _("小区不存在或您无权访问")),
        "unit": visible(Unit, user, unit_id, "unit_id", _("房号不存在或您无权访问"), PARTY_RELATED["unit"]),
        "household": visible(
            Household, user, household_id, "household_id", _("住户不存在或您无权访问"), PARTY_RELATED["household"]
        ),
        "resident": visible(
            Resident, user, resident_id, "resident_id", _("住户成员不存在或您无权访问"), PARTY_RELATED["resident"]
        ),
    }


def unit_by_room(user, community: Community | None, room: str) -> Unit:
    """The unit written as a room (3-2-1202, 3栋2单元1202) in ``community``, as on the quick hand-off page."""
    if community is None:
        raise ValidationError({"community_id": _("请选择小区")}, code="required")
    return community_selectors.unit_by_room(user=user, community=community, room=room)


KEYSET_SEPARATOR = "~"


def keyset_of(ticket: Ticket) -> str:
    """Where a page ended, in the list's order (received_at, id), as the ``next`` a client sends back."""
    return f"{ticket.received_at.isoformat()}{KEYSET_SEPARATOR}{ticket.pk}"


def keyset_after(position: str) -> Q:
    """The tickets after ``position`` in the list's order (newest received first, then highest id)."""
    try:
        moment, pk = position.rsplit(KEYSET_SEPARATOR, 1)
        received_at, pk = dt.datetime.fromisoformat(moment), int(pk)
        if received_at.tzinfo is None:
            raise ValueError(position)
    except ValueError:
        raise ValidationError({"after": _("翻页位置无效，请从第一页重新开始")}, code="invalid") from None
    # ``received_at <= …`` repeats what the two branches say, so that PostgreSQL starts its walk of the
    # (received_at, id) indexes at the position (an index condition) instead of filtering every newer row:
    # page 1,000 then costs what page 1 costs.
    return Q(received_at__lte=received_at) & (Q(received_at__lt=received_at) | Q(received_at=received_at, pk__lt=pk))


def ticket_body(ticket: Ticket) -> dict:
    """The JSON body of one ticket (also what an idempotent create stores and replays)."""
    return TicketOut.from_orm(ticket).model_dump(mode="json")


def visible_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_list(user=request.auth).select_related(*LIST_EXTRA_RELATED).get(pk=ticket_id)


def plain_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    """A visible ticket without the joins of the list (for the reads of its parts)."""
    return Ticket.objects.visible_to(request.auth).get(pk=ticket_id)
