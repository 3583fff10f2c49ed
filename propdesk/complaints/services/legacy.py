"""The quarterly developer-legacy statistics (001 §4.3.7): for a community less than one year after handover, the
quarter's class-2 complaints (housing quality, facilities) compiled, reviewed by the center manager and submitted
to the business-management department (told in its inbox)."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders
from propdesk.tickets.choices import OPEN_STATUSES

from .. import permissions  # noqa: F401  (declares the rules)
from ..choices import ResponsibilityClass
from ..models import Complaint
from ..models_monthly import LegacyReport
from .collective import _for_message
from .monthly import _bump, _lock


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2099:
        raise field_error("quarter", _("请填写正确的年度和季度"), "invalid")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def is_young(community, year: int, quarter: int) -> bool:
    """Less than one year after handover at some time in the quarter."""
    start, end = quarter_bounds(year, quarter)
    handover = community.handover_date
    return handover is not None and handover <= end and start < handover + dt.timedelta(days=365)


def legacy_figures(community, year: int, quarter: int) -> dict:
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
    rows = Complaint.objects.filter(
        community=community,
        responsibility_class=ResponsibilityClass.DEVELOPER,
        created_at__gte=since,
        created_at__lt=until,
    ).select_related("ticket")
    counts = rows.aggregate(
        total=Count("pk"),
        housing=Count("pk", filter=Q(developer_matter="housing")),
        facilities=Count("pk", filter=Q(developer_matter="facilities")),
        open=Count("pk", filter=Q(ticket__status__in=sorted(OPEN_STATUSES))),
    )
    items = [
        {"number": c.ticket.number, "title": c.ticket.title, "matter": c.developer_matter, "status": c.ticket.status}
        for c in rows.order_by("created_at")[:200]
    ]
    return {**counts, "items": items}


@transaction.atomic
def legacy_compile(*, actor, community, year: int, quarter: int) -> LegacyReport:
    """Compile (or, before the review, compile again) the quarter's developer-legacy statistics of a community."""
    report = LegacyReport.objects.select_for_update().filter(community=community, year=year, quarter=quarter).first()
    report = report or LegacyReport(
        service_center_id=community.service_center_id, community=community, year=year, quarter=quarter
    )
    require(actor, "complaint_monthly.compile_legacy", report, _("您无权统计开发商遗留问题"))
    if not is_young(community, year, quarter):
        raise field_error("community", _("该小区交付已满一年（或未登记交付日期），不需季度统计"), "not_young")
    if report.reviewed_at is not None:
        raise field_error("quarter", _("该季度统计已审核，不能重新统计"), "reviewed")
    report.figures, report.compiled_by, report.compiled_at = (
        legacy_figures(community, year, quarter),
        actor,
        timezone.now(),
    )
    report.save()
    record_event(actor=actor, verb="complaint_legacy.compiled", target=report, data={"total": report.figures["total"]})
    return report


@transaction.atomic
def legacy_review(*, actor, report: LegacyReport, note: str = "", expected_version: int | None = None):
    report = _lock(LegacyReport, report, expected_version)
    require(actor, "complaint_monthly.submit_legacy", report, _("开发商遗留问题统计须由服务中心经理审核"))
    if report.reviewed_at is not None:
        raise field_error("review_note", _("该统计已审核"), "reviewed")
    report.review_note = clean_text(note, "note", required=False, limit=1000)
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    _bump(report, ["review_note", "reviewed_by", "reviewed_at"])
    record_event(actor=actor, verb="complaint_legacy.reviewed", target=report, reason=report.review_note)
    return report


@transaction.atomic
def legacy_submit(*, actor, report: LegacyReport, expected_version: int | None = None) -> LegacyReport:
    """Submit the reviewed statistics to the business-management department."""
    report = _lock(LegacyReport, report, expected_version)
    require(actor, "complaint_monthly.submit_legacy", report, _("开发商遗留问题统计须由服务中心经理报送"))
    if report.reviewed_at is None:
        raise field_error("submitted_at", _("请先审核再报送"), "not_reviewed")
    if report.submitted_at is not None:
        raise field_error("submitted_at", _("该统计已报送"), "submitted")
    report.submitted_by, report.submitted_at = actor, timezone.now()
    _bump(report, ["submitted_by", "submitted_at"])
    record_event(actor=actor, verb="complaint_legacy.submitted", target=report)
    department = role_holders(
        roles=[Role.BUSINESS_DEPT], community_id=report.community_id, service_center=report.service_center
    )
    notify(
        recipients=department,
        message=Message(
            kind="complaint.legacy",
            subject=_for_message(
                t(
                    N_("开发商遗留问题季度统计：%(community)s %(year)s 年第 %(q)s 季度，共 %(n)s 宗"),
                    community=report.community.name,
                    year=report.year,
                    q=report.quarter,
                    n=report.figures.get("total", 0),
                )
            ),
            url=reverse("complaints:monthly"),
        ),
        dedupe=f"complaint-legacy-submitted:{report.pk}",
    )
    return report
