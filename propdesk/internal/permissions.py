"""Who may do what in internal communication (the only place that decides it; see core/permissions.py).

Every staff member (wherever their role is held) posts their own going-out and return on the whereabouts board (信息公告栏,
R-IC-1), which everyone of the center reads. Leave (R-IC-2) is requested by the person, decided by the
manager of their department (部门经理) or, for any department, by the center manager (on behalf, when the
department manager is away), cancelled on return (销假) by the person and confirmed by HR (人事管理员). The
center's managers and HR see the manager's dashboard.
"""

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import MANAGERS, STAFF

_CENTER = {"center": "service_center_id"}


def _department_id(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile else None


def _own(user, obj) -> bool:
    return obj.user_id == user.pk


def _own_q(user) -> Q:
    return Q(user=user)


def _not_own(user, obj) -> bool:
    return obj.user_id != user.pk


def _same_department(user, obj) -> bool:
    return obj.user_id != user.pk and obj.department_id == _department_id(user)


def _same_department_q(user) -> Q:
    return Q(department_id=_department_id(user)) & ~Q(user=user)


outing = RuleSet("outing", center=lambda o: o.service_center_id, paths=_CENTER)
# Post one's own going-out and return.
outing.allow("post", anyone=True, when=_own, q=_own_q)
outing.allow("come_back", anyone=True, when=_own, q=_own_q)
# The board of who is out: everyone of the center.
outing.allow("read", STAFF)
outing.allow("read", anyone=True, when=_own, q=_own_q)

leave = RuleSet("leave", center=lambda x: x.service_center_id, paths=_CENTER)
leave.allow("request", anyone=True, when=_own, q=_own_q)
leave.allow("withdraw", anyone=True, when=_own, q=_own_q)
leave.allow("return", anyone=True, when=_own, q=_own_q)
leave.allow("decide", {Role.DEPARTMENT_MANAGER}, when=_same_department, q=_same_department_q)
leave.allow("decide", {Role.CENTER_MANAGER}, when=_not_own, q=lambda user: ~Q(user=user))
leave.allow("confirm", {Role.HR_ADMIN})
leave.allow("read", anyone=True, when=_own, q=_own_q)
leave.allow("read", {Role.DEPARTMENT_MANAGER}, when=_same_department, q=_same_department_q)
leave.allow("read", {Role.CENTER_MANAGER, Role.HR_ADMIN})

desk = RuleSet("internal_desk", center=lambda c: c.pk, paths={"center": "pk"})
# The "my day" page: every staff member.
desk.allow("my_day", STAFF)
# The manager's dashboard of a center: who is out, approvals waiting, overdue.
desk.allow("dashboard", MANAGERS | {Role.HR_ADMIN})

circular = RuleSet("circular", center=lambda c: c.service_center_id, paths=_CENTER)
# The information manager registers, tracks, records the meeting and closes; the center manager may too.
circular.allow("register", {Role.INFO_MANAGER, Role.CENTER_MANAGER})
circular.allow("track", {Role.INFO_MANAGER, Role.CENTER_MANAGER})

duty = RuleSet("duty_task", center=lambda d: d.service_center_id, paths=_CENTER)
# A manager's recurring duties (002 §五): they mark their own done; the center manager oversees them all.
DUTY_HOLDERS = frozenset({Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER})
duty.allow("complete", DUTY_HOLDERS, when=_own, q=_own_q)
duty.allow("read", DUTY_HOLDERS, when=_own, q=_own_q)
duty.allow("read", {Role.CENTER_MANAGER})

work_log = RuleSet("work_log", center=lambda w: w.service_center_id, paths=_CENTER)
# The managers keep their own daily log and patrol findings; the center manager reads every log of the center.
work_log.allow("write", MANAGERS, when=_own, q=_own_q)
work_log.allow("read", MANAGERS, when=_own, q=_own_q)
work_log.allow("read", {Role.CENTER_MANAGER})
