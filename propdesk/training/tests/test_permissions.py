"""The role × scope matrix of the training actions, written out literally: every staff role held at center A,
asked about a procedure of center A's engineering department (own scope) and of center B (other scope), a
session and a trainee row of each, and each center's desk. The department heads sit in engineering."""

import pytest

from propdesk.core.permissions import can
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.testing.roles import role_user
from propdesk.training.models import Procedure, Session, Trainee

R = Role
OVERSIGHT = {R.QUALITY_DEPT, R.BUSINESS_DEPT, R.BRANCH_LEADER}
CENTER_ROLES = sorted(r for r in MEMBERSHIP_ROLES if r not in OVERSIGHT)
HEADS = {R.DEPARTMENT_MANAGER, R.CS_SUPERVISOR, R.REPAIR_MANAGER, R.SECURITY_MANAGER}

# action → the roles (held at center A) allowed on center A's object; nobody at center A is allowed on B's.
EXPECTED = {
    "training_procedure.register": {R.CENTER_MANAGER, R.HR_ADMIN} | HEADS,
    "training_procedure.approve": {R.CENTER_MANAGER},
    "training_procedure.schedule": {R.HR_ADMIN},
    "training_procedure.read": {R.CENTER_MANAGER, R.HR_ADMIN} | HEADS,
    "training_session.read": set(CENTER_ROLES),
    "training_session.record": {R.HR_ADMIN},
    "training_trainee.read": {R.CENTER_MANAGER, R.HR_ADMIN, R.DEPARTMENT_MANAGER},
    "training_desk.register": {R.CENTER_MANAGER, R.HR_ADMIN} | HEADS,
    "training_desk.approve": {R.CENTER_MANAGER},
    "training_desk.schedule": {R.HR_ADMIN},
    "training_desk.untrained": {R.CENTER_MANAGER, R.HR_ADMIN, R.DEPARTMENT_MANAGER},
    "training_desk.mine": set(CENTER_ROLES),
}
# Company departments and the branch leader, on center-department procedures of A and B alike.
OVERSIGHT_EXPECTED = {
    "training_procedure.register": False,
    "training_procedure.approve": False,
    "training_procedure.schedule": False,
    "training_procedure.read": True,
    "training_session.record": False,
    "training_trainee.read": True,
    "training_desk.untrained": True,
}


@pytest.fixture
def objects(team, world):
    objs = {}
    for side, tech in (("a", team.plumber), ("b", team.tech_b)):
        department = tech.staff_profile.department
        center = department.service_center
        procedure = Procedure(service_center=center, department=department, issued_by_company=False)
        objs[side] = {
            "training_procedure": procedure,
            "training_session": Session(service_center=center, procedure=procedure, trainer=team.hr),
            "training_trainee": Trainee(service_center=center, procedure=procedure, user=tech),
            "training_desk": center,
        }
    return objs


def _obj(objects, side, action):
    return objects[side][action.split(".")[0]]


@pytest.mark.parametrize("role", CENTER_ROLES)
def test_center_roles(role, team, world, objects):
    department = team.engineering if role in HEADS else None
    user = role_user(role, world.center_a, department=department)
    for action, allowed in EXPECTED.items():
        assert can(user, action, _obj(objects, "a", action)) == (role in allowed), (role, action, "own")
        assert can(user, action, _obj(objects, "b", action)) is False, (role, action, "other")


@pytest.mark.parametrize("role", sorted(OVERSIGHT))
def test_oversight_roles(role, world, objects):
    user = role_user(role, world.branch if role == R.BRANCH_LEADER else world.company)
    for action, allowed in OVERSIGHT_EXPECTED.items():
        for side in ("a", "b"):
            assert can(user, action, _obj(objects, side, action)) is allowed, (role, action, side)


def test_company_departments_register_and_approve_their_own_procedures(world, objects):
    company_procedure = objects["a"]["training_procedure"]
    company_procedure.issued_by_company = True
    quality = role_user(R.QUALITY_DEPT, world.company)
    manager = role_user(R.CENTER_MANAGER, world.center_a)
    assert can(quality, "training_procedure.register", company_procedure)
    assert can(quality, "training_procedure.approve", company_procedure)
    assert can(manager, "training_procedure.approve", company_procedure)
    assert not can(role_user(R.BRANCH_LEADER, world.branch), "training_procedure.approve", company_procedure)


def test_a_head_of_another_department_neither_registers_nor_reads(team, world, objects):
    other = role_user(R.DEPARTMENT_MANAGER, world.center_a)  # a customer-service department
    for action in ("training_procedure.register", "training_procedure.read", "training_trainee.read"):
        assert not can(other, action, _obj(objects, "a", action)), action


def test_own_rows_belong_to_the_person_and_the_trainer_records(team, objects):
    plumber = team.plumber
    assert can(plumber, "training_trainee.read", objects["a"]["training_trainee"])
    assert not can(team.electrician, "training_trainee.read", objects["a"]["training_trainee"])
    session = objects["a"]["training_session"]
    session.trainer = team.electrician
    assert can(team.electrician, "training_session.record", session)
    assert not can(plumber, "training_session.record", session)
