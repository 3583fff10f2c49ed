"""Every write to a ticket: create, transition, hand off, assign, reply, note, link, attach.

Each service locks the ticket row, validates, writes, bumps ``version`` and appends a TicketEvent.
Callers that showed the user a version pass ``expected_version``; a stale one is refused instead
of silently overwriting someone else's change.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.communities.validators import normalize_phone, validate_phone
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.files import sniff_type
from propdesk.core.permissions import can, require
from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Department
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger

from . import (
    events,
    permissions,  # noqa: F401  (declares the ticket rules)
)
from .choices import (
    ALLOWED_TRANSITIONS,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    REASON_REQUIRED,
    Channel,
    EventKind,
    Kind,
    LinkKind,
    Priority,
    ReplyMethod,
    Source,
    Status,
    is_reopen,
)
from .models import Attachment, Reply, Ticket, TicketCounter, TicketEvent, TicketLink

CONTENT_MAX = 5000
# Received-at may run slightly ahead of the server clock (a phone's clock); more is refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


# Called with ``ticket=`` inside ticket_create's transaction. The ticket core knows nothing of the apps
# above it; they register here at start-up (AppConfig.ready) instead of being imported.
_created_listeners: list = []


def on_ticket_created(listener):
    """Register ``listener(ticket=…)`` to run when a ticket is created (with ``create_work_order``)."""
    if listener not in _created_listeners:
        _created_listeners.append(listener)
    return listener


# --------------------------------------------------------------------------- helpers


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("该工单已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": locked.version}, code="stale_version"
        )
    return locked


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    ticket.refresh_from_db(fields=["version"])


_event = events.record


def _clean_text(value: str, field: str, *, required: bool = True, limit: int = CONTENT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, _("不能为空"), "required")
    if len(value) > limit:
        raise field_error(field, _("不能超过 %(n)s 个字") % {"n": limit}, "max_length")
    return value


def validate_received_at(received_at: dt.datetime | None, household: Household | None) -> dt.datetime:
    """Received-at for a new record: now when not given; never in the future; never before the household
    existed. Back-filled records keep their real receipt time (R-IN-6)."""
    now = timezone.now()
    if received_at is None:
        return now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now + FUTURE_TOLERANCE:
        raise field_error("received_at", _("接报时间不能晚于当前时间"), "future")
    if household is not None:
        if household.moved_in:
            earliest = timezone.make_aware(dt.datetime.combine(household.moved_in, dt.time.min))
        else:
            earliest = household.created_at
        if earliest and received_at < earliest:
            raise field_error(
                "received_at",
                _("接报时间早于该住户建档/入住时间（%(t)s）") % {"t": timezone.localtime(earliest)},
                "before_household",
            )
    return min(received_at, now)


@dataclass(frozen=True)
class Party:
    """Who a record is about, resolved and checked for consistency."""

    community: Community
    unit: Unit | None
    household: Household | None
    resident: Resident | None


def resolve_party(
    *, community: Community | None, unit: Unit | None, household: Household | None, resident: Resident | None
) -> Party:
    """Fill in the coarser levels from the finer ones and refuse contradictions."""
    if resident is not None:
        if household is not None and resident.household_id != household.pk:
            raise ValidationError({"resident": _("联系人不属于该住户")})
        household = resident.household
    if household is not None:
        if unit is not None and household.unit_id != unit.pk:
            raise ValidationError({"household": _("住户与房号不一致")})
        if not household.is_active:
            raise ValidationError({"household": _("该住户已迁出")})
        unit = household.unit
    if unit is not None:
        unit_community_id = unit.building.community_id
        if community is not None and unit_community_id != community.pk:
            raise ValidationError({"unit": _("房号不属于所选小区")})
        community = unit.building.community
        if household is None:
            household = Household.objects.filter(unit=unit, is_active=True).first()
    if community is None:
        raise field_error("community", _("请选择小区或房号"), "required")
    return Party(community, unit, household, resident)


def next_number(*, service_center_id: int, kind: str, received_at: dt.datetime) -> str:
    """BX-20261122-0007: kind prefix, local receipt day, a per-center daily sequence. Call inside a transaction."""
    prefix = NUMBER_PREFIX[kind]
    day = timezone.localdate(received_at)
    counter, _created = TicketCounter.objects.select_for_update().get_or_create(
        service_center_id=service_center_id, prefix=prefix, day=day
    )
    TicketCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{prefix}-{day:%Y%m%d}-{counter.last:04d}"


def control_center_of(service_center_id: int) -> Department | None:
    return Department.objects.filter(service_center_id=service_center_id, kind=DepartmentKind.CONTROL_CENTER).first()


# --------------------------------------------------------------------------- services


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
    ``hand_off`` passes it to the control center in the same step (R-IN-2)."""
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
    content = _clean_text(content, "content")
    title = _clean_text(title, "title", required=False, limit=100) or content.splitlines()[0][:30]
    if contact_phone:
        try:
            validate_phone(contact_phone)
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages[0]}) from exc
        contact_phone = normalize_phone(contact_phone)
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
    # The related rows were resolved and checked above; re-reading each of them would double the queries.
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
        channel=channel,
        received_at=received_at.isoformat(),
        backfilled=ticket.is_backfilled,
    )
    # Clocks run from the real receipt time, so a back-filled ticket may already be late (R-IN-6).
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.TICKET_CREATED, at=received_at)
    if create_work_order:
        # Apps above the ticket core open work for it in this transaction: dispatch puts repairs and
        # special services straight onto the control center's board (R-WO-1).
        for listener in _created_listeners:
            listener(ticket=ticket)
    if hand_off:
        ticket_hand_off(actor=actor, ticket=ticket)
        ticket.refresh_from_db()
    return ticket


