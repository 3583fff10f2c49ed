"""Return visits (回访) and closing (销单), R-WO-3: whether a signed-off job needs a visit under the
center's policy, what the customer said, and what follows from it."""

import random

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core.errors import field_error
from propdesk.core.permissions import require
from propdesk.core.texts import Text, t
from propdesk.notify.services import Message, notify
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger
from propdesk.tickets import services as ticket_services

from ..choices import HOUSEKEEPING_TRADES, EventKind, ReturnVisitPolicy, Routing, Status
from ..models import ReturnVisit, WorkOrder
from .common import lock, move, settings_for, sync_ticket, touch


def needs_return_visit(wo: WorkOrder) -> tuple[bool, Text | str]:
    """Whether the job gets a return visit, and the note saying why not when it does not (a ``core.texts``
    Text: store it with ``dumps()``)."""
    if wo.trade in HOUSEKEEPING_TRADES or wo.routing == Routing.HOUSEKEEPING:
        return True, ""
    config = settings_for(wo.service_center_id)
    if config.return_visit_policy == ReturnVisitPolicy.SKIP_IF_RATED and wo.customer_rating is not None:
        return False, t(gettext_noop("客户已现场评价 %(r)s 分，按规则免回访"), r=wo.customer_rating)
    # A sample is deterministic per work order, so the decision can be re-derived and audited.
    sampled_out = random.Random(wo.pk).randrange(100) >= config.sample_percent  # noqa: S311 (sampling, not security)
    if config.return_visit_policy == ReturnVisitPolicy.SAMPLE and sampled_out:
        return False, t(gettext_noop("按 %(p)s%% 抽样规则未抽中，免回访"), p=config.sample_percent)
    return True, ""


def _check_answers(reached: bool, quality, on_time, minutes_late) -> None:
    if not reached:
        return
    if quality is None or not 1 <= quality <= 5:
        raise field_error("quality", _("请选择服务质量评分（1–5）"), "required")
    if on_time is None:
        raise field_error("on_time", _("请选择是否准时"), "required")
    if on_time is False and (minutes_late is None or minutes_late <= 0):
        raise field_error("minutes_late", _("请填写迟到的分钟数"), "required")


@transaction.atomic
def return_visit_record(
    *,
    actor,
    work_order: WorkOrder,
    reached: bool,
    quality: int | None = None,
    on_time: bool | None = None,
    minutes_late: int | None = None,
    comments: str = "",
) -> ReturnVisit:
    """Record a return visit (R-WO-3). Satisfied → the order is closed (销单); dissatisfied → reopened for
    dispatch and the supervisor told; unreachable → retried up to the center's limit, then closed with a note."""
    wo = lock(work_order)
    require(actor, "work_order.visit", wo, _("只有控制中心或客服可以回访"))
    if wo.status != Status.SIGNED_OFF:
        raise field_error("status", _("工作单签认后才能回访"), "illegal_transition")
    _check_answers(reached, quality, on_time, minutes_late)
    visit = ReturnVisit.objects.create(
        work_order=wo,
        by=actor,
        reached=reached,
        quality=quality if reached else None,
        on_time=on_time if reached else None,
        minutes_late=minutes_late if reached and on_time is False else None,
        comments=(comments or "").strip()[:2000],
    )
    if reached:
        _customer_reached(wo, visit, actor)
    else:
        _customer_not_reached(wo, visit, actor)
    return visit


def _customer_not_reached(wo: WorkOrder, visit: ReturnVisit, actor) -> None:
    """Another attempt later, or — after the center's number of attempts — closed with a note."""
    attempts = wo.return_visits.filter(reached=False).count()
    if attempts < settings_for(wo.service_center_id).max_visit_attempts:
        touch(
            wo,
            actor,
            EventKind.RETURN_VISIT,
            reason=t(gettext_noop("第 %(n)s 次回访未联系上"), n=attempts),
            visit=visit.pk,
        )
        return
    now = timezone.now()
    wo.closed_at = now
    move(
        wo,
        Status.CLOSED,
        actor,
        kind=EventKind.RETURN_VISIT,
        reason=t(gettext_noop("回访 %(n)s 次均未联系上客户，销单"), n=attempts),
        visit=visit.pk,
    )
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.RETURN_VISITED, at=now, work_order=wo)
    sync_ticket(wo, actor)


def visit_text(quality: int, on_time: bool, minutes_late: int | None) -> Text:
    """The automatic reply a return visit puts on the ticket, read in the reader's language."""
    punctuality = t(gettext_noop("准时")) if on_time else t(gettext_noop("迟到 %(m)s 分钟"), m=minutes_late)
    return t(gettext_noop("回访：服务质量 %(q)s 分，%(t)s"), q=quality, t=punctuality)


