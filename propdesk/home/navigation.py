"""The home page's "where to go" entries, per role. Only pages that exist are listed."""

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry
from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.choices import Role
from propdesk.org.roles import FIELD

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})


ENTRIES = (
    Entry(_("接待台"), _("来电来访登记：查找住户、分类、生成工单"), "intake:desk", action="desk.use", weight=10),
    Entry(
        _("派单台"),
        _("控制中心：5 分钟内派单、人员状态、回访销单"),
        "dispatch:board",
        action="work_order.dispatch",
        weight=20,
    ),
    Entry(
        _("我的工作单"),
        _("接单、到场、完工、签认；上岗与对讲机状态"),
        "dispatch:my_jobs",
        action="work_order.be_assigned",
        weight=30,
    ),
    Entry(_("工单"), _("查询、处理、答复、转交工单"), "tickets:list", action="ticket.browse", weight=40),
    Entry(_("我的工单"), _("指派给我的工单"), "tickets:mine", FIELD, weight=50),
    Entry(
        _("登记簿"),
        _("报修、投诉建议、反馈、来电来访等登记簿，可打印、导出"),
        "intake:registers",
        action="register.view",
        weight=80,
    ),
    Entry(
        _("报事处理及时率"),
        _("按服务中心、部门、人员、类别统计及时率"),
        "sla:timeliness",
        action="timeliness.view",
        weight=90,
    ),
    Entry(_("消息"), _("超时预警、升级通知"), "notify:inbox", STAFF_ROLES, weight=100),
    Entry(
        _("小区档案"),
        _("小区、楼栋、房号、住户与住户成员"),
        "communities:list",
        action="community.browse",
        weight=110,
    ),
    Entry(
        _("住户资料导入"),
        _("从 Excel 表格批量导入楼栋、房号、住户"),
        "communities:import",
        action="community.import",
        weight=120,
    ),
    Entry(_("我的房屋"), _("我的住户信息与家庭成员"), "communities:mine", frozenset({Role.RESIDENT}), weight=130),
    Entry(
        _("接口令牌"),
        _("为对接系统创建、吊销 API 令牌；接口文档"),
        "account_tokens",
        action="api_token.manage",
        weight=900,
    ),
    Entry(
        _("后台管理"), _("组织、人员、岗位授权与主数据维护"), "admin:index", frozenset(), needs_admin=True, weight=1000
    ),
)


@cache
def all_entries() -> tuple[Entry, ...]:
    """The entries above, then those each installed app declares in its ``navigation.NAV_ENTRIES``, in the
    order of ``Entry.weight`` (stable)."""
    declared = list(ENTRIES)
    for config in apps.get_app_configs():
        if not config.name.startswith("propdesk.") or config.name == __package__:
            continue
        name = f"{config.name}.navigation"
        if find_spec(name) is not None:
            declared.extend(getattr(import_module(name), "NAV_ENTRIES", ()))
    return tuple(sorted(declared, key=lambda e: e.weight))


def entries_for(user) -> list[dict]:
    scope = get_scope(user)
    items = []
    for entry in all_entries():
        if entry.needs_admin:
            allowed = user.is_staff
        elif entry.action is not None:
            allowed = can(user, entry.action)
        else:
            allowed = scope.unrestricted or bool(entry.roles & scope.roles)
        if allowed:
            items.append({"title": entry.title, "description": entry.description, "url": reverse(entry.url_name)})
    return items
