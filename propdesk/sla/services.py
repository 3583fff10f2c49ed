"""The SLA engine's writes: clocks started, paused, resumed and stopped by ticket events; the sweeper that
records warnings, breaches and escalation steps; acknowledgements.

Ticket services call ``on_ticket_event`` and ``on_ticket_status`` inside their own transaction, so a
deadline row exists exactly when the change that caused it is committed.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.notify.services import Message, notify
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import RoleMembership

from .calendar import compute_deadline
from .choices import LadderRole, TargetState, Trigger
from .models import EscalationStep, SlaPolicy, SlaTarget
from .rules import spec_for

log = logging.getLogger("propdesk.sla")

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
    the company default of the same code."""
    rows = list(
        SlaPolicy.objects.filter(is_active=True, start_event=trigger)
        .filter(Q(service_center__isnull=True) | Q(service_center=ticket.service_center_id))
        .select_related("calendar")
    )
    overridden = {p.code for p in rows if p.service_center_id is not None}
    chosen = [p for p in rows if p.service_center_id is not None or p.code not in overridden]
    return [p for p in chosen if _applies(p, ticket)]


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
    when: str  # "warn" | "due"
    at: dt.datetime
    notify: tuple[str, ...]


def ladder(target: SlaTarget) -> list[LadderStep]:
    """The policy's escalation ladder as concrete moments for this target."""
    steps = []
    for level, step in enumerate(target.policy.ladder, start=1):
        when = step.get("when", "due")
        base = target.warn_at if when == "warn" else target.due_at
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

    Work-order events (``work.*``) concern that work order's clocks only; ``due_at`` fixes the deadline of
    the clocks they start (e.g. the end of the worker's shift)."""
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
            fixed_due_at=due_at if work_order is not None else None,
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


# ----------------------------------------------------------------------------- the sweeper


@dataclass
class SweepResult:
    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0


def sweep(*, now: dt.datetime | None = None, batch: int = 500, max_batches: int = 1000) -> SweepResult:
    """Take every target whose next check is due, record what has happened, plan its next check.

    Reads only the ``next_check_at`` index. On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED,
    so several workers on several machines share the work and never take the same row; each batch
    commits on its own, so a crash loses at most the batch in hand, which the next sweep takes again.
    """
    result = SweepResult()
    skip_locked = connection.features.has_select_for_update_skip_locked
    result.breaches += mark_breaches(now=now or timezone.now())
    people = _RecipientCache()
    for _batch in range(max_batches):
        moment = now or timezone.now()
        with transaction.atomic():
            qs = SlaTarget.objects.filter(next_check_at__lte=moment).order_by("next_check_at")
            if skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            # Claim by id on the bare index first (an idle sweep stops here, cheaply), then load the rows
            # with everything the ladder reads.
            ids = list(qs.values_list("pk", flat=True)[:batch])
            rows = (
                list(SlaTarget.objects.filter(pk__in=ids).select_related(*SWEEP_RELATED).order_by("next_check_at"))
                if ids
                else []
            )
            for target in rows:
                _advance(target, moment, result, people)
            result.checked += len(rows)
        if len(rows) < batch:
            break
    return result


# Everything a ladder step reads, loaded with the claimed rows (no per-row lookups).
SWEEP_RELATED = (
    "policy__calendar",
    "ticket__assignee__staff_profile",
    "ticket__first_responder__staff_profile",
    "ticket__team",
    "ticket__service_center__branch",
    "work_order__assignee__staff_profile",
)


def mark_breaches(*, now: dt.datetime) -> int:
    """Record every breach that has happened, in one statement, before the (slower) escalation steps.

    A breach is therefore on record within one sweep interval however many clocks fall due together;
    the ladder's notifications follow batch by batch. It reads the pending rows exactly as the sweeper's
    claim does (the partial index on next_check_at, in order, with a limit) and picks the due ones in
    Python, so the planner is never tempted by the large due_at index. Rows another worker holds are
    skipped (PostgreSQL SKIP LOCKED): this never waits on, or deadlocks with, a sweep in progress; more
    than MARK_CHUNK at once are left to the batches and the next sweep."""
    pending = SlaTarget.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        rows = pending.values_list("pk", "due_at", "state", "breached_at", "stopped_at")[:MARK_CHUNK]
        ids = [
            pk
            for pk, due_at, state, breached_at, stopped_at in rows
            if state == TargetState.RUNNING and breached_at is None and stopped_at is None and due_at and due_at <= now
        ]
        if not ids:
            return 0
        return SlaTarget.objects.filter(pk__in=ids).update(
            state=TargetState.BREACHED, breached_at=F("due_at"), breach_recorded_at=timezone.now()
        )


MARK_CHUNK = 20000


class _RecipientCache:
    """Role holders per (community, roles) for the length of one sweep: thousands of steps of the same
    community look the people up once."""

    def __init__(self):
        self.by_key: dict[tuple, list] = {}

    def get(self, ticket, roles, owner=None) -> list:
        others = tuple(sorted(r for r in roles if r != LadderRole.OWNER))
        key = (ticket.community_id, others)
        if key not in self.by_key:
            self.by_key[key] = recipients_for(ticket, others) if others else []
        users = {u.pk: u for u in self.by_key[key]}
        if LadderRole.OWNER in roles:
            for user in recipients_for(ticket, [LadderRole.OWNER], owner=owner, role_cache=self):
                users[user.pk] = user
        return list(users.values())


def _advance(target: SlaTarget, now: dt.datetime, result: SweepResult, people: "_RecipientCache | None" = None) -> None:
    ticket = target.ticket
    for step in ladder(target):
        if step.level <= target.escalation_level:
            continue
        if step.at > now:
            break
        if step.when == "due" and target.breached_at is None:
            _breach(target, now, ticket)
            result.breaches += 1
        elif step.when == "due" and not _due_step_taken(target):
            # Marked by mark_breaches: who answers for it is settled with the first escalation.
            target.owner_id, target.department_id = _responsible(target, ticket)
        if not _take_step(target, step, ticket, people):
            continue
        if step.when == "warn":
            result.warnings += 1
        else:
            result.escalations += 1
    if target.breached_at is None and target.due_at is not None and target.due_at <= now:
        _breach(target, now, ticket)
        result.breaches += 1
    target.next_check_at = next_check(target)
    target.save(
        update_fields=[
            "state",
            "breached_at",
            "breach_recorded_at",
            "escalation_level",
            "next_check_at",
            "owner",
            "department",
        ]
    )


def _responsible(target: SlaTarget, ticket) -> tuple[int | None, int | None]:
    """Who answers for this clock: a work order's clock belongs to its worker, a ticket's to its owner."""
    if target.work_order_id:
        worker = target.work_order.assignee_id
        return worker or target.owner_id, target.department_id
    return ticket.assignee_id or target.owner_id, ticket.team_id or target.department_id


def _breach(target: SlaTarget, now: dt.datetime, ticket) -> None:
    target.state = TargetState.BREACHED
    target.breached_at = target.due_at
    target.breach_recorded_at = now
    target.owner_id, target.department_id = _responsible(target, ticket)


def _due_step_taken(target: SlaTarget) -> bool:
    first_due = next((s.level for s in ladder(target) if s.when == "due"), None)
    return first_due is not None and target.escalation_level >= first_due


def _take_step(target: SlaTarget, step: LadderStep, ticket, people: "_RecipientCache | None" = None) -> bool:
    """Take one ladder step; False when it had been taken already."""
    worker = target.work_order.assignee if target.work_order_id and target.work_order.assignee_id else None
    if people is not None:
        recipients = people.get(ticket, step.notify, owner=worker)
    else:
        recipients = recipients_for(ticket, step.notify, owner=worker)
    recipients.sort(key=lambda u: u.pk)
    try:
        with transaction.atomic():
            EscalationStep.objects.create(
                target=target,
                level=step.level,
                when=step.when,
                due_at=step.at,
                recipients=[u.pk for u in recipients],
            )
    except IntegrityError:
        # Taken already (a worker that crashed after committing); never twice.
        target.escalation_level = max(target.escalation_level, step.level)
        return False
    target.escalation_level = step.level
    policy = target.policy
    local_due = timezone.localtime(target.due_at).strftime("%m-%d %H:%M")
    if step.when == "warn":
        subject = _("即将超时：%(ticket)s %(policy)s（%(due)s 到期）") % {
            "ticket": ticket.number,
            "policy": policy.name,
            "due": local_due,
        }
    else:
        subject = _("已超时（第 %(level)s 级）：%(ticket)s %(policy)s（应于 %(due)s 完成）") % {
            "level": step.level,
            "ticket": ticket.number,
            "policy": policy.name,
            "due": local_due,
        }
    _announce(
        ticket=ticket,
        actor=None,
        reason=subject,
        data={"policy": policy.code, "level": step.level, "when": step.when, "recipients": [u.pk for u in recipients]},
    )
    notify(
        recipients=recipients,
        message=Message(
            kind=f"sla.{step.when}",
            subject=subject,
            body=ticket.title,
            url=reverse("tickets:detail", args=[ticket.pk]),
            urgent=step.when == "due",
        ),
        dedupe=f"sla:{target.pk}:L{step.level}",
    )
    return True


_ROLE_FOR = {
    LadderRole.SUPERVISOR: Role.CS_SUPERVISOR,
    LadderRole.MANAGER: Role.CENTER_MANAGER,
    LadderRole.QUALITY: Role.QUALITY_DEPT,
    LadderRole.REPAIR_MANAGER: Role.REPAIR_MANAGER,
    LadderRole.CONTROL: Role.CONTROL_OPERATOR,
}


def recipients_for(ticket, roles, *, owner=None, role_cache: "_RecipientCache | None" = None) -> list:
    """People behind ladder roles for one ticket: its owner (``owner`` when the clock is someone's own,
    e.g. a worker's report), or holders of a role over its community."""
    User = get_user_model()
    users: dict[int, object] = {}
    wanted = [_ROLE_FOR[r] for r in roles if r in _ROLE_FOR]
    if LadderRole.OWNER in roles:
        if owner is not None:
            users[owner.pk] = owner
        elif ticket.assignee_id:
            users[ticket.assignee_id] = ticket.assignee
        elif ticket.team_id and ticket.team.kind == DepartmentKind.CONTROL_CENTER:
            if role_cache is not None:
                users.update((u.pk, u) for u in role_cache.get(ticket, [LadderRole.CONTROL]))
            else:
                wanted.append(Role.CONTROL_OPERATOR)
        else:
            users[ticket.first_responder_id] = ticket.first_responder
    if wanted:
        center = ticket.service_center
        memberships = RoleMembership.objects.filter(is_active=True, role__in=wanted).filter(
            Q(community=ticket.community_id)
            | Q(service_center=center.pk)
            | Q(branch=center.branch_id)
            | Q(company=center.branch.company_id)
        )
        for user in User.objects.filter(is_active=True, pk__in=memberships.values("user")).select_related(
            "staff_profile"
        ):
            users[user.pk] = user
    return list(users.values())


@transaction.atomic
def escalation_acknowledge(*, actor, step: EscalationStep, note: str = "") -> EscalationStep:
    """A notified person (or a supervisor of the ticket) confirms they have taken the escalation in hand."""
    step = EscalationStep.objects.select_for_update().select_related("target__ticket").get(pk=step.pk)
    ticket = step.target.ticket
    if actor.pk not in step.recipients and not type(ticket).objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("您无权确认该升级"))
    if step.acknowledged_at is not None:
        raise ValidationError(_("该升级已由 %(who)s 确认") % {"who": step.acknowledged_by})
    step.acknowledged_by = actor
    step.acknowledged_at = timezone.now()
    step.acknowledgement = (note or "").strip()[:200]
    step.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement"])
    _announce(
        ticket=ticket,
        actor=actor,
        reason=_("已确认升级（第 %(level)s 级）%(note)s") % {"level": step.level, "note": step.acknowledgement},
        data={"acknowledged_step": step.pk},
    )
    return step
