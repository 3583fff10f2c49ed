"""A ticket's way through its states: transitions, hand-off to the control center, assignment, escalation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.permissions import can, require
from propdesk.core.texts import Text
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger

from .. import (
    events,
    permissions,  # noqa: F401  (declares the ticket rules)
)
from ..choices import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    REASON_REQUIRED,
    EventKind,
    Status,
    is_reopen,
)
from ..models import Ticket, TicketEvent
from . import notices
from .base import _clean_text, _event, _lock, _reopened_listeners, _save, _transition_checks, control_center_of


@transaction.atomic
def ticket_transition(
    *,
    actor,
    ticket: Ticket,
    to_status: str,
    reason: Text | str = "",
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
    for check in _transition_checks:
        check(ticket=ticket, to_status=to_status, actor=actor)
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
    notices.resident_status(ticket, actor=actor, from_status=from_status, to_status=to_status, reopened=reopened)
    trigger = STATUS_TRIGGERS.get(to_status)
    if reopened:
        trigger = Trigger.TICKET_REOPENED
        notices.reopened(ticket, actor=actor, reason=reason)
    if trigger:
        sla.on_ticket_event(ticket=ticket, trigger=trigger, at=now)
    if reopened:
        for listener in _reopened_listeners:
            listener(ticket=ticket, actor=actor, reason=reason)
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
    if ticket.team_id == control.pk:
        # Pressed twice, or from a page opened before someone else handed it off: nothing to pass on.
        raise field_error("team", _already_there(ticket, control), "already_handed_off")
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
    notices.handed_off(ticket, actor=actor)
    return ticket


def _already_there(ticket: Ticket, control) -> str:
    if ticket.handed_off_at is None:
        return _("该工单已由%(team)s负责，无需转交") % {"team": control.name}
    return _("该工单已于 %(at)s 转交%(team)s，无需再次转交") % {
        "team": control.name,
        "at": timezone.localtime(ticket.handed_off_at).strftime("%m-%d %H:%M"),
    }


@transaction.atomic
def ticket_assign(
    *, actor, ticket: Ticket, assignee, reason: Text | str = "", expected_version: int | None = None, on_behalf_of=None
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
    notices.assigned(ticket, actor=actor)
    return ticket


def record_escalation(*, ticket: Ticket, actor, reason: Text | str, data: dict) -> TicketEvent:
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
