"""Reading the month and community a report is asked for (the pages and the API share these)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community

from .permissions import report


def parse_month(raw: str | None) -> dt.date:
    """``2026-11`` → the first day of that month; this month when empty."""
    raw = (raw or "").strip()
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        day = dt.date.fromisoformat(raw + "-01" if len(raw) == 7 else raw)
    except ValueError:
        raise ValidationError(_("月份格式不正确：%(v)s（应为 2026-11）") % {"v": raw[:20]}) from None
    if not 2000 <= day.year <= 2099:
        raise ValidationError(_("月份超出范围"))
    return day.replace(day=1)


def report_communities(user):
    """The communities where ``user`` may see reports."""
    return Community.objects.filter(report.condition(user, "report.view", paths={"community": "pk"})).order_by("name")


def parse_community(user, raw) -> Community | None:
    """The community asked for, if the user may see its reports (404 otherwise: its existence is not told)."""
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(_("小区编号不正确")) from None
    community = report_communities(user).filter(pk=pk).first()
    if community is None:
        raise Http404(_("没有这个小区，或您无权查看它的报表"))
    return community
