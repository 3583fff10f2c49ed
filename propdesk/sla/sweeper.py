"""The sweeper: reads the partial index on ``next_check_at``, records breaches and takes each ladder step
exactly once, with its notifications, in the same transaction."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from propdesk.core.texts import Text, t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.selectors import control_center_on_duty, role_holders

from .choices import LadderRole, TargetState
from .ladder import LadderStep, _announce, _responsible, ladder, next_check
from .models import EscalationStep, SlaTarget

log = logging.getLogger("propdesk.sla")


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
    """Role holders per community for the length of one sweep: thousands of steps of the same community look
    the people up once."""

    def __init__(self):
        self.by_key: dict[tuple, list] = {}

    def holders(self, ticket, roles: tuple) -> list:
        key = (ticket.community_id, roles)
        if key not in self.by_key:
            self.by_key[key] = role_holders(
                roles=roles, community_id=ticket.community_id, service_center=ticket.service_center
            )
        return self.by_key[key]

    def control(self, ticket) -> list:
        key = (ticket.community_id, "control-on-duty")
        if key not in self.by_key:
            self.by_key[key] = control_center_on_duty(
                community_id=ticket.community_id, service_center=ticket.service_center
            )
        return self.by_key[key]

    def get(self, ticket, roles, owner=None) -> list:
        return recipients_for(ticket, roles, owner=owner, role_cache=self)


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


def _breach(target: SlaTarget, now: dt.datetime, ticket) -> None:
    target.state = TargetState.BREACHED
    target.breached_at = target.due_at
    target.breach_recorded_at = now
    target.owner_id, target.department_id = _responsible(target, ticket)


def take_start_steps(target: SlaTarget, ticket) -> None:
    """The steps a policy takes the moment its clock starts (the direct superior told of a major matter,
    R-FB-3), in the transaction that started it; the sweeper takes any it finds untaken."""
    level = target.escalation_level
    for step in ladder(target):
        if step.when != "start":
            break
        if step.level > target.escalation_level:
            _take_step(target, step, ticket)
    if target.escalation_level != level:
        target.next_check_at = next_check(target)
        target.save(update_fields=["escalation_level", "next_check_at"])


def _due_step_taken(target: SlaTarget) -> bool:
    first_due = next((s.level for s in ladder(target) if s.when == "due"), None)
    return first_due is not None and target.escalation_level >= first_due


def _step_text(step: LadderStep, **params) -> Text:
    """What a ladder step says (stored as msgid + parameters, read in each reader's language)."""
    if step.when == "start":
        return t(gettext_noop("重大事项，请知悉：%(ticket)s %(policy)s（%(due)s 前须告知客户进展）"), **params)
    if step.when == "warn":
        return t(gettext_noop("即将超时：%(ticket)s %(policy)s（%(due)s 到期）"), **params)
    return t(
        gettext_noop("已超时（第 %(level)s 级）：%(ticket)s %(policy)s（应于 %(due)s 完成）"),
        level=step.level,
        **params,
    )


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
    subject = _step_text(step, ticket=ticket.number, policy=t(policy.name), due=local_due)
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
    """People behind ladder roles for one ticket: its owner (``owner`` when the clock is someone's own, e.g. a
    worker's report), the control center's operators on duty (all of them when none is checked in or on a
    shift), or holders of a role over its community. A center without a control-center operator leaves
    "control" to the ticket's owner, so a dispatch deadline still reaches someone."""
    cache = role_cache or _RecipientCache()
    users: dict[int, object] = {}
    if LadderRole.OWNER in roles:
        users.update((u.pk, u) for u in _owner(ticket, owner, cache))
    if LadderRole.CONTROL in roles:
        operators = cache.control(ticket) or _owner(ticket, owner, cache)
        users.update((u.pk, u) for u in operators)
    wanted = tuple(sorted(_ROLE_FOR[r] for r in roles if r in _ROLE_FOR and r != LadderRole.CONTROL))
    if wanted:
        users.update((u.pk, u) for u in cache.holders(ticket, wanted))
    return list(users.values())


def _owner(ticket, owner, cache: _RecipientCache) -> list:
    """Who answers for the ticket now: the clock's own person, its assignee, the control center on duty when
    it was handed there, else its first responder."""
    if owner is not None:
        return [owner]
    if ticket.assignee_id:
        return [ticket.assignee]
    if ticket.team_id and ticket.team.kind == DepartmentKind.CONTROL_CENTER:
        operators = cache.control(ticket)
        if operators:
            return operators
    return [ticket.first_responder]
