"""Reads of deadlines: a ticket's clocks, and the timeliness rate (R-CP-7)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core import texts

from .choices import TargetState
from .models import EscalationStep, SlaTarget

TARGET_RATE = 0.90  # R-CP-7: at least 90 %


def targets_for_ticket(*, user, ticket_id: int) -> list[SlaTarget]:
    """The ticket's clocks with their steps, for the ticket page (scoped like the ticket)."""
    targets = list(
        SlaTarget.objects.visible_to(user)
        .filter(ticket_id=ticket_id)
        .select_related("policy")
        .order_by("started_at", "pk")
    )
    steps: dict[int, list[EscalationStep]] = {}
    for step in (
        EscalationStep.objects.filter(target__in=targets)
        .select_related("acknowledged_by__staff_profile")
        .order_by("level")
    ):
        steps.setdefault(step.target_id, []).append(step)
    for target in targets:
        target.step_list = steps.get(target.pk, [])
    return targets


def escalations_notified(*, user, acknowledged: bool | None = None) -> QuerySet[EscalationStep]:
    """The escalation steps ``user`` was notified of (one of their recipients), on clocks the user may still
    see, newest first; ``acknowledged`` keeps only the confirmed (True) or the unconfirmed (False) ones."""
    qs = EscalationStep.objects.filter(target__in=SlaTarget.objects.visible_to(user))
    if connections[qs.db].features.supports_json_field_contains:
        qs = qs.filter(recipients__contains=[user.pk])
    else:
        # SQLite has no JSON containment; its json_each looks into the list of recipient ids.
        table = EscalationStep._meta.db_table
        notified = RawSQL(  # noqa: S611 (no user input in the SQL; the id is a parameter)
            f'EXISTS (SELECT 1 FROM json_each("{table}"."recipients") WHERE json_each.value = %s)',  # noqa: S608
            [user.pk],
            output_field=BooleanField(),
        )
        qs = qs.alias(notified=notified).filter(notified=True)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    return qs.select_related("target__policy", "target__ticket", "acknowledged_by__staff_profile").order_by(
        "-taken_at", "-pk"
    )


GROUPS = {
    "center": ("service_center__name", _("服务中心")),
    "department": ("department__name", _("部门")),
    "person": ("owner__staff_profile__name", _("负责人")),
    "kind": ("kind", _("工单类别")),
    "policy": ("policy__name", _("时限规则")),
    "month": ("month", _("月份")),
}


@dataclass
class RateRow:
    label: str
    met: int
    breached: int

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def rate(self) -> float | None:
        return self.met / self.total if self.total else None

    @property
    def below_target(self) -> bool:
        return self.rate is not None and self.rate < TARGET_RATE


def timeliness(
    *, user, date_from: dt.date, date_to: dt.date, group_by: str = "center"
) -> tuple[list[RateRow], RateRow]:
    """Met ÷ (met + breached) of the clocks started in [date_from, date_to] (local days), grouped.

    Cancelled clocks and clocks still running on time do not count; a running clock already past its
    deadline counts as breached."""
    if group_by not in GROUPS:
        raise ValueError(group_by)
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    qs = SlaTarget.objects.visible_to(user).filter(
        started_at__gte=start, started_at__lt=end, state__in=[TargetState.MET, TargetState.BREACHED]
    )
    field = GROUPS[group_by][0]
    if group_by == "month":
        qs = qs.annotate(month=TruncMonth("started_at"))
    rows = (
        qs.values(field)
        .annotate(
            met=Count("pk", filter=Q(state=TargetState.MET)),
            breached=Count("pk", filter=Q(state=TargetState.BREACHED)),
        )
        .order_by(field)
    )
    result = []
    for row in rows:
        key = row[field]
        if group_by == "month" and key is not None:
            label = timezone.localtime(key).strftime("%Y-%m") if isinstance(key, dt.datetime) else str(key)[:7]
        elif group_by == "kind" and key:
            kinds = dict(SlaTarget.ticket.field.related_model._meta.get_field("kind").flatchoices)
            label = str(kinds.get(key, key))
        elif group_by == "policy" and key:
            label = texts.render(key)  # a seeded policy name is its msgid
        else:
            label = key or str(_("（未指定）"))
        result.append(RateRow(label=label, met=row["met"], breached=row["breached"]))
    total = RateRow(label=str(_("合计")), met=sum(r.met for r in result), breached=sum(r.breached for r in result))
    return result, total
