"""The complaint pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("投诉"), _("投诉登记：分类、负责人、时限与重复投诉"), "complaints:list", action="complaint.browse", weight=60
    ),
    Entry(
        _("投诉工作台"),
        _("客服主管：即将到期、重复投诉优先"),
        "complaints:workbench",
        action="complaint.workbench",
        weight=65,
    ),
    Entry(
        _("投诉月度工作"),
        _("月度汇总、培训案例、公共投诉公告、纠正预防措施"),
        "complaints:monthly",
        action="complaint_monthly.browse",
        weight=66,
    ),
)
