"""The home page's "where to go" entries, per role. Only pages that exist are listed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.choices import Role
from propdesk.org.roles import FIELD

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})


@dataclass(frozen=True)
class Entry:
    title: Promise
    description: Promise
    url_name: str
    roles: frozenset[str] = frozenset()
    needs_admin: bool = False
    # The rule-set action that decides the entry (preferred to ``roles`` where the app has one).
    action: str | None = None


ENTRIES = (
    Entry(_("接待台"), _("来电来访登记：查找住户、分类、生成工单"), "intake:desk", action="desk.use"),
    Entry(_("派单台"), _("控制中心：5 分钟内派单、人员状态、回访销单"), "dispatch:board", action="work_order.dispatch"),
    Entry(
        _("我的工作单"),
        _("接单、到场、完工、签认；上岗与对讲机状态"),
        "dispatch:my_jobs",
        action="work_order.be_assigned",
    ),
    Entry(_("工单"), _("查询、处理、答复、转交工单"), "tickets:list", action="ticket.browse"),
    Entry(_("我的工单"), _("指派给我的工单"), "tickets:mine", FIELD),
    Entry(_("投诉"), _("投诉登记：分类、负责人、时限与重复投诉"), "complaints:list", action="complaint.browse"),
    Entry(_("投诉工作台"), _("客服主管：即将到期、重复投诉优先"), "complaints:workbench", action="complaint.workbench"),
    Entry(
        _("登记簿"),
        _("报修、投诉建议、反馈、来电来访等登记簿，可打印、导出"),
        "intake:registers",
        action="register.view",
    ),
    Entry(
        _("门岗访客"), _("访客进出登记、凭邀请码进入、逗留提醒、代住户预约"), "visitors:gate", action="visit.check_in"
    ),
    Entry(_("来访登记簿"), _("访客来访记录，可按日期、事由、房号查询"), "visitors:register", action="visit.read"),
    Entry(_("报事处理及时率"), _("按服务中心、部门、人员、类别统计及时率"), "sla:timeliness", action="timeliness.view"),
    Entry(_("消息"), _("超时预警、升级通知"), "notify:inbox", STAFF_ROLES),
    Entry(_("小区档案"), _("小区、楼栋、房号、住户与住户成员"), "communities:list", action="community.browse"),
    Entry(
        _("住户资料导入"), _("从 Excel 表格批量导入楼栋、房号、住户"), "communities:import", action="community.import"
    ),
    Entry(_("我的房屋"), _("我的住户信息与家庭成员"), "communities:mine", frozenset({Role.RESIDENT})),
    Entry(_("接口令牌"), _("为对接系统创建、吊销 API 令牌；接口文档"), "account_tokens", action="api_token.manage"),
    Entry(_("后台管理"), _("组织、人员、岗位授权与主数据维护"), "admin:index", frozenset(), needs_admin=True),
)


def entries_for(user) -> list[dict]:
    scope = get_scope(user)
    items = []
    for entry in ENTRIES:
        if entry.needs_admin:
            allowed = user.is_staff
        elif entry.action is not None:
            allowed = can(user, entry.action)
        else:
            allowed = scope.unrestricted or bool(entry.roles & scope.roles)
        if allowed:
            items.append({"title": entry.title, "description": entry.description, "url": reverse(entry.url_name)})
    return items
