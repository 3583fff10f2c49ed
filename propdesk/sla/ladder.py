"""Policies, deadlines and the escalation ladder of one SLA target, and the registry through which the
apps above learn of escalations (sla imports none of them)."""

import copy
import datetime as dt
from dataclasses import dataclass

from . import config
from .calendar import compute_deadline
from .choices import TargetState
from .models import SlaPolicy, SlaTarget
from .rules import spec_for

OPEN_TARGET_STATES = (TargetState.RUNNING, TargetState.PAUSED, TargetState.BREACHED)


# ----------------------------------------------------------------------------- policies


# The ticket timeline records escalations in its own event log: the ticket app registers a listener
# ``listener(ticket=…, actor=…, reason=…, data=…)`` at start-up; sla imports nothing of tickets.
_escalation_listeners: list = []


def on_escalation(listener):
    """Register a listener called, in the same transaction, when a ladder step is taken or acknowledged."""
    if listener not in _escalation_listeners:
        _escalation_listeners.append(listener)
    return listener


def _announce(*, ticket, actor, reason: str, data: dict) -> None:
    for listener in _escalation_listeners:
        listener(ticket=ticket, actor=actor, reason=reason, data=data)


def policies_for(ticket, trigger: str) -> list[SlaPolicy]:
    """Active policies started by ``trigger`` that apply to the ticket; a center's own policy replaces
    the company default of the same code. Read from the active policies the process keeps (``sla.config``);
    each call gets its own copies of the rows."""
    rows = [p for p in _active_policies().get(trigger, ()) if p.service_center_id in (None, ticket.service_center_id)]
    overridden = {p.code for p in rows if p.service_center_id is not None}
    chosen = [p for p in rows if p.service_center_id is not None or p.code not in overridden]
    return [copy.copy(p) for p in chosen if _applies(p, ticket)]


def _active_policies() -> dict[str, tuple[SlaPolicy, ...]]:
    """Every active policy with its calendar, by start event, in the policies' order (code, center)."""
    return config.kept("policies", None, _load_active_policies)


def _load_active_policies() -> dict[str, tuple[SlaPolicy, ...]]:
    by_trigger: dict[str, list[SlaPolicy]] = {}
    for policy in SlaPolicy.objects.filter(is_active=True).select_related("calendar"):
        by_trigger.setdefault(policy.start_event, []).append(policy)
    return {trigger: tuple(rows) for trigger, rows in by_trigger.items()}


def _applies(policy: SlaPolicy, ticket) -> bool:
    return (
        (not policy.kinds or ticket.kind in policy.kinds)
        and (not policy.sources or ticket.source in policy.sources)
        and (not policy.priorities or ticket.priority in policy.priorities)
    )


# ----------------------------------------------------------------------------- deadlines


def _pauses(target: SlaTarget) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b) if b else None) for a, b in target.pauses]


def recompute(target: SlaTarget) -> None:
    """Due and warning moments from the start, the policy and the pauses so far."""
    policy = target.policy
    if target.fixed_due_at is not None:
        # A deadline set by the situation (the end of a shift): warn at the policy's share of the time.
        target.due_at = target.fixed_due_at
        span = target.fixed_due_at - target.started_at
        target.warn_at = target.started_at + span * policy.warn_ratio if 0 < policy.warn_ratio < 1 else None
        target.next_check_at = next_check(target)
        return
    deadline = compute_deadline(
        started_at=target.started_at,
        duration=policy.duration,
        spec=spec_for(policy.calendar),
        pauses=_pauses(target),
        warn_ratio=policy.warn_ratio,
        same_business_day=policy.same_business_day,
    )
    target.due_at = deadline.due_at
    target.warn_at = deadline.warn_at
    target.next_check_at = next_check(target)


@dataclass(frozen=True)
class LadderStep:
    level: int
    when: str  # "start" | "warn" | "due"
    at: dt.datetime
    notify: tuple[str, ...]


def ladder(target: SlaTarget) -> list[LadderStep]:
    """The policy's escalation ladder as concrete moments for this target: a step "start" is taken when the
    clock starts (a superior told of a major matter, R-FB-3), "warn" at the warning, "due" at the deadline."""
    steps = []
    for level, step in enumerate(target.policy.ladder, start=1):
        when = step.get("when", "due")
        base = {"start": target.started_at, "warn": target.warn_at}.get(when, target.due_at)
        if base is None:
            continue
        at = base + dt.timedelta(minutes=step.get("after_minutes", 0))
        steps.append(LadderStep(level, when, at, tuple(step.get("notify", []))))
    return steps


def next_check(target: SlaTarget) -> dt.datetime | None:
    """When the sweeper must look at this target next: the next untaken step, or the breach itself."""
    if target.state not in (TargetState.RUNNING, TargetState.BREACHED) or target.stopped_at:
        return None
    pending = [s.at for s in ladder(target) if s.level > target.escalation_level]
    if target.breached_at is None and target.due_at is not None:
        pending.append(target.due_at)
    return min(pending) if pending else None


def _responsible(target: SlaTarget, ticket) -> tuple[int | None, int | None]:
    """Who answers for this clock: a work order's clock belongs to its worker, a ticket's to its owner."""
    if target.work_order_id:
        worker = target.work_order.assignee_id
        return worker or target.owner_id, target.department_id
    return ticket.assignee_id or target.owner_id, ticket.team_id or target.department_id
