"""The internal pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("我的一天"),
        _("外出登记与返回、请假与销假、我的工作单、等我处理的事项"),
        "internal:my_day",
        action="internal_desk.my_day",
        weight=15,
    ),
    Entry(
        _("管理看板"),
        _("谁在外出、今日休假、待审批请假、未销假与逾期事项"),
        "internal:dashboard",
        action="internal_desk.dashboard",
        weight=85,
    ),
)
