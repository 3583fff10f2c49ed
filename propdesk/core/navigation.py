"""The home page's "where to go" entries, per role. Only pages that exist are listed."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from propdesk.org.choices import MASTER_DATA_ROLES, Role

from .scoping import get_scope

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})


@dataclass(frozen=True)
class Entry:
    title: Promise
    description: Promise
    url_name: str
    roles: frozenset[str]
    needs_admin: bool = False


ENTRIES = (
    Entry(_("小区档案"), _("小区、楼栋、房号、住户与住户成员"), "communities:list", STAFF_ROLES),
    Entry(_("住户资料导入"), _("从 Excel 表格批量导入楼栋、房号、住户"), "communities:import", MASTER_DATA_ROLES),
    Entry(_("我的房屋"), _("我的住户信息与家庭成员"), "communities:mine", frozenset({Role.RESIDENT})),
    Entry(_("后台管理"), _("组织、人员、岗位授权与主数据维护"), "admin:index", frozenset(), needs_admin=True),
)


def entries_for(user) -> list[dict]:
    scope = get_scope(user)
    items = []
    for entry in ENTRIES:
        allowed = user.is_staff if entry.needs_admin else scope.unrestricted or bool(entry.roles & scope.roles)
        if allowed:
            items.append({"title": entry.title, "description": entry.description, "url": reverse(entry.url_name)})
    return items