@transaction.atomic
def ticket_transition(
    *,
    actor,
    ticket: Ticket,
    to_status: str,
    reason: str = "",
    expected_version: int | None = None,
    on_behalf_of=None,
    check_permission: bool = True,
) -> Ticket:
    """The only place a ticket's status changes; checks ALLOWED_TRANSITIONS.

    ``check_permission=False`` is for other services that move the ticket as a consequence of a step the
    actor was allowed to take (a worker's sign-off resolves the ticket); the actor is still recorded."""
    ticket = _lock(ticket, expected_version)
    if check_permission:
        action = "ticket.cancel" if to_status == Status.CANCELLED else "ticket.work"
        require(actor, action, ticket, _("您无权处理该工单"))
    if to_status not in Status.values:
        raise field_error("status", _("未知的状态：%(v)s") % {"v": to_status}, "invalid")
    from_status = ticket.status
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise field_error(
            "status",
            _("工单状态不能从“%(a)s”变为“%(b)s”") % {"a": Status(from_status).label, "b": Status(to_status).label},
            "illegal_transition",
        )
    reason = _clean_text(reason, "reason", required=to_status in REASON_REQUIRED or is_reopen(from_status, to_status))
    now = timezone.now()
    ticket.status = to_status
    fields = ["status"]
    if to_status == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    if to_status in (Status.CLOSED, Status.CANCELLED):
        ticket.closed_at = now
        fields.append("closed_at")
    reopened = is_reopen(from_status, to_status)
    if reopened:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.closed_at = None
        fields += ["reopen_count", "resolved_at", "closed_at"]
    _save(ticket, fields)
    _event(
        ticket,
        EventKind.REOPENED if reopened else EventKind.STATUS_CHANGED,
        actor,
        reason=reason,
        on_behalf_of=on_behalf_of,
        from_status=from_status,
        to_status=to_status,
    )
    sla.on_ticket_status(ticket=ticket, from_status=from_status, to_status=to_status, at=now)
    trigger = STATUS_TRIGGERS.get(to_status)
    if reopened:
        trigger = Trigger.TICKET_REOPENED
    if trigger:
        sla.on_ticket_event(ticket=ticket, trigger=trigger, at=now)
    return ticket


STATUS_TRIGGERS = {
    Status.RESOLVED: Trigger.TICKET_RESOLVED,
    Status.CLOSED: Trigger.TICKET_CLOSED,
    Status.CANCELLED: Trigger.TICKET_CANCELLED,
}