def _customer_reached(wo: WorkOrder, visit: ReturnVisit, actor) -> None:
    """The answer goes onto the ticket as a reply; satisfied closes the job, dissatisfied reopens it."""
    now = timezone.now()
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.RETURN_VISITED, at=now, work_order=wo)
    quality, minutes_late = visit.quality, visit.minutes_late
    ticket_services.ticket_reply(
        actor=actor,
        ticket=wo.ticket,
        method="phone",
        content=visit_text(quality, visit.on_time, minutes_late),
        customer_opinion=visit.comments,
        satisfied=visit.satisfied,
    )
    if visit.satisfied:
        wo.closed_at = now
        move(wo, Status.CLOSED, actor, kind=EventKind.RETURN_VISIT, visit=visit.pk, quality=quality)
        sync_ticket(wo, actor)
        return
    _redispatch(wo, visit, actor)


def _redispatch(wo: WorkOrder, visit: ReturnVisit, actor) -> None:
    """A dissatisfied customer: the job goes back to the board and the supervisor is told."""
    quality = visit.quality
    wo.assignee = None
    move(
        wo,
        Status.PENDING,
        actor,
        kind=EventKind.RETURN_VISIT,
        reason=t(gettext_noop("回访不满意，重新派单")),
        visit=visit.pk,
        quality=quality,
    )
    notify(
        recipients=sla.recipients_for(wo.ticket, ["supervisor"]),
        message=Message(
            kind="dispatch.dissatisfied",
            subject=t(gettext_noop("回访不满意：%(n)s（%(q)s 分）"), n=wo.number, q=quality),
            body=visit.comments,
            url=reverse("tickets:detail", args=[wo.ticket_id]),
            urgent=True,
        ),
        dedupe=f"wo-unhappy:{visit.pk}",
    )


@transaction.atomic
def work_order_close(*, actor, work_order: WorkOrder, reason: str = "") -> WorkOrder:
    """Close (销单) a signed-off order: only when its return visit is done or the policy exempts it."""
    wo = lock(work_order)
    require(actor, "work_order.close", wo, _("只有控制中心可以销单"))
    if wo.status != Status.SIGNED_OFF:
        raise field_error("status", _("签认后才能销单"), "illegal_transition")
    if wo.return_visit_required and not wo.return_visits.filter(reached=True).exists():
        raise field_error("status", _("该工作单须先回访才能销单"), "visit_required")
    wo.closed_at = timezone.now()
    move(wo, Status.CLOSED, actor, reason=reason)
    sync_ticket(wo, actor)
    return wo


def _visit_pending(wo: WorkOrder) -> bool:
    return (
        wo.status == Status.SIGNED_OFF
        and wo.return_visit_required is not False
        and not wo.return_visits.filter(reached=True).exists()
    )


@transaction.atomic
def resident_rating(*, actor, ticket, score: int, comment: str = "", stands_in: bool = False) -> list[WorkOrder]:
    """A resident's own rating of a finished request (the portal) feeds its return visit: every job carries the
    rating (the worker sees it); where the job still waits for its visit, a satisfied rating stands in for the
    call when ``stands_in`` (the center's portal policy), and a dissatisfied one sends the job back to the board
    as a dissatisfied visit does. The ticket itself is confirmed or reopened by ``tickets.services.resident``."""
    jobs = list(WorkOrder.objects.visible_to(actor).filter(ticket=ticket).exclude(status=Status.CANCELLED))
    satisfied = score >= 3
    done = []
    for job in sorted(jobs, key=lambda w: w.pk):
        wo = lock(job)
        wo.customer_rating = score
        touch(wo, actor, EventKind.CONFIRMED, rating=score, comment=(comment or "")[:500], by_resident=True)
        if wo.status not in (Status.SIGNED_OFF, Status.CLOSED) or (satisfied and not _visit_pending(wo)):
            done.append(wo)
            continue
        if satisfied and not stands_in:
            done.append(wo)  # the call is still made; the visitor sees the rating
            continue
        visit = ReturnVisit.objects.create(
            work_order=wo, by=actor, reached=True, quality=score, comments=(comment or "").strip()[:2000]
        )
        sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.RETURN_VISITED, at=timezone.now(), work_order=wo)
        if satisfied:
            wo.closed_at = timezone.now()
            note = t(gettext_noop("住户在线评价 %(q)s 分（满意），代替回访电话"), q=score)
            move(wo, Status.CLOSED, actor, kind=EventKind.RETURN_VISIT, reason=note, visit=visit.pk, quality=score)
            sync_ticket(wo, actor)
        else:
            _redispatch(wo, visit, actor)
        done.append(wo)
    return done


@transaction.atomic
def withdraw_pending_work(*, actor, ticket, reason: str) -> list[WorkOrder]:
    """The customer withdrew the request before anyone was sent: its jobs waiting for dispatch leave the board."""
    withdrawn = []
    for job in WorkOrder.objects.visible_to(actor).filter(ticket=ticket, status=Status.PENDING).order_by("pk"):
        wo = lock(job)
        if wo.status != Status.PENDING:
            continue
        wo.offered = False
        withdrawn.append(move(wo, Status.CANCELLED, actor, reason=reason or t(gettext_noop("客户撤销诉求"))))
    return withdrawn
