"""The complaint record of a new complaint ticket (R-CP-1), opened by the ticket core's creation registry."""

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from propdesk.core.texts import t
from propdesk.tickets.choices import Channel, Kind, Priority
from propdesk.tickets.choices import Source as TicketSource

from ..choices import EventKind, Source
from ..models import Complaint
from .base import _event
from .detection import detect

# Words in a superior source's description that name the developer's customer-service center (R-IN-1b).
DEVELOPER_WORDS = ("开发商", "地产")


def source_of(ticket) -> str:
    if ticket.source == TicketSource.SUPERIOR:
        if any(word in ticket.source_detail for word in DEVELOPER_WORDS):
            return Source.DEVELOPER_CS
        return Source.SUPERIOR
    if ticket.source == TicketSource.SELF_COLLECTED:
        return Source.SELF_COLLECTED
    return Source.CUSTOMER


def open_complaint_for_new_ticket(*, ticket) -> Complaint | None:
    """The ``tickets.services.on_ticket_created`` listener: a complaint ticket gets its complaint record."""
    if ticket.kind != Kind.COMPLAINT:
        return None
    return _open(ticket, fresh=True)  # in the ticket's own transaction


@transaction.atomic
def complaint_for(ticket) -> Complaint:
    """The complaint record of a complaint ticket, opened when it has none yet (a ticket recorded without its
    listeners, or before this app existed). Letters are written complaints; urgent ones major matters."""
    existing = Complaint.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    return _open(ticket, fresh=False)


def _related(ticket, name: str) -> dict:
    """``{name: object}`` when the ticket holds the related object already (the intake read it), else
    ``{name_id: id}``: the complaint then starts with what is in memory and reads nothing more."""
    return _cached_or_id(ticket, name)


def _cached_or_id(obj, name: str) -> dict:
    if getattr(type(obj), name).is_cached(obj) and getattr(obj, name) is not None:
        return {name: getattr(obj, name)}
    return {f"{name}_id": getattr(obj, f"{name}_id")}


def _open(ticket, *, fresh: bool) -> Complaint:
    """Open the complaint record (``fresh``: the ticket was created in this transaction, so it has none)."""
    unit = ticket.unit
    building = _cached_or_id(unit, "building") if unit is not None else {"building_id": None}
    complaint = Complaint.objects.create(
        ticket=ticket,
        service_center_id=ticket.service_center_id,
        **_related(ticket, "community"),
        **building,
        **_related(ticket, "household"),
        source=source_of(ticket),
        written=ticket.channel == Channel.LETTER,
        major=ticket.priority == Priority.URGENT,
        created_at=ticket.received_at,
    )
    _event(complaint, EventKind.CREATED, ticket.received_by, source=complaint.source, ticket=ticket.pk)
    if complaint.written:
        _event(
            complaint,
            EventKind.WRITTEN,
            ticket.received_by,
            reason=t(N_("书面投诉：须书面答复，原件交资料管理员归档")).dumps(),
        )
    # R-CP-4: index its text and join (or open, at the fifth household) its collective complaint.
    detect(complaint, text=ticket.content, fresh=fresh)
    return complaint
