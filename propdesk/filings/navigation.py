"""This app's entries on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("报告报送"),
        _("半月信息统计表、管理服务报告、工作简报、年度预决算：期限、编制、审批、公布与签收"),
        "filings:list",
        action="filing.view",
        weight=95,
    ),
)
