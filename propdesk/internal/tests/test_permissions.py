"""The role × scope matrix of the internal actions, written out literally: every staff role held at center A,
asked about a going-out and a leave request of an engineering technician of center A (own scope) and of
center B (other scope), and about each center's dashboard. Own actions (going out, asking for leave,
withdrawing, returning) belong to the person only, whatever their role."""

import pytest

from propdesk.core.permissions import can
from propdesk.internal.models import (
    ActionItem,
    EmailTask,
    LeaveRequest,
    Meeting,
    Outing,
    Reassignment,
    SignIn,
)
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.testing.roles import role_user

R = Role
CENTER_ROLES = sorted(r for r in MEMBERSHIP_ROLES if r not in {R.QUALITY_DEPT, R.BUSINESS_DEPT, R.BRANCH_LEADER})

# action → the roles (held at center A) allowed on center A's object; nobody at center A is allowed on B's.
EXPECTED = {
    "outing.read": set(MEMBERSHIP_ROLES) - {R.QUALITY_DEPT, R.BUSINESS_DEPT, R.BRANCH_LEADER},
    "outing.come_back": set(),
    "leave.decide": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER},
    "leave.confirm": {R.HR_ADMIN},
    "leave.read": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER, R.HR_ADMIN},
    "leave.return": set(),
    "internal_desk.dashboard": {
        R.CENTER_MANAGER,
        R.DEPARTMENT_MANAGER,
        R.REPAIR_MANAGER,
        R.SECURITY_MANAGER,
        R.HR_ADMIN,
    },
    # Reporting someone else's reassignment: the managers and the control center's staff.
    "reassignment.report": {
        R.CENTER_MANAGER,
        R.DEPARTMENT_MANAGER,
        R.REPAIR_MANAGER,
        R.SECURITY_MANAGER,
        R.CONTROL_OPERATOR,
        R.CS_SUPERVISOR,
    },
    "reassignment.acknowledge": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER},
    "reassignment.read": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER},
    "internal_desk.unreported": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER},
    "internal_desk.late_sign_ins": {
        R.CENTER_MANAGER,
        R.DEPARTMENT_MANAGER,
        R.REPAIR_MANAGER,
        R.SECURITY_MANAGER,
        R.HR_ADMIN,
    },
    "internal_desk.configure": {R.CENTER_MANAGER},
    "meeting.record": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER, R.REPAIR_MANAGER, R.SECURITY_MANAGER, R.INFO_MANAGER},
    "meeting.read": set(MEMBERSHIP_ROLES) - {R.QUALITY_DEPT, R.BUSINESS_DEPT, R.BRANCH_LEADER},
    "action_item.complete": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER, R.REPAIR_MANAGER, R.SECURITY_MANAGER},
    "sign_in.sign": set(),
    "sign_in.read": {R.CENTER_MANAGER, R.DEPARTMENT_MANAGER, R.REPAIR_MANAGER, R.SECURITY_MANAGER, R.HR_ADMIN},
    "email_task.forward": {R.INFO_MANAGER, R.CENTER_MANAGER},
    "email_task.complete": {R.INFO_MANAGER, R.CENTER_MANAGER},
    "email_task.read": {R.INFO_MANAGER, R.CENTER_MANAGER},
}
# Company and branch roles see every center below them.
OVERSIGHT_EXPECTED = {
    "outing.read": True,
    "leave.read": False,
    "leave.decide": False,
    "internal_desk.dashboard": False,
    "reassignment.acknowledge": False,
    "internal_desk.unreported": False,
    "meeting.record": False,
    "meeting.read": True,
    "sign_in.read": False,
    "email_task.forward": False,
}


@pytest.fixture
def objects(office, world):
    tech_a = office.crew.plumber
    tech_b = office.crew.tech_b
    objs = {}
    for key, tech in (("a", tech_a), ("b", tech_b)):
        dept = tech.staff_profile.department
        objs[key] = {
            "outing": Outing(user=tech, service_center_id=dept.service_center_id),
            "leave": LeaveRequest(user=tech, service_center_id=dept.service_center_id, department=dept),
            "center": dept.service_center,
            "reassignment": Reassignment(user=tech, service_center_id=dept.service_center_id, department=dept),
            "meeting": Meeting(service_center_id=dept.service_center_id),
            "action_item": ActionItem(user=tech, service_center_id=dept.service_center_id),
            "sign_in": SignIn(user=tech, service_center_id=dept.service_center_id),
            "email_task": EmailTask(user=tech, service_center_id=dept.service_center_id),
        }
    return objs