@transaction.atomic
def ticket_hand_off(*, actor, ticket: Ticket, reason: str = "", expected_version: int | None = None) -> Ticket:
    """Pass a ticket to the control center of its service center (R-IN-2): one action from any staff page.
    The first responder stays recorded; the ticket leaves the actor's hands."""
    ticket = _lock(ticket, expected_version)
    require(actor, "ticket.hand_off", ticket, _("您无权转交该工单"))
    if ticket.status not in OPEN_STATUSES:
        raise field_error("status", _("已办结或已关闭的工单不能转交"), "closed")
    control = control_center_of(ticket.service_center_id)
    if control is None:
        raise ValidationError(_("该服务中心尚未设置控制中心部门"), code="no_control_center")
    previous = ticket.assignee_id
    ticket.team = control
    ticket.assignee = None
    ticket.handed_off_at = timezone.now()
    _save(ticket, ["team", "assignee", "handed_off_at"])
    _event(
        ticket,
        EventKind.HANDED_OFF,
        actor,
        reason=_clean_text(reason, "reason", required=False, limit=500),
        from_assignee=previous,
        to_team=control.pk,
    )
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.TICKET_HANDED_OFF, at=ticket.handed_off_at)
    return ticket


@transaction.atomic
def ticket_assign(
    *, actor, ticket: Ticket, assignee, reason: str = "", expected_version: int | None = None, on_behalf_of=None
) -> Ticket:
    """Make ``assignee`` (staff of the ticket's community) responsible for the ticket."""
    ticket = _lock(ticket, expected_version)
    require(actor, "ticket.assign", ticket, _("您无权指派该工单"))
    if ticket.status not in OPEN_STATUSES:
        raise field_error("status", _("已办结或已关闭的工单不能指派"), "closed")
    if not assignee.is_active or not can(assignee, "ticket.be_assigned", ticket):
        raise field_error("assignee", _("该员工不在本小区任职，不能指派"), "invalid_assignee")
    previous = ticket.assignee_id
    if previous == assignee.pk:
        return ticket
    ticket.assignee = assignee
    profile = getattr(assignee, "staff_profile", None)
    ticket.team = profile.department if profile else ticket.team
    _save(ticket, ["assignee", "team"])
    _event(
        ticket,
        EventKind.ASSIGNED,
        actor,
        reason=_clean_text(reason, "reason", required=False, limit=500),
        on_behalf_of=on_behalf_of,
        from_assignee=previous,
        to_assignee=assignee.pk,
    )
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.TICKET_ASSIGNED)
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    actor,
    ticket: Ticket,
    method: str,
    content: str,
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
        ticket=ticket, by=actor, method=method, content=content, customer_opinion=opinion, satisfied=satisfied, at=at
    )
    _save(ticket, [])
    _event(ticket, EventKind.REPLIED, actor, reply=reply.pk, method=method, satisfied=satisfied)
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.TICKET_REPLIED, at=at)
    if satisfied is False and ticket.status in (Status.RESOLVED, Status.CLOSED):
        ticket_transition(
            actor=actor, ticket=ticket, to_status=Status.IN_PROGRESS, reason=_("客户不满意：") + (opinion or content)
        )
    return reply


@transaction.atomic
def ticket_add_note(*, actor, ticket: Ticket, text: str) -> TicketEvent:
    """An internal note on the ticket's timeline (not shown to the customer)."""
    ticket = _lock(ticket, None)
    require(actor, "ticket.work", ticket, _("您无权处理该工单"))
    text = _clean_text(text, "text")
    _save(ticket, [])
    return _event(ticket, EventKind.NOTE, actor, reason=text)


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


def record_escalation(*, ticket: Ticket, actor, reason: str, data: dict) -> TicketEvent:
    """The ticket's own record of an escalation step the SLA engine took or someone acknowledged."""
    return events.record(ticket, EventKind.ESCALATED, actor, reason=reason, **data)


@transaction.atomic
def ticket_request_decision(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """Record that the matter needs a superior's decision (R-FB-2): measured against "within 2 h of
    receipt", and the superior's answer is due within 24 h."""
    ticket = _lock(ticket, None)
    require(actor, "ticket.work", ticket, _("您无权处理该工单"))
    if ticket.status not in OPEN_STATUSES:
        raise field_error("status", _("已办结或已关闭的工单不能上报"), "closed")
    reason = _clean_text(reason, "reason", limit=500)
    _save(ticket, [])
    _event(ticket, EventKind.ESCALATED, actor, reason=reason, decision_requested=True)
    sla.on_ticket_event(ticket=ticket, trigger=Trigger.ESCALATION_REQUESTED)
    return ticket
