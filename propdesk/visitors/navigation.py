"""The visitor pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("门岗访客"),
        _("访客进出登记、凭邀请码进入、逗留提醒、代住户预约"),
        "visitors:gate",
        action="visit.check_in",
        weight=70,
    ),
    Entry(
        _("来访登记簿"),
        _("访客来访记录，可按日期、事由、房号查询"),
        "visitors:register",
        action="visit.read",
        weight=75,
    ),
    Entry(
        _("租户暂住登记"),
        _("出租户及租户租期登记、登记率、租期到期提醒"),
        "visitors:tenants",
        action="tenant.rate",
        weight=76,
    ),
)
