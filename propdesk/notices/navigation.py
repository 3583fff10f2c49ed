"""The notices pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

NAV_ENTRIES = (
    Entry(
        _("公告与停水停电"),
        _("起草公告和停水停电通知、审批盖章、打印张贴、特殊顾客送达"),
        "notices:list",
        action="notice.read",
        weight=80,
    ),
    Entry(
        _("公告审批"),
        _("待服务中心经理审批的公告和停水停电通知"),
        "notices:approvals",
        action="notice.approve",
        weight=81,
    ),
    Entry(
        _("收费公示与服务电话"),
        _("各小区公告栏的收费价目表和水电气、通信、热线等服务电话"),
        "notices:board_manage",
        action="board.manage",
        weight=83,
    ),
    Entry(
        _("预警与广播"),
        _("暴雨台风预警、人员确认、控制中心广播任务"),
        "notices:broadcasts",
        action="broadcast.read",
        weight=82,
    ),
)
