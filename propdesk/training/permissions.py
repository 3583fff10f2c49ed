"""Who may do what in procedure training (the only place that decides it; see core/permissions.py).

000 §3.2.4: a department of the center that makes a new rule or workflow names who must be trained on it; the
center manager approves it and HR (人事管理员) arranges the training. Here:

* register — the center manager or HR for any department of the center; a department manager, CS supervisor,
  repair or security manager for their own department; the company quality and business departments for a
  procedure of a company functional department;
* approve / return — the center manager; the company departments for a company department's procedure;
* schedule sessions, invite, record attendance — HR; a session's trainer records its attendance too;
* read — the center's managers, HR, the company departments and the branch leader; a trainee reads what
  they must be trained on; everyone of the center reads the sessions;
* the untrained list — the center manager, HR, the company departments and the branch leader for the whole
  center; a department manager for their own department.
"""

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import STAFF

_CENTER = {"center": "service_center_id"}
COMPANY_DEPTS = frozenset({Role.QUALITY_DEPT, Role.BUSINESS_DEPT})
DEPARTMENT_HEADS = frozenset({Role.DEPARTMENT_MANAGER, Role.CS_SUPERVISOR, Role.REPAIR_MANAGER, Role.SECURITY_MANAGER})
READERS = frozenset({Role.CENTER_MANAGER, Role.HR_ADMIN, Role.BRANCH_LEADER}) | COMPANY_DEPTS


def _department_id(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile else None


def _own_department(user, obj) -> bool:
    return obj.department_id is not None and obj.department_id == _department_id(user)


def _own_department_q(user) -> Q:
    return Q(department_id=_department_id(user))


def _by_company(user, obj) -> bool:
    return bool(obj.issued_by_company)


def _by_company_q(user) -> Q:
    return Q(issued_by_company=True)


def _is_trainee(user, obj) -> bool:
    return obj.pk is not None and obj.trainees.filter(user=user).exists()


def _is_trainee_q(user) -> Q:
    from .models import Trainee

    return Q(pk__in=Trainee.objects.filter(user=user).values("procedure"))


def _own(user, obj) -> bool:
    return obj.user_id == user.pk


def _own_q(user) -> Q:
    return Q(user=user)


def _trainee_in_department(user, obj) -> bool:
    return _department_id(user) is not None and obj.user.staff_profile.department_id == _department_id(user)


def _trainee_in_department_q(user) -> Q:
    return Q(user__staff_profile__department_id=_department_id(user))


def _trainer(user, obj) -> bool:
    return obj.trainer_id == user.pk


def _trainer_q(user) -> Q:
    return Q(trainer=user)


procedure = RuleSet("training_procedure", center=lambda p: p.service_center_id, paths=_CENTER)
procedure.allow("register", {Role.CENTER_MANAGER, Role.HR_ADMIN})
procedure.allow("register", DEPARTMENT_HEADS, when=_own_department, q=_own_department_q)
procedure.allow("register", COMPANY_DEPTS, when=_by_company, q=_by_company_q)
procedure.allow("approve", {Role.CENTER_MANAGER})
procedure.allow("approve", COMPANY_DEPTS, when=_by_company, q=_by_company_q)
procedure.allow("schedule", {Role.HR_ADMIN})
procedure.allow("read", READERS)
procedure.allow("read", DEPARTMENT_HEADS, when=_own_department, q=_own_department_q)
procedure.allow("read", anyone=True, when=_is_trainee, q=_is_trainee_q)

session = RuleSet("training_session", center=lambda s: s.service_center_id, paths=_CENTER)
session.allow("read", STAFF)
session.allow("record", {Role.HR_ADMIN})
session.allow("record", anyone=True, when=_trainer, q=_trainer_q)

trainee = RuleSet("training_trainee", center=lambda t: t.service_center_id, paths=_CENTER)
trainee.allow("read", READERS)
trainee.allow("read", {Role.DEPARTMENT_MANAGER}, when=_trainee_in_department, q=_trainee_in_department_q)
trainee.allow("read", anyone=True, when=_own, q=_own_q)

desk = RuleSet("training_desk", center=lambda c: c.pk, paths={"center": "pk"})
# The pages of a center: where the user may register, approve, schedule, and read the untrained list.
desk.allow("register", {Role.CENTER_MANAGER, Role.HR_ADMIN} | DEPARTMENT_HEADS | COMPANY_DEPTS)
desk.allow("approve", {Role.CENTER_MANAGER} | COMPANY_DEPTS)
desk.allow("schedule", {Role.HR_ADMIN})
desk.allow("untrained", READERS | {Role.DEPARTMENT_MANAGER})
desk.allow("procedures", READERS | DEPARTMENT_HEADS)
# "My trainings": every staff member.
desk.allow("mine", STAFF)
