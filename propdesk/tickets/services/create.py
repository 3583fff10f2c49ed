"""Recording a new ticket (R-IN-1, R-IN-5, R-IN-6)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.communities.validators import clean_phone
from propdesk.core.errors import field_error
from propdesk.core.permissions import can, require
from propdesk.sla import services as sla

from .. import (
    permissions,  # noqa: F401  (declares the ticket rules)
)
from ..choices import (
    Channel,
    EventKind,
    Kind,
    Priority,
    Source,
)
from ..models import Ticket
from .base import _clean_text, _created_listeners, _event, next_number, resolve_party, validate_received_at
from .workflow import ticket_hand_off


def _check_choices(*, kind: str, channel: str, source: str, priority: str) -> None:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("未知的类别：%(v)s") % {"v": kind}
    if channel not in Channel.values:
        errors["channel"] = _("未知的渠道：%(v)s") % {"v": channel}
    if source not in Source.values:
        errors["source"] = _("未知的来源：%(v)s") % {"v": source}
    if priority not in Priority.values:
        errors["priority"] = _("未知的紧急程度：%(v)s") % {"v": priority}
    if errors:
        raise ValidationError(errors)


TITLE_MAX = 30
# Where a title made from the content may end: after a sentence, else after a phrase.
SENTENCE_ENDS = "。！？!?；;"
PHRASE_ENDS = "，,、：:）)】」 "
TRAILING = "，,、。．.！？!?；;：:…—-－~～ （(【「"


def title_from_content(content: str, limit: int = TITLE_MAX) -> str:
    """A title from the content's first line: whole when it fits, else cut after the last sentence (else
    phrase) within ``limit`` characters — never in the middle of a phrase when a boundary is near, never
    ending in punctuation."""
    line = next((text.strip() for text in content.splitlines() if text.strip()), content.strip())
    if len(line) > limit:
        head = line[: limit + 1]  # a boundary just after the limit still closes a whole phrase
        cut = max(head.rfind(mark) for mark in SENTENCE_ENDS)
        if cut < limit // 3:
            cut = max(head.rfind(mark) for mark in PHRASE_ENDS)
        line = line[:cut] if cut >= limit // 3 else line[:limit]
    return line.rstrip(TRAILING) or line


def _save_new(ticket: Ticket, actor) -> None:
    # The related rows were resolved and checked already; re-reading each of them would double the queries.
    ticket.full_clean(
        exclude=[
            "number",
            "service_center",
            "community",
            "unit",
            "household",
            "resident",
            "received_by",
            "first_responder",
            "assignee",
        ]
    )
    ticket.save()
    _event(
        ticket,
        EventKind.CREATED,
        actor,
        to_status=ticket.status,
        channel=ticket.channel,
        received_at=ticket.received_at.isoformat(),
        backfilled=ticket.is_backfilled,
    )


@transaction.atomic
def ticket_create(
    *,
    actor,
    kind: str,
    content: str,
    channel: str,
    community: Community | None = None,
    unit: Unit | None = None,
    household: Household | None = None,
    resident: Resident | None = None,
    title: str = "",
    location: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    source: str = Source.CUSTOMER,
    source_detail: str = "",
    priority: str = Priority.NORMAL,
    received_at: dt.datetime | None = None,
    received_by=None,
    hand_off: bool = False,
    create_work_order: bool = True,
) -> Ticket:
    """Record a new ticket. The receiving employee becomes its first responder and owner (R-IN-5);
    ``hand_off`` passes it to the control center in the same step (R-IN-2). ``location`` names a public place
    (地库 B2、3栋大堂) where the matter concerns no room, or where in the room."""
    _check_choices(kind=kind, channel=channel, source=source, priority=priority)
    content = _clean_text(content, "content")
    title = _clean_text(title, "title", required=False, limit=100) or title_from_content(content)
    location = _clean_text(location, "location", required=False, limit=100)
    contact_phone = clean_phone(contact_phone, "contact_phone")
    party = resolve_party(community=community, unit=unit, household=household, resident=resident)
    # Permissions are asked of the ticket as it would be (its community and household).
    where = Ticket(community=party.community, household=party.household)
    require(actor, "ticket.create", where, _("您不能为该小区登记工单"))
    received_at = validate_received_at(received_at, party.household)
    receiver = received_by or actor
    if received_by is not None and not (received_by.is_active and can(received_by, "ticket.receive", where)):
        raise field_error("received_by", _("接报人须为本小区员工"), "invalid")
    if party.resident is not None:
        contact_name = contact_name or party.resident.name
        contact_phone = contact_phone or party.resident.phone

    ticket = Ticket(
        number=next_number(service_center_id=party.community.service_center_id, kind=kind, received_at=received_at),
        kind=kind,
        priority=priority,
        service_center_id=party.community.service_center_id,
        community=party.community,
        unit=party.unit,
        household=party.household,
        resident=party.resident,
        location=location,
        contact_name=_clean_text(contact_name, "contact_name", required=False, limit=50),
        contact_phone=contact_phone,
        title=title,
        content=content,
        channel=channel,
        source=source,
        source_detail=_clean_text(source_detail, "source_detail", required=False, limit=100),
        received_at=received_at,
        entered_at=timezone.now(),
        received_by=receiver,
        first_responder=receiver,
        assignee=receiver if can(receiver, "ticket.receive", where) else None,
    )
    _save_new(ticket, actor)
    # Clocks run from the real receipt time, so a back-filled ticket may already be late (R-IN-6).
    sla.on_ticket_created(ticket=ticket, at=received_at)
    if create_work_order:
        # Apps above the ticket core open work for it in this transaction: dispatch puts repairs and
        # special services straight onto the control center's board (R-WO-1).
        for listener in _created_listeners:
            listener(ticket=ticket)
    if hand_off:
        ticket_hand_off(actor=actor, ticket=ticket)
        ticket.refresh_from_db()
    return ticket