def _obj(objects, side, action):
    kind = action.split(".")[0]
    return objects[side]["center" if kind == "internal_desk" else kind]


@pytest.mark.parametrize("role", CENTER_ROLES)
def test_center_roles(role, office, world, objects):
    # The department manager sits in engineering, the plumber's department; the others where role_user puts them.
    department = office.crew.engineering if role == R.DEPARTMENT_MANAGER else None
    user = role_user(role, world.center_a, department=department)
    for action, allowed in EXPECTED.items():
        assert can(user, action, _obj(objects, "a", action)) == (role in allowed), (role, action, "own")
        assert can(user, action, _obj(objects, "b", action)) is False, (role, action, "other")


def test_a_department_manager_of_another_department_does_not_decide(office, world, objects):
    other = role_user(R.DEPARTMENT_MANAGER, world.center_a)  # a customer-service department
    assert not can(other, "leave.decide", objects["a"]["leave"])
    assert not can(other, "leave.read", objects["a"]["leave"])


@pytest.mark.parametrize("role", [R.QUALITY_DEPT, R.BUSINESS_DEPT, R.BRANCH_LEADER])
def test_oversight_roles(role, world, objects):
    scope = world.branch if role == R.BRANCH_LEADER else world.company
    user = role_user(role, scope)
    for action, allowed in OVERSIGHT_EXPECTED.items():
        for side in ("a", "b"):
            assert can(user, action, _obj(objects, side, action)) is allowed, (role, action, side)


def test_own_actions_belong_to_the_person_whatever_the_role(office, objects):
    plumber = office.crew.plumber
    for action in ("outing.post", "outing.come_back", "outing.read"):
        assert can(plumber, action, objects["a"]["outing"])
    for action in ("leave.request", "leave.withdraw", "leave.return", "leave.read"):
        assert can(plumber, action, objects["a"]["leave"])
    assert not can(plumber, "leave.decide", objects["a"]["leave"])
    assert not can(plumber, "leave.confirm", objects["a"]["leave"])
    assert not can(office.crew.manager, "leave.return", objects["a"]["leave"])
    assert not can(office.crew.manager, "leave.decide", LeaveRequest(user=office.crew.manager, service_center_id=1))


def test_own_routine_actions_belong_to_the_person(office, objects):
    plumber = office.crew.plumber
    for action in ("reassignment.report", "reassignment.read"):
        assert can(plumber, action, objects["a"]["reassignment"]), action
    assert not can(plumber, "reassignment.acknowledge", objects["a"]["reassignment"])
    assert can(plumber, "action_item.complete", objects["a"]["action_item"])
    assert can(plumber, "sign_in.sign", objects["a"]["sign_in"])
    assert can(plumber, "email_task.complete", objects["a"]["email_task"])
    assert can(plumber, "email_task.read", objects["a"]["email_task"])
    assert not can(plumber, "email_task.forward", objects["a"]["email_task"])
    # Someone else's: no.
    assert not can(office.crew.electrician, "reassignment.report", objects["a"]["reassignment"])
    assert not can(office.crew.electrician, "action_item.complete", objects["a"]["action_item"])
    assert not can(office.crew.electrician, "sign_in.sign", objects["a"]["sign_in"])
    assert not can(office.crew.electrician, "email_task.complete", objects["a"]["email_task"])
    # The department manager acknowledges a reassignment of their department, not their own.
    own = Reassignment(
        user=office.dept_manager, service_center_id=objects["a"]["center"].pk, department=office.crew.engineering
    )
    assert can(office.dept_manager, "reassignment.acknowledge", objects["a"]["reassignment"])
    assert not can(office.dept_manager, "reassignment.acknowledge", own)
