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
    Entry(
        _("高峰期门岗值岗"),
        _("早午晚高峰门岗排班、到岗登记、到岗率和缺岗提醒"),
        "visitors:duty",
        action="gate_duty.plan",
        weight=77,
    ),
    Entry(
        _("布控名单"),
        _("按证件或车牌布控，访客相符时预警（仅安全管理员）"),
        "visitors:watch",
        action="watch.manage",
        weight=78,
    ),
)
