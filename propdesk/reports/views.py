"""The report pages: the monthly customer-service statistics (page, A4 print, xlsx) and the dashboard."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.permissions import require
from propdesk.core.xlsx import XLSX, attachment

from . import export
from .charts import charts_of
from .inputs import parse_community, parse_month, report_communities
from .selectors_dashboard import dashboard, level_of
from .selectors_monthly import monthly_statistics, shift_month


def _allowed(request) -> None:
    require(request.user, "report.view", None, _("您无权查看报表"))


def _chosen(request):
    """The month and community asked for; a bad month is a message and this month."""
    try:
        month = parse_month(request.GET.get("month"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        month = timezone.localdate().replace(day=1)
    try:
        community = parse_community(request.user, request.GET.get("community"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        community = None
    return month, community


def _scope_label(request, community) -> str:
    return community.name if community is not None else level_of(request.user).removesuffix(_("看板"))


def _monthly_context(request):
    month, community = _chosen(request)
    stats = monthly_statistics(user=request.user, month=month, community_id=community.pk if community else None)
    query = f"month={month:%Y-%m}" + (f"&community={community.pk}" if community else "")
    return {
        "stats": stats,
        "month": month,
        "community": community,
        "communities": report_communities(request.user)[:200],
        "previous": shift_month(month, -1),
        "following": shift_month(month, 1),
        "query": query,
        "scope": _scope_label(request, community),
        "now": timezone.now(),
    }


@login_required
def monthly_page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "reports/monthly.html", _monthly_context(request))


@login_required
def monthly_print(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "reports/monthly_print.html", _monthly_context(request))


@login_required
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    context = _monthly_context(request)
    buffer = io.BytesIO()
    export.write_monthly(buffer, context["stats"], context["scope"])
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    month = f"{context['month']:%Y-%m}"
    response["Content-Disposition"] = attachment(
        _("客服部月度工作统计表-%(m)s.xlsx") % {"m": month}, f"monthly-statistics-{month}.xlsx"
    )
    return response


@login_required
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    context = _monthly_context(request)
    response = HttpResponse(export.monthly_pdf(context["stats"], context["scope"]), content_type="application/pdf")
    month = f"{context['month']:%Y-%m}"
    response["Content-Disposition"] = attachment(
        _("客服部月度工作统计表-%(m)s.pdf") % {"m": month}, f"monthly-statistics-{month}.pdf"
    )
    return response


def _dashboard_context(request):
    _month, community = _chosen(request)
    board = dashboard(user=request.user, community_id=community.pk if community else None)
    return {
        "board": board,
        "charts": charts_of(board),
        "title": level_of(request.user),
        "community": community,
        "communities": report_communities(request.user)[:200],
        "query": f"community={community.pk}" if community else "",
    }


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "reports/dashboard.html", _dashboard_context(request))


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    context = _dashboard_context(request)
    tables = [(c.title, c.header, c.rows) for c in context["charts"]]
    outstanding = context["board"].outstanding
    tables.append(
        (
            _("待交报告"),
            [_("报告"), _("小区"), _("期限"), _("状态"), _("逾期")],
            [[o.title, o.community, f"{o.due:%Y-%m-%d}", o.status, _("是") if o.late else ""] for o in outstanding],
        )
    )
    buffer = io.BytesIO()
    export.write_dashboard(buffer, tables)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    day = f"{context['board'].today:%Y-%m-%d}"
    response["Content-Disposition"] = attachment(_("报表看板-%(d)s.xlsx") % {"d": day}, f"dashboard-{day}.xlsx")
    return response
