"""The monthly customer-service statistics (客服部月度工作统计表, R-RP-1), read from the rollups.

``monthly_statistics`` returns sections of rows; each row holds the month's figure, last month's and the same
month last year's. The page, the xlsx and the API all show these same rows.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from propdesk.tickets.choices import Kind

from .labels import choice_labels, kind_labels, object_labels
from .models import TicketDay, TicketFacetMonth
from .permissions import report


@dataclass
class Row:
    label: str
    this: float | int | None
    last: float | int | None
    year: float | int | None
    key: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class MonthlyStatistics:
    month: dt.date
    last_month: dt.date
    last_year: dt.date
    community_id: int | None
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, section: str, key: str, column: str = "this"):
        """One figure: ``figure("complaint_class", "1")`` (for tests and the filings' pre-filled reports)."""
        return getattr(next(r for r in self.section(section).rows if r.key == key), column)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def shift_month(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return shift_month(month, 1) - dt.timedelta(days=1)


def compare_months(month: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    month = month_start(month)
    return month, shift_month(month, -1), shift_month(month, -12)


def _scoped(model, user, community_id: int | None):
    rows = model.objects.filter(report.condition(user, "report.view"))
    return rows.filter(community_id=community_id) if community_id is not None else rows


def day_counts(*, user, months: list[dt.date], community_id: int | None = None) -> list[dict]:
    """``TicketDay`` summed per month, center, community and kind over ``months``."""
    period = Q()
    for month in months:
        period |= Q(day__gte=month, day__lte=month_end(month))
    return list(
        _scoped(TicketDay, user, community_id)
        .filter(period)
        .annotate(month=TruncMonth("day"))
        .values("month", "service_center_id", "community_id", "kind")
        .annotate(received=Sum("received"), closed=Sum("closed"))
        .order_by()
    )


def facet_counts(
    *, user, months: list[dt.date], community_id: int | None = None, facets: list[str] | None = None
) -> list[dict]:
    """``TicketFacetMonth`` summed per month, kind, facet and value over ``months`` (all communities in scope)."""
    rows = _scoped(TicketFacetMonth, user, community_id).filter(month__in=months)
    if facets is not None:
        rows = rows.filter(facet__in=facets)
    return list(rows.values("month", "kind", "facet", "value").annotate(n=Sum("n")).order_by())


def _rows(counts: dict[str, Counter], months, labels: dict[str, str], order=None) -> list[Row]:
    this, last, year = months
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k][this], labels.get(k, k)))
    return [Row(labels.get(k, k), counts[k][this], counts[k][last], counts[k][year], key=k) for k in keys]


def _rate(top: Counter, bottom: Counter, month) -> float | None:
    return round(100 * top[month] / bottom[month], 1) if bottom[month] else None


def _rate_row(label: str, key: str, top: Counter, bottom: Counter, months) -> Row:
    return Row(label, *(_rate(top, bottom, m) for m in months), key=key)


def _by(rows, key_of, value_of) -> dict[str, Counter]:
    result: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        key = key_of(r)
        if key is not None:
            result[key][r["month"]] += value_of(r)
    return result


def _kind_sections(days, months) -> list[Section]:
    labels = kind_labels()
    received = _by(days, lambda r: r["kind"], lambda r: r["received"])
    closed = _by(days, lambda r: r["kind"], lambda r: r["closed"])
    order = [k for k in labels if k in received or k in closed]
    kinds = Section("kinds", _("各类信息受理"), _rows(received, months, labels, order))
    total_received, total_closed = Counter(), Counter()
    for counts in received.values():
        total_received.update(counts)
    for counts in closed.values():
        total_closed.update(counts)
    kinds.rows.append(Row(_("受理合计"), *(total_received[m] for m in months), key="received"))
    kinds.rows.append(Row(_("关闭合计"), *(total_closed[m] for m in months), key="closed"))
    return [kinds]


def _place_sections(days, months) -> list[Section]:
    sections = []
    for key, title, facet, column in (
        ("centers", _("按服务中心"), "center", "service_center_id"),
        ("communities", _("按小区"), "community", "community_id"),
    ):
        counts = _by(days, lambda r, c=column: str(r[c]), lambda r: r["received"])
        sections.append(Section(key, title, _rows(counts, months, object_labels(facet, counts))))
    return sections


