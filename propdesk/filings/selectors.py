"""What the filing pages and the API read, restricted to where the user may see filings."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.complaints import selectors_monthly
from propdesk.core.permissions import restrict

from . import deadlines
from .choices import FilingKind, final_status
from .models import Filing, FilingDeadline, SamplingCheck
from .services.common import rules, settings_of


def filings_for(*, user, service_center_id: int | None = None, kind: str = "", outstanding: bool = False):
    """The filings the user may see, newest period first, each with its deadlines."""
    qs = restrict(Filing.objects.all(), user, "filing.view").select_related(
        "service_center__branch__company", "community", "notice"
    )
    if service_center_id:
        qs = qs.filter(service_center_id=service_center_id)
    if kind:
        qs = qs.filter(kind=kind)
    if outstanding:
        for k in FilingKind.values:
            qs = qs.exclude(kind=k, status=final_status(k))
    return qs.prefetch_related(Prefetch("deadlines", queryset=FilingDeadline.objects.order_by("position")))


def filing_get(*, user, pk: int) -> Filing:
    found = filings_for(user=user).filter(pk=pk).prefetch_related("events__actor__staff_profile").first()
    if found is None:
        raise Http404(_("报告不存在"))
    return found


def next_deadline(filing: Filing) -> FilingDeadline | None:
    """The first step not done (from the prefetched deadlines)."""
    return next((d for d in filing.deadlines.all() if d.done_at is None), None)


@dataclass
class SampleRow:
    community: Community
    filings: int
    checks: list

    @property
    def done(self) -> bool:
        return bool(self.checks)


def sampling_checklist(*, user, year: int) -> list[SampleRow]:
    """Every project with quarterly reports or briefs in ``year`` the user may see, and its sampling checks (at
    least one a year)."""
    filings = filings_for(user=user).filter(
        kind__in=[FilingKind.QUARTERLY, FilingKind.BRIEF], period_start__year=year, community__isnull=False
    )
    counts: dict[int, int] = {}
    for community_id in filings.values_list("community_id", flat=True):
        counts[community_id] = counts.get(community_id, 0) + 1
    checks: dict[int, list] = {}
    for check in SamplingCheck.objects.filter(filing__in=filings.values("pk"), year=year).select_related(
        "filing", "checked_by__staff_profile"
    ):
        checks.setdefault(check.filing.community_id, []).append(check)
    return [
        SampleRow(community=c, filings=counts[c.pk], checks=checks.get(c.pk, []))
        for c in Community.objects.filter(pk__in=counts).order_by("name")
    ]


@dataclass
class Publication:
    """A complaint publication (R-RP-5) with its deadline, read from the complaints app."""

    title: str
    center: str
    due_on: dt.date
    status: str
    done: bool


def complaint_publications(*, user, months: int = 3) -> list[Publication]:
    """The monthly public complaint summaries and the quarterly developer-legacy statistics, with deadlines after
    the company's holiday rule (read-only; the complaints app keeps them)."""
    day_rules = rules()
    out = []
    for notice in selectors_monthly.public_notices(user=user).select_related("service_center__branch__company")[:24]:
        rule = settings_of(notice.service_center.branch.company).holiday_rule
        out.append(
            Publication(
                title=_("%(m)s 公共投诉处理公布") % {"m": f"{notice.month:%Y-%m}"},
                center=notice.service_center.name,
                due_on=deadlines.public_summary_due(notice.month, day_rules, rule),
                status=notice.get_status_display(),
                done=notice.published_at is not None,
            )
        )
    legacy = selectors_monthly.legacy_reports(user=user).select_related("service_center__branch__company")[:24]
    for report in legacy:
        rule = settings_of(report.service_center.branch.company).holiday_rule
        out.append(
            Publication(
                title=_("%(c)s %(y)s 年第 %(q)s 季度开发商遗留问题统计")
                % {"c": report.community.name, "y": report.year, "q": report.quarter},
                center=report.service_center.name,
                due_on=deadlines.legacy_due(report.year, report.quarter, day_rules, rule),
                status=_("已报送") if report.submitted_at else _("未报送"),
                done=report.submitted_at is not None,
            )
        )
    return sorted(out, key=lambda p: p.due_on, reverse=True)
