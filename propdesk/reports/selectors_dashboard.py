"""The dashboards (manager's center, branch, company): the figures behind each chart, from the rollups.

Everything is scoped by the ``report.view`` rule: a center manager sees their center, a branch leader the
branch, the company's departments the company.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core.scoping import get_scope
from propdesk.engagement.selectors import plan_get, plan_progress
from propdesk.org.choices import Role
from propdesk.tickets.choices import Kind

from .labels import choice_labels, object_labels
from .models import TicketDay, TicketFacetMonth
from .outstanding import outstanding_for
from .permissions import report
from .selectors_monthly import facet_counts, month_start, shift_month

TARGET_RATE = 90  # R-CP-7: deadlines met at least 90 % of the time
# Ages of open work in whole days since the day received: (label, above, up to and including).
AGES = (("≤1", 0, 1), ("1–3", 1, 3), ("3–7", 3, 7), ("7–30", 7, 30), (">30", 30, None))
TREND_MONTHS = 12
HEAT_MONTHS = 6
MAX_PLANS = 30


@dataclass
class Heat:
    community: str = ""
    community_id: int | None = None
    buildings: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    cells: list[list[int]] = field(default_factory=list)  # one row per building, one column per month


@dataclass
class Dashboard:
    today: dt.date
    month: dt.date
    open_by_age: list[tuple[str, int]] = field(default_factory=list)
    deadlines: list[tuple[str, int, int, float | None]] = field(default_factory=list)  # month, met, breached, %
    complaints_by_class: list[tuple[str, int]] = field(default_factory=list)
    repairs_by_category: list[tuple[str, int]] = field(default_factory=list)
    heat: Heat = field(default_factory=Heat)
    satisfaction: list[tuple[str, int, int, float | None]] = field(default_factory=list)  # month, yes, no, %
    interviews: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # community, target, covered…
    outstanding: list = field(default_factory=list)


def _rate(good: int, bad: int) -> float | None:
    return round(100 * good / (good + bad), 1) if good + bad else None


def open_by_age(*, user, today: dt.date, community_id: int | None = None) -> list[tuple[str, int]]:
    """Open tickets by whole days since the day received (``TicketDay.open``: a few rows per day)."""
    rows = TicketDay.objects.filter(report.condition(user, "report.view"), open__gt=0)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    counts = Counter()
    for day, n in rows.values_list("day").annotate(n=Sum("open")).order_by().values_list("day", "n"):
        age = (today - day).days
        label = next(label for label, _low, high in AGES if high is None or age <= high)
        counts[label] += n
    return [(label, counts[label]) for label, _low, _high in AGES]


def _trends(facets, months) -> tuple[list, list]:
    by = defaultdict(Counter)
    for r in facets:
        if r["facet"] in ("sla", "visit"):
            by[r["facet"], r["value"]][r["month"]] += r["n"]
    deadlines, satisfaction = [], []
    for month in months:
        label = f"{month:%Y-%m}"
        met, breached = by["sla", "met"][month], by["sla", "breached"][month]
        deadlines.append((label, met, breached, _rate(met, breached)))
        yes, no = by["visit", "satisfied"][month], by["visit", "unsatisfied"][month]
        satisfaction.append((label, yes, no, _rate(yes, no)))
    return deadlines, satisfaction


def _this_month(facets, month, facet: str, kind: str, labels: dict) -> list[tuple[str, int]]:
    counts = Counter()
    for r in facets:
        if r["month"] == month and r["facet"] == facet and r["kind"] == kind:
            counts[r["value"]] += r["n"]
    order = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
    return [(labels.get(k, k), counts[k]) for k in order]


def building_heat(*, user, month: dt.date, community_id: int | None = None) -> Heat:
    """Repairs per building and month over the last months, in one community (the given one, else the one
    of the user's with the most repairs this month)."""
    months = [shift_month(month, -back) for back in range(HEAT_MONTHS - 1, -1, -1)]
    rows = TicketFacetMonth.objects.filter(
        report.condition(user, "report.view"), kind=Kind.REPAIR, facet="building", month__in=months
    )
    if community_id is None:
        top = rows.filter(month=month).values("community_id").annotate(n=Sum("n")).order_by("-n").first()
        if top is None:
            return Heat(months=[f"{m:%Y-%m}" for m in months])
        community_id = top["community_id"]
    cells: dict[str, Counter] = defaultdict(Counter)
    for r in rows.filter(community_id=community_id).values("value", "month").annotate(n=Sum("n")):
        cells[r["value"]][r["month"]] += r["n"]
    names = object_labels("building", cells)
    buildings = sorted(cells, key=lambda b: names.get(b, b))
    community = Community.objects.filter(pk=community_id).values_list("name", flat=True).first() or ""
    return Heat(
        community,
        community_id,
        [names.get(b, b).removeprefix(f"{community} ") for b in buildings],
        [f"{m:%Y-%m}" for m in months],
        [[cells[b][m] for m in months] for b in buildings],
    )


def interview_coverage(*, user, today: dt.date, community_id: int | None = None) -> list[tuple]:
    """Per community with an interview plan this year: (name, target, covered, planned to date, done to date)."""
    communities = Community.objects.filter(report.condition(user, "report.view", paths={"community": "pk"}))
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    result = []
    for community in communities.order_by("name")[:MAX_PLANS]:
        plan = plan_get(user=user, community=community, year=today.year)
        if plan is not None:
            progress = plan_progress(plan, today)
            result.append(
                (community.name, plan.target, progress.covered, progress.planned_to_date, progress.done_to_date)
            )
    return result


def dashboard(*, user, today: dt.date | None = None, community_id: int | None = None) -> Dashboard:
    today = today or timezone.localdate()
    month = month_start(today)
    months = [shift_month(month, -back) for back in range(TREND_MONTHS - 1, -1, -1)]
    facets = facet_counts(
        user=user, months=months, community_id=community_id, facets=["sla", "visit", "class", "category"]
    )
    board = Dashboard(today=today, month=month)
    board.open_by_age = open_by_age(user=user, today=today, community_id=community_id)
    board.deadlines, board.satisfaction = _trends(facets, months)
    board.complaints_by_class = _this_month(facets, month, "class", Kind.COMPLAINT, choice_labels("class"))
    board.repairs_by_category = _this_month(facets, month, "category", Kind.REPAIR, choice_labels("trade"))
    board.heat = building_heat(user=user, month=month, community_id=community_id)
    board.interviews = interview_coverage(user=user, today=today, community_id=community_id)
    board.outstanding = outstanding_for(user=user, today=today)
    return board


def level_of(user) -> str:
    """The dashboard's title: the center's, the branch's or the company's."""
    scope = get_scope(user)
    if scope.has_role(Role.QUALITY_DEPT, Role.BUSINESS_DEPT) or scope.unrestricted:
        return _("公司看板")
    if scope.has_role(Role.BRANCH_LEADER):
        return _("分公司看板")
    return _("服务中心看板")
