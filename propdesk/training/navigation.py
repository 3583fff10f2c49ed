"""This app's entries on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("我的培训"),
        _("需要参加的新程序培训、培训安排与完成期限"),
        "training:mine",
        action="training_desk.mine",
        weight=16,
    ),
    Entry(
        _("新程序培训"),
        _("登记新制度与流程、审批、安排培训、签到与未培训人员"),
        "training:procedures",
        action="training_desk.procedures",
        weight=86,
    ),
)