def _facet(facets, facet: str, kind: str | None = None) -> dict[str, Counter]:
    return _by(
        facets,
        lambda r: r["value"] if r["facet"] == facet and (kind is None or r["kind"] == kind) else None,
        lambda r: r["n"],
    )


def _complaint_sections(facets, months) -> list[Section]:
    sections = []
    for key, title, facet, names in (
        ("complaint_class", _("投诉·责任类别"), "class", "class"),
        ("complaint_validity", _("投诉·有效性"), "validity", "validity"),
        ("complaint_category", _("投诉·类别"), "category", "complaint_category"),
    ):
        counts = _facet(facets, facet, Kind.COMPLAINT)
        labels = choice_labels(names)
        order = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
        sections.append(Section(key, title, _rows(counts, months, labels, order)))
    clocks, opinion = _facet(facets, "sla", Kind.COMPLAINT), _facet(facets, "opinion", Kind.COMPLAINT)
    judged = clocks["met"] + clocks["breached"]
    timely = Section("complaint_timeliness", _("投诉·及时性与客户意见"))
    timely.rows += _rows(clocks, months, {"met": _("按时完成的时限"), "breached": _("超时的时限")}, ["met", "breached"])
    timely.rows.append(_rate_row(_("及时率（%）"), "rate", clocks["met"], judged, months))
    timely.rows += _rows(
        opinion, months, {"satisfied": _("客户满意"), "unsatisfied": _("客户不满意")}, ["satisfied", "unsatisfied"]
    )
    sections.append(timely)
    return sections


def _repair_sections(facets, months) -> list[Section]:
    trades = _facet(facets, "category", Kind.REPAIR)
    labels = choice_labels("trade")
    order = [k for k in labels if k in trades]
    visits = _facet(facets, "visit")
    outcomes = ["satisfied", "unsatisfied", "reached", "unreached"]
    section = Section("return_visits", _("报修回访"), _rows(visits, months, choice_labels("visit"), outcomes))
    rated = visits["satisfied"] + visits["unsatisfied"]
    all_visits = rated + visits["reached"] + visits["unreached"]
    section.rows.append(_rate_row(_("满意率（%）"), "satisfaction", visits["satisfied"], rated, months))
    reached = visits["satisfied"] + visits["unsatisfied"] + visits["reached"]
    section.rows.append(_rate_row(_("联系上比例（%）"), "reachability", reached, all_visits, months))
    return [Section("repair_category", _("报修·工种"), _rows(trades, months, labels, order)), section]


def _work_sections(facets, months) -> list[Section]:
    clocks = _facet(facets, "sla")
    timely = Section(
        "timeliness",
        _("全部时限"),
        _rows(clocks, months, {"met": _("按时完成的时限"), "breached": _("超时的时限")}, ["met", "breached"]),
    )
    timely.rows.append(_rate_row(_("及时率（%）"), "rate", clocks["met"], clocks["met"] + clocks["breached"], months))
    sections = [timely]
    for key, title, facet in (("departments", _("按部门"), "team"), ("people", _("按人员"), "person")):
        counts = _facet(facets, facet)
        sections.append(Section(key, title, _rows(counts, months, object_labels(facet, counts))))
    return sections


def monthly_statistics(*, user, month: dt.date, community_id: int | None = None) -> MonthlyStatistics:
    """The month's statistics over the communities where ``user`` may see reports (or one of them)."""
    months = compare_months(month)
    days = day_counts(user=user, months=list(months), community_id=community_id)
    facets = facet_counts(user=user, months=list(months), community_id=community_id)
    for row in days:
        row["month"] = month_start(row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"])
    result = MonthlyStatistics(*months, community_id=community_id)
    result.sections += _kind_sections(days, months)
    result.sections += _complaint_sections(facets, months)
    result.sections += _repair_sections(facets, months)
    result.sections += _work_sections(facets, months)
    result.sections += _place_sections(days, months)
    return result
