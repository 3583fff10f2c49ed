"""Recording what the front desk receives: one interaction, and a ticket when follow-up is needed."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.communities.validators import clean_phone
from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text as _clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.org.models import ServiceCenter
from propdesk.tickets.choices import Channel, Kind, Priority, Source
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import resolve_party, ticket_add_note, ticket_create, validate_received_at

from .calls import call_attach
from .choices import Outcome
from .desk_notes import link_call, parse_links
from .models import Call, Interaction

# Matters that must be followed up: they always become (or join) a ticket, so nothing is lost.
TICKET_KINDS = frozenset({Kind.REPAIR, Kind.COMPLAINT, Kind.SPECIAL_SERVICE, Kind.FEEDBACK})


def _check_choices(*, channel: str, kind: str, source: str) -> None:
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("未知的渠道：%(v)s") % {"v": channel}
    if kind not in Kind.values:
        errors["kind"] = _("未知的类别：%(v)s") % {"v": kind}
    if source not in Source.values:
        errors["source"] = _("未知的来源：%(v)s") % {"v": source}
    if errors:
        raise ValidationError(errors)


def _locate(actor, *, community, service_center, unit, household, resident):
    """The caller's party (None for a center-level record without a room) and the center; checks that
    ``actor`` may record at the desk there."""
    if community is None and unit is None and household is None and resident is None:
        if service_center is None:
            raise field_error("community", _("请选择小区或房号"), "required")
        require(actor, "desk.record", Interaction(service_center_id=service_center.pk), _("您不能为该小区登记来电来访"))
        return None, service_center.pk
    party = resolve_party(community=community, unit=unit, household=household, resident=resident)
    center_id = party.community.service_center_id
    where = Interaction(service_center_id=center_id, community_id=party.community.pk)
    require(actor, "desk.record", where, _("您不能为该小区登记来电来访"))
    return party, center_id


def _needs_ticket(*, kind: str, create_ticket: bool | None, follow_up: Ticket | None, party) -> bool:
    """Matters to follow up always become (or join) a ticket."""
    if create_ticket is None:
        create_ticket = kind in TICKET_KINDS and follow_up is None
    if follow_up is not None and create_ticket:
        raise ValidationError({"follow_up": _("跟进已有工单时不能再新建工单")})
    if kind in TICKET_KINDS and not create_ticket and follow_up is None:
        raise field_error("kind", _("报修、投诉、特约服务和信息反馈必须生成工单或跟进已有工单"), "ticket_required")
    if follow_up is not None and (party is None or follow_up.community_id != party.community.pk):
        raise ValidationError({"follow_up": _("所跟进的工单不属于该小区")})
    if create_ticket and party is None:
        raise field_error("community", _("生成工单须选择小区或房号"), "required")
    return create_ticket


def _answered_outcome(outcome: str | None, note: str) -> str:
    outcome = outcome or Outcome.ANSWERED
    if outcome not in (Outcome.ANSWERED, Outcome.TRANSFERRED, Outcome.RECORDED):
        raise ValidationError({"outcome": _("未知的处理结果：%(v)s") % {"v": outcome}})
    if outcome == Outcome.ANSWERED and not (note or "").strip():
        raise field_error("outcome_note", _("当场答复的，请填写答复内容"), "required")
    return outcome


def _caller(party, name: str, phone: str) -> tuple[str, str]:
    """Who called: as given, else the resident the record is about."""
    if party and party.resident is not None:
        return name or party.resident.name, phone or party.resident.phone
    return name, phone


def _note_follow_up(actor, interaction: Interaction) -> None:
    """The customer called again about an open matter: the ticket's history says so."""
    text = t(
        gettext_noop("客户再次%(channel)s：%(content)s"),
        channel=texts.label(Channel(interaction.channel).label),
        content=interaction.content[:4000],
    )
    ticket_add_note(actor=actor, ticket=interaction.ticket, text=text, interaction=interaction.pk)


def _store(interaction: Interaction, party) -> None:
    if party is not None:
        interaction.community = party.community
        interaction.unit = party.unit
        interaction.household = party.household
        interaction.resident = party.resident
    interaction.full_clean()
    interaction.save()


@transaction.atomic
def interaction_record(
    *,
    actor,
    channel: str,
    kind: str,
    content: str,
    community: Community | None = None,
    service_center: ServiceCenter | None = None,
    unit: Unit | None = None,
    household: Household | None = None,
    resident: Resident | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    source: str = Source.CUSTOMER,
    source_detail: str = "",
    received_at: dt.datetime | None = None,
    create_ticket: bool | None = None,
    follow_up: Ticket | None = None,
    outcome: str | None = None,
    outcome_note: str = "",
    title: str = "",
    priority: str = Priority.NORMAL,
    hand_off: bool = False,
    links=(),
    call: int | None = None,
) -> Interaction:
    """Record one call/visit/letter/…; a ticket (by default for repairs, complaints, special services, feedback) or
    ``follow_up``; ``links`` ("outage:12") from desk notes; ``call``: the call on the actor's desk it was for."""
    _check_choices(channel=channel, kind=kind, source=source)
    parsed_links, content = parse_links(links), _clean_text(content, "content")
    caller_phone = caller_phone or (_call_number(call) if call else "")
    caller_phone = clean_phone(caller_phone, "caller_phone")
    party, center_id = _locate(
        actor, community=community, service_center=service_center, unit=unit, household=household, resident=resident
    )
    received_at = validate_received_at(received_at, party.household if party else None)
    create_ticket = _needs_ticket(kind=kind, create_ticket=create_ticket, follow_up=follow_up, party=party)

    caller_name, caller_phone = _caller(party, caller_name, caller_phone)
    ticket = None
    if create_ticket:
        ticket = ticket_create(
            actor=actor,
            kind=kind,
            content=content,
            channel=channel,
            **party.where(),
            title=title,
            contact_name=caller_name,
            contact_phone=caller_phone,
            source=source,
            source_detail=source_detail,
            priority=priority,
            received_at=received_at,
            hand_off=hand_off,
        )
        outcome = Outcome.TICKET
    elif follow_up is not None:
        ticket = follow_up
        outcome = Outcome.FOLLOW_UP
    else:
        outcome = _answered_outcome(outcome, outcome_note)
    interaction = Interaction(
        service_center_id=center_id,
        caller_name=_clean_text(caller_name, "caller_name", required=False, limit=50),
        caller_phone=caller_phone,
        source_detail=_clean_text(source_detail, "source_detail", required=False, limit=100),
        outcome_note=_clean_text(outcome_note, "outcome_note", required=False),
        channel=channel,
        source=source,
        kind=kind,
        content=content,
        outcome=outcome,
        received_at=received_at,
        received_by=actor,
        ticket=ticket,
    )
    _store(interaction, party)
    _after_record(actor, interaction, parsed_links, call)
    return interaction


def _after_record(actor, interaction: Interaction, links, call: int | None) -> None:
    """What follows a record: the ticket's history, the apps its links concern, the call it was for."""
    if interaction.outcome == Outcome.FOLLOW_UP:
        _note_follow_up(actor, interaction)
    link_call(actor=actor, interaction=interaction, links=links)
    call_attach(actor=actor, call_pk=call, interaction=interaction)


def _call_number(call_pk: int) -> str:
    """The number the phone system reported for the call, when it is a phone number at all."""
    number = Call.objects.filter(pk=call_pk).values_list("caller_phone", flat=True).first() or ""
    try:
        return clean_phone(number, "caller_phone")
    except ValidationError:
        return ""
