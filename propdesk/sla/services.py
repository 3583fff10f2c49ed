"""The SLA engine's writes: clocks started, paused, resumed and stopped by ticket events; the sweeper that
records warnings, breaches and escalation steps; acknowledgements.

Ticket services call ``on_ticket_event`` and ``on_ticket_status`` inside their own transaction, so a
deadline row exists exactly when the change that caused it is committed.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core.people import person_name
from propdesk.core.permissions import require
from propdesk.core.texts import Text, t

from . import permissions  # noqa: F401  (declares the SLA rules)
from .choices import TargetState, Trigger
from .ladder import (
    OPEN_TARGET_STATES,
    LadderStep,
    _announce,
    _responsible,
    ladder,
    next_check,
    on_escalation,
    policies_for,
    recompute,
)
from .models import EscalationStep, SlaTarget
from .sweeper import _ROLE_FOR, SweepResult, mark_breaches, recipients_for, sweep, take_start_steps

__all__ = [
    "OPEN_TARGET_STATES",
    "_ROLE_FOR",
    "LadderStep",
    "SweepResult",
    "escalation_acknowledge",
    "ladder",
    "mark_breaches",
    "next_check",
    "on_escalation",
    "on_ticket_created",
    "on_ticket_event",
    "on_ticket_status",
    "policies_for",
    "recipients_for",
    "recompute",
    "sweep",
]

log = logging.getLogger("propdesk.sla")


# ----------------------------------------------------------------------------- ticket hooks


def on_ticket_event(
    *,
    ticket,
    trigger: str,
    at: dt.datetime | None = None,
    work_order=None,
    due_at: dt.datetime | None = None,
) -> None:
    """Stop the clocks this event stops, then start the clocks it starts.

    Work-order events (``work.*``) concern that work order's clocks only. ``due_at`` fixes the deadline of
    the clocks the event starts (the end of the worker's shift, the reply time agreed with a customer); without
    it the policy's duration on its calendar decides."""
    at = at or timezone.now()
    open_targets = list(
        SlaTarget.objects.select_for_update()
        .filter(ticket=ticket, state__in=OPEN_TARGET_STATES, stopped_at__isnull=True)
        # A work order's event concerns the ticket's own clocks and that work order's, not its siblings'.
        .filter(Q(work_order__isnull=True) | Q(work_order=work_order) if work_order is not None else Q())
        .select_related("policy__calendar")
    )
    for target in open_targets:
        if trigger == Trigger.TICKET_CANCELLED:
            _finish(target, TargetState.CANCELLED, at, ticket)
        elif trigger in target.policy.stop_events:
            _stop(target, at, ticket)
    if trigger == Trigger.TICKET_CANCELLED:
        return
    running_policies = {
        t.policy_id
        for t in open_targets
        if t.stopped_at is None
        and t.state != TargetState.BREACHED
        and t.work_order_id == getattr(work_order, "pk", None)
    }
    for policy in policies_for(ticket, trigger):
        if policy.pk in running_policies:
            continue
        if policy.clock_from_receipt and (
            SlaTarget.objects.filter(ticket=ticket, policy=policy).exclude(state=TargetState.CANCELLED).exists()
        ):
            continue  # measured from receipt once: asking again does not measure the receipt again
        target = SlaTarget(
            ticket=ticket,
            policy=policy,
            service_center_id=ticket.service_center_id,
            kind=ticket.kind,
            started_at=ticket.received_at if policy.clock_from_receipt else at,
            owner=getattr(work_order, "assignee", None) or ticket.assignee,
            department=ticket.team,
            work_order=work_order,
            fixed_due_at=due_at,
        )
        target.policy = policy
        if ticket.status in policy.pause_statuses:
            target.state = TargetState.PAUSED
            target.pauses = [[at.isoformat(), None]]
        recompute(target)
        target.save()
        if trigger in policy.stop_events:
            # The event that starts this clock also stops it: measured from receipt to now.
            _stop(target, at, ticket)
        else:
            take_start_steps(target, ticket)


def on_ticket_created(*, ticket, at: dt.datetime) -> None:
    """The clocks a ticket created in this transaction starts: ``on_ticket_event(trigger=TICKET_CREATED)``
    without its reads (a new ticket has no deadline rows to stop, pause or find measured already), the rows
    written in one statement."""
    targets = []
    for policy in policies_for(ticket, Trigger.TICKET_CREATED):
        target = SlaTarget(
            ticket=ticket,
            policy=policy,
            service_center_id=ticket.service_center_id,
            kind=ticket.kind,
            started_at=ticket.received_at if policy.clock_from_receipt else at,
            owner=ticket.assignee,
            department=ticket.team,
        )
        if ticket.status in policy.pause_statuses:
            target.state = TargetState.PAUSED
            target.pauses = [[at.isoformat(), None]]
        recompute(target)
        targets.append(target)
    SlaTarget.objects.bulk_create(targets)
    for target in targets:
        if Trigger.TICKET_CREATED in target.policy.stop_events:
            _stop(target, at, ticket)
        else:
            take_start_steps(target, ticket)


def _stop(target: SlaTarget, at: dt.datetime, ticket) -> None:
    if target.state == TargetState.PAUSED:
        # Stopped while paused: the pause ends now and the deadline moves out by it before judging.
        target.pauses = [[a, b or at.isoformat()] for a, b in target.pauses]
        target.state = TargetState.RUNNING
        recompute(target)
    if target.state == TargetState.BREACHED or (target.due_at is not None and at > target.due_at):
        if target.breached_at is None:
            target.breached_at = target.due_at
            target.breach_recorded_at = timezone.now()
        _finish(target, TargetState.BREACHED, at, ticket)
    else:
        _finish(target, TargetState.MET, at, ticket)


def _finish(target: SlaTarget, state: str, at: dt.datetime, ticket) -> None:
    if target.state == TargetState.PAUSED:
        target.pauses = [[a, b or at.isoformat()] for a, b in target.pauses]
    target.state = state
    target.stopped_at = at
    target.next_check_at = None
    target.owner_id, target.department_id = _responsible(target, ticket)
    target.save()


def on_ticket_status(*, ticket, from_status: str, to_status: str, at: dt.datetime | None = None) -> None:
    """Pause clocks whose policy pauses in the new state; resume those paused by the old one."""
    at = at or timezone.now()
    for target in (
        SlaTarget.objects.select_for_update()
        .filter(ticket=ticket, state__in=(TargetState.RUNNING, TargetState.PAUSED))
        .select_related("policy__calendar")
    ):
        pausing = to_status in target.policy.pause_statuses
        if target.state == TargetState.RUNNING and pausing:
            target.state = TargetState.PAUSED
            target.pauses = [*target.pauses, [at.isoformat(), None]]
            target.next_check_at = None
            target.save()
        elif target.state == TargetState.PAUSED and not pausing:
            target.pauses = [[a, b or at.isoformat()] for a, b in target.pauses]
            target.state = TargetState.RUNNING
            recompute(target)
            target.save()


def _acknowledged(step: EscalationStep) -> Text:
    if step.acknowledgement:
        return t(gettext_noop("已确认升级（第 %(level)s 级）：%(note)s"), level=step.level, note=step.acknowledgement)
    return t(gettext_noop("已确认升级（第 %(level)s 级）"), level=step.level)


@transaction.atomic
def escalation_acknowledge(*, actor, step: EscalationStep, note: str = "") -> EscalationStep:
    """A notified person (or a supervisor of the ticket) confirms they have taken the escalation in hand."""
    step = EscalationStep.objects.select_for_update().select_related("target__ticket").get(pk=step.pk)
    ticket = step.target.ticket
    require(actor, "escalation.acknowledge", step, _("您无权确认该升级"))
    if step.acknowledged_at is not None:
        raise ValidationError(_("该升级已由 %(who)s 确认") % {"who": person_name(step.acknowledged_by)})
    step.acknowledged_by = actor
    step.acknowledged_at = timezone.now()
    step.acknowledgement = (note or "").strip()[:200]
    step.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement"])
    _announce(
        ticket=ticket,
        actor=actor,
        reason=_acknowledged(step),
        data={"acknowledged_step": step.pk},
    )
    return step
