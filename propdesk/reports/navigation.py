"""The report pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("报表看板"),
        _("未完成工作、时限与及时率、投诉、报修、满意度、访谈进度，图表与数据"),
        "reports:dashboard",
        action="report.view",
        weight=70,
    ),
    Entry(
        _("月度工作统计"),
        _("客服部月度工作统计表：本月、上月、去年同月，可打印、导出 Excel"),
        "reports:monthly",
        action="report.view",
        weight=71,
    ),
)
