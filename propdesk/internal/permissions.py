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

reassignment = RuleSet("reassignment", center=lambda r: r.service_center_id, paths=_CENTER)
# An ad-hoc reassignment (R-IC-3) is reported by the person moved, or by whoever moved them (a manager, the
# control center); the manager of the person's department (or the center manager) acknowledges it.
REASSIGNERS = MANAGERS | {Role.CONTROL_OPERATOR, Role.CS_SUPERVISOR}
reassignment.allow("report", anyone=True, when=_own, q=_own_q)
reassignment.allow("report", REASSIGNERS)
reassignment.allow("acknowledge", {Role.DEPARTMENT_MANAGER}, when=_same_department, q=_same_department_q)
reassignment.allow("acknowledge", {Role.CENTER_MANAGER}, when=_not_own, q=lambda user: ~Q(user=user))
reassignment.allow("read", anyone=True, when=_own, q=_own_q)
reassignment.allow("read", {Role.DEPARTMENT_MANAGER}, when=_same_department, q=_same_department_q)
reassignment.allow("read", {Role.CENTER_MANAGER})
# The list of reassignments seen by dispatch but never reported: the department and center managers.
desk.allow("unreported", {Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER})
# Late sign-ins (when the center keeps sign-in times): the managers and HR, as the dashboard.
desk.allow("late_sign_ins", MANAGERS | {Role.HR_ADMIN})
# Whether sign-in times are kept: the center manager decides.
desk.allow("configure", {Role.CENTER_MANAGER})

meeting = RuleSet("meeting", center=lambda m: m.service_center_id, paths=_CENTER)
# The managers (and the information manager) record meetings and their action items; every staff member of the
# center reads them.
meeting.allow("record", MANAGERS | {Role.INFO_MANAGER})
meeting.allow("read", STAFF)

action_item = RuleSet("action_item", center=lambda a: a.service_center_id, paths=_CENTER)
# An action item is marked done by its owner, or by the managers of the center.
action_item.allow("complete", anyone=True, when=_own, q=_own_q)
action_item.allow("complete", MANAGERS)

sign_in = RuleSet("sign_in", center=lambda s: s.service_center_id, paths=_CENTER)
# One's own sign-in and sign-out; the managers and HR read the center's.
sign_in.allow("sign", STAFF, when=_own, q=_own_q)
sign_in.allow("read", anyone=True, when=_own, q=_own_q)
sign_in.allow("read", MANAGERS | {Role.HR_ADMIN})

email_task = RuleSet("email_task", center=lambda e: e.service_center_id, paths=_CENTER)
# The information manager forwards important emails into tasks (the center manager may too); the owner marks
# their task done.
email_task.allow("forward", {Role.INFO_MANAGER, Role.CENTER_MANAGER})
email_task.allow("complete", anyone=True, when=_own, q=_own_q)
email_task.allow("complete", {Role.INFO_MANAGER, Role.CENTER_MANAGER})
email_task.allow("read", anyone=True, when=_own, q=_own_q)
email_task.allow("read", {Role.INFO_MANAGER, Role.CENTER_MANAGER})
