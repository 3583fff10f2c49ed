"""Endpoints of the JSON API for reports (mounted by config/api.py): the monthly statistics and the dashboard,
the same figures as the pages."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import file_response
from propdesk.core.permissions import require
from propdesk.core.xlsx import attachment

from . import export
from .charts import charts_of
from .inputs import parse_community, parse_month
from .selectors_dashboard import dashboard, level_of
from .selectors_monthly import monthly_statistics

router = Router(tags=["报表统计 Reports"])

Figure = float | int | None


class ReportsRowOut(Schema):
    key: str
    label: str
    this: Figure
    last: Figure
    year: Figure


class ReportsSectionOut(Schema):
    key: str
    title: str
    rows: list[ReportsRowOut]


class ReportsMonthlyOut(Schema):
    month: dt.date
    last_month: dt.date
    last_year: dt.date
    community_id: int | None
    sections: list[ReportsSectionOut]


class ReportsMonthlyQuery(Schema):
    month: str = Field("", pattern=r"^(20\d\d-(0[1-9]|1[0-2]))?$", description="月份，如 2026-11（默认本月）")
    community: int | None = Field(None, ge=1, le=2**31 - 1, description="小区编号（默认我的全部范围）")


class ReportsDashboardQuery(Schema):
    community: int | None = Field(None, ge=1, le=2**31 - 1, description="小区编号（默认我的全部范围）")


class ReportsTableOut(Schema):
    key: str
    title: str
    header: list[str]
    rows: list[list[str | float | int | None]]


class ReportsOutstandingOut(Schema):
    title: str
    due: dt.date
    url: str
    late: bool
    community: str
    status: str


class ReportsDashboardOut(Schema):
    title: str
    today: dt.date
    tables: list[ReportsTableOut]
    outstanding: list[ReportsOutstandingOut]


@router.get(
    "/reports/monthly",
    response={200: ReportsMonthlyOut, **COMMON_ERRORS},
    summary="客服部月度工作统计 / Monthly statistics",
)
def get_monthly(request: HttpRequest, query: Query[ReportsMonthlyQuery]):
    """本月、上月、去年同月的各项数字（与页面、Excel 相同）。 / This month, last month and the same month last year."""
    require(request.auth, "report.view", None, _("您无权查看报表"))
    month = parse_month(query.month)
    community = parse_community(request.auth, query.community)
    return monthly_statistics(user=request.auth, month=month, community_id=community.pk if community else None)


@router.get(
    "/reports/monthly/pdf",
    response=COMMON_ERRORS,
    openapi_extra=file_response("A4 PDF", "application/pdf"),
    summary="月度工作统计表 PDF / Monthly statistics as PDF",
)
def get_monthly_pdf(request: HttpRequest, query: Query[ReportsMonthlyQuery]):
    """与页面相同的数字，A4 PDF。 / The same figures as an A4 PDF."""
    require(request.auth, "report.view", None, _("您无权查看报表"))
    month = parse_month(query.month)
    community = parse_community(request.auth, query.community)
    stats = monthly_statistics(user=request.auth, month=month, community_id=community.pk if community else None)
    scope = community.name if community is not None else level_of(request.auth).removesuffix(_("看板"))
    response = HttpResponse(export.monthly_pdf(stats, scope), content_type="application/pdf")
    response["Content-Disposition"] = attachment(
        _("客服部月度工作统计表-%(m)s.pdf") % {"m": f"{month:%Y-%m}"}, f"monthly-statistics-{month:%Y-%m}.pdf"
    )
    return response


@router.get(
    "/reports/dashboard",
    response={200: ReportsDashboardOut, **COMMON_ERRORS},
    summary="报表看板 / Dashboard",
)
def get_dashboard(request: HttpRequest, query: Query[ReportsDashboardQuery]):
    """看板每张图的数据表与待交报告。 / Each chart's table and the outstanding reports."""
    require(request.auth, "report.view", None, _("您无权查看报表"))
    community = parse_community(request.auth, query.community)
    board = dashboard(user=request.auth, community_id=community.pk if community else None)
    return {
        "title": level_of(request.auth),
        "today": board.today,
        "tables": [{"key": c.key, "title": c.title, "header": c.header, "rows": c.rows} for c in charts_of(board)],
        "outstanding": board.outstanding,
    }
