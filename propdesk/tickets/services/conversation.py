"""Talking about a ticket: replies to the customer, internal notes, links between tickets, attachments."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.permissions import require
from propdesk.core.texts import Text, t
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger

from .. import (
    permissions,  # noqa: F401  (declares the ticket rules)
)
from ..choices import (
    EventKind,
    LinkKind,
    ReplyMethod,
    Status,
)
from ..models import Attachment, Reply, Ticket, TicketEvent, TicketLink
from . import notices
from .base import _clean_text, _event, _lock, _save, validate_received_at
from .workflow import ticket_transition


@transaction.atomic
def ticket_reply(
    *,
    actor,
    ticket: Ticket,
    method: str,
    content: Text | str,
    customer_opinion: str = "",
    satisfied: bool | None = None,
    at: dt.datetime | None = None,
) -> Reply:
    """Record a reply given to the customer. An unsatisfied customer reopens a resolved or closed ticket (R-CP-6)."""
    ticket = _lock(ticket, None)
    require(actor, "ticket.work", ticket, _("您无权答复该工单"))
    if method not in ReplyMethod.values:
        raise ValidationError({"method": _("未知的答复方式：%(v)s") % {"v": method}})
    content = _clean_text(content, "content")
    opinion = _clean_text(customer_opinion, "customer_opinion", required=False)
    at = validate_received_at(at, None) if at else timezone.now()
    if at < ticket.received_at:
        raise ValidationError({"at": _("答复时间不能早于接报时间")})
    reply = Reply.objects.create(
        ticket=ticket,
        by=actor,
        method=method,
        content=texts.dumps(content),  # a return visit's answer is written by the system: msgid + parameters
        customer_opinion=opinion,
        satisfied=satisfied,
        at=at,
    )
    _save(ticket, [])
    _event(ticket, EventKind.REPLIED, actor, reply=reply.pk, method=method, satisfied=satisfied)
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.TICKET_REPLIED, at=at)
    if satisfied is False and ticket.status in (Status.RESOLVED, Status.CLOSED):
        # Reopening tells the person concerned (R-CP-6).
        said = opinion[:500] if opinion else (content if isinstance(content, Text) else content[:500])
        reason = t(gettext_noop("客户不满意：%(opinion)s"), opinion=said)
        ticket_transition(actor=actor, ticket=ticket, to_status=Status.IN_PROGRESS, reason=reason)
    elif opinion or satisfied is not None:
        notices.customer_answered(ticket, actor=actor, text=_verdict(satisfied, opinion), key=f"reply{reply.pk}")
    return reply


def _verdict(satisfied: bool | None, opinion: str) -> Text | str:
    """What the customer said of a reply, for the person concerned: satisfied or not, and their words."""
    if satisfied is None:
        return opinion
    verdict = t(gettext_noop("满意")) if satisfied else t(gettext_noop("不满意"))
    return t(gettext_noop("%(verdict)s　%(opinion)s"), verdict=verdict, opinion=opinion) if opinion else verdict


@transaction.atomic
def ticket_add_note(*, actor, ticket: Ticket, text: Text | str, interaction: int | None = None) -> TicketEvent:
    """An internal note on the ticket's timeline (not shown to the customer); ``interaction`` links the
    front-desk record of a customer's follow-up call or visit."""
    ticket = _lock(ticket, None)
    require(actor, "ticket.work", ticket, _("您无权处理该工单"))
    text = _clean_text(text, "text")
    _save(ticket, [])
    data = {"interaction": interaction} if interaction is not None else {}
    event = _event(ticket, EventKind.NOTE, actor, reason=text, **data)
    if interaction is not None:
        # The customer called or came again about the matter: whoever answers for it hears of it.
        notices.customer_answered(ticket, actor=actor, text=text, key=f"interaction{interaction}")
    return event


@transaction.atomic
def ticket_link(*, actor, from_ticket: Ticket, to_ticket: Ticket, kind: str, reason: str = "") -> TicketLink:
    """Link two tickets of the same service center (duplicate-of, parent-of, related)."""
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("未知的关联类型：%(v)s") % {"v": kind}})
    if from_ticket.pk == to_ticket.pk:
        raise ValidationError({"to_ticket": _("不能关联工单自身")})
    if from_ticket.service_center_id != to_ticket.service_center_id:
        raise ValidationError({"to_ticket": _("只能关联同一服务中心的工单")})
    for ticket in (from_ticket, to_ticket):
        require(actor, "ticket.work", ticket, _("您无权处理该工单"))
    first, second = sorted([from_ticket.pk, to_ticket.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    if TicketLink.objects.filter(from_ticket=from_ticket, to_ticket=to_ticket, kind=kind).exists():
        raise ValidationError({"to_ticket": _("这两张工单已有此关联")})
    if (
        kind == LinkKind.PARENT_OF
        and TicketLink.objects.filter(from_ticket=to_ticket, to_ticket=from_ticket, kind=LinkKind.PARENT_OF).exists()
    ):
        raise ValidationError({"to_ticket": _("不能形成互为父子的关联")})
    link = TicketLink.objects.create(from_ticket=from_ticket, to_ticket=to_ticket, kind=kind, created_by=actor)
    for ticket in locked.values():
        _save(ticket, [])
        _event(
            ticket,
            EventKind.LINKED,
            actor,
            reason=_clean_text(reason, "reason", required=False, limit=500),
            link=link.pk,
            link_kind=kind,
            from_ticket=from_ticket.number,
            to_ticket=to_ticket.number,
        )
    return link


@transaction.atomic
def ticket_attach(*, actor, ticket: Ticket, upload, note: str = "") -> Attachment:
    """Attach a photo (JPEG/PNG/GIF/WebP/HEIC) or a scan (PDF) of at most PROPDESK_ATTACHMENT_MAX_BYTES."""
    ticket = _lock(ticket, None)
    require(actor, "ticket.work", ticket, _("您无权处理该工单"))
    limit = settings.PROPDESK_ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise field_error("file", _("文件是空的"), "empty")
    if upload.size > limit:
        raise field_error("file", _("文件不能超过 %(mb)s MB") % {"mb": limit // 2**20}, "too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    content_type = sniff_type(head, name)
    if content_type is None:
        raise field_error("file", _("只能上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件"), "invalid_type")
    attachment = Attachment(
        ticket=ticket,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        note=_clean_text(note, "note", required=False, limit=200),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _save(ticket, [])
    _event(ticket, EventKind.ATTACHMENT, actor, attachment=attachment.pk, name=name, size=upload.size)
    return attachment
