"""Reads of the monthly work (R-CP-8), scoped to the user: the month's complaint summary (by class, validity,
category, community, handler and timeliness), the training cases, the public-interest notices, the
corrective/preventive actions and the developer-legacy statistics."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from propdesk.core.people import person_name
from propdesk.core.permissions import restrict
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.tickets.choices import OPEN_STATUSES

from .choices import Category, ResponsibilityClass, Validity
from .models import Complaint
from .models_monthly import CorrectiveAction, LegacyReport, PublicNotice, TrainingCase


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(following, dt.time.min, tz)


@dataclass
class MonthlySummary:
    month: dt.date
    total: int = 0
    open: int = 0
    repeats: int = 0
    collective: int = 0
    by_class: list = field(default_factory=list)
    by_validity: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_community: list = field(default_factory=list)
    by_handler: list = field(default_factory=list)
    clocks_met: int = 0
    clocks_breached: int = 0
    clocks_running_late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        judged = self.clocks_met + self.clocks_breached
        return round(100 * self.clocks_met / judged, 1) if judged else None


def _labelled(rows, key: str, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(r[key], labels.get(None, "—"))), r["n"]) for r in rows]


def monthly_summary(*, user, month: dt.date, service_center_id: int | None = None) -> MonthlySummary:
    """The month's complaints the user may see, summarised (002 §6: the records of the month summarised)."""
    since, until = month_range(month)
    qs = Complaint.objects.visible_to(user).filter(created_at__gte=since, created_at__lt=until)
    if service_center_id is not None:
        qs = qs.filter(service_center_id=service_center_id)
    summary = MonthlySummary(month=month.replace(day=1))
    counts = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(ticket__status__in=sorted(OPEN_STATUSES))),
        repeats=Count("pk", filter=Q(is_repeat=True)),
        collective=Count("pk", filter=Q(collective__isnull=False)),
    )
    summary.total, summary.open, summary.repeats, summary.collective = (
        counts["total"],
        counts["open"],
        counts["repeats"],
        counts["collective"],
    )
    classes = {**dict(ResponsibilityClass.choices), None: "未分类"}
    group = lambda key: qs.values(key).annotate(n=Count("pk")).order_by("-n", key)  # noqa: E731
    summary.by_class = _labelled(group("responsibility_class"), "responsibility_class", classes)
    summary.by_validity = _labelled(group("validity"), "validity", dict(Validity.choices))
    summary.by_category = _labelled(group("category"), "category", {**dict(Category.choices), "": "—"})
    summary.by_community = [(r["community__name"], r["n"]) for r in group("community__name")]
    handlers = qs.values("owner").annotate(n=Count("pk")).order_by("-n", "owner")
    people = {
        u.pk: u for u in Complaint.owner.field.related_model.objects.filter(pk__in=[r["owner"] for r in handlers])
    }
    summary.by_handler = [(person_name(people.get(r["owner"])) if r["owner"] else "—", r["n"]) for r in handlers]
    clocks = SlaTarget.objects.filter(ticket__in=qs.values("ticket"))
    now = timezone.now()
    summary.clocks_met = clocks.filter(state=TargetState.MET).count()
    summary.clocks_breached = clocks.filter(state=TargetState.BREACHED).count()
    summary.clocks_running_late = clocks.filter(state=TargetState.RUNNING, due_at__lt=now).count()
    return summary


def training_cases(*, user):
    return restrict(
        TrainingCase.objects.select_related("complaint__ticket", "written_by"), user, "complaint_monthly.browse"
    )


def public_notices(*, user):
    return restrict(PublicNotice.objects.select_related("service_center"), user, "complaint_monthly.browse")


def corrective_actions(*, user):
    return restrict(CorrectiveAction.objects.select_related("service_center"), user, "complaint_monthly.browse")


def legacy_reports(*, user):
    return restrict(LegacyReport.objects.select_related("community"), user, "complaint_monthly.browse")
