"""The engagement pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("客户访谈"),
        _("本月访谈住户、访谈计划与进度、登记访谈"),
        "engagement:planner",
        action="interview_plan.read",
        weight=80,
    ),
    Entry(
        _("客户访谈记录表"),
        _("访谈记录查询、打印、导出"),
        "engagement:register",
        action="interview.read",
        weight=81,
    ),
    Entry(
        _("意见箱与定期沟通"),
        _("意见箱开启、特殊顾客季度沟通、业主座谈会与业委会"),
        "engagement:contacts",
        action="contact.read",
        weight=82,
    ),
    Entry(
        _("满意度调查"),
        _("问卷与计分公式、审核、录入答卷、调查结果"),
        "engagement:surveys",
        action="survey.read",
        weight=83,
    ),
    Entry(
        _("意见箱管理"),
        _("意见箱位置与责任人、每两天开启计划、开启记录"),
        "engagement:boxes",
        action="box.read",
        weight=84,
    ),
    Entry(
        _("社区文化活动"),
        _("活动计划、活动公告、参加人数与住户反馈"),
        "engagement:activities",
        action="activity.read",
        weight=85,
    ),
)
