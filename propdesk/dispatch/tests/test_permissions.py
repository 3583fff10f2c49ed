"""The dispatch permission matrix: every SPEC §1 role × every dispatch action × own / other scope, written
out literally (typed by hand, not read from ``dispatch/permissions.py``). A row reads: action, then one mark
per role in ``COLUMNS`` order — ``Y`` allowed, ``.`` denied.

Scopes: center roles sit at service center A, the company roles (quality, business management) at the
company, the branch leader at the branch, the resident in household A. "own" is an object of community A /
center A; "other" the same of community B / center B, of the same branch. Qualifiers: ``[assigned]`` the
work order is assigned to the user and being worked on (accepted), ``[finished]`` assigned to the user and
finished, ``[received]`` the user received its ticket, ``[self]`` the duty record is the user's own,
``[anywhere]`` no object. For ``be_assigned``, ``be_on`` and ``be_worker`` the user
is the person the action is about (the assignee, the worker on the rota, the fixed housekeeper).

Then the same decisions through the services: a denied write changes nothing, and a few cases the matrix
cannot show (community-level memberships, the system administrator).
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from propdesk.core.permissions import can, registered_actions
from propdesk.dispatch import services
from propdesk.dispatch.choices import Routing, Status
from propdesk.dispatch.models import (
    DispatchSettings,
    HousekeepingArrangement,
    RotaEntry,
    ShiftTemplate,
    WeeklyApproval,
    WorkOrder,
)
from propdesk.dispatch.permissions import Post
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.factories import DepartmentFactory, UserFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.models import Ticket

from .helpers import NOW, build_crew, new_ticket, row_counts, wo_snapshot, work_order_of

ROLE_OF = {
    "co": Role.CONTROL_OPERATOR,
    "rc": Role.RECEPTIONIST,
    "ca": Role.CS_ASSISTANT,
    "cs": Role.CS_SUPERVISOR,
    "cm": Role.CENTER_MANAGER,
    "dm": Role.DEPARTMENT_MANAGER,
    "rm": Role.REPAIR_MANAGER,
    "sm": Role.SECURITY_MANAGER,
    "te": Role.TECHNICIAN,
    "hk": Role.HOUSEKEEPER,
    "sg": Role.SECURITY_GUARD,
    "im": Role.INFO_MANAGER,
    "hr": Role.HR_ADMIN,
    "rk": Role.RECORDS_CLERK,
    "cl": Role.CLUBHOUSE_ADMIN,
    "qd": Role.QUALITY_DEPT,
    "bd": Role.BUSINESS_DEPT,
    "bl": Role.BRANCH_LEADER,
    "re": Role.RESIDENT,
}
COLUMNS = list(ROLE_OF)  # the column order of the tables

#                                     co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OWN = """
work_order.create                     Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.create[received]           Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
work_order.dispatch                   Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.be_assigned                .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .  .  .  .  .
work_order.grab                       .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .  .  .  .  .
work_order.work                       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.work[assigned]             .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .
work_order.work_for                   Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.call_customer              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.call_customer[assigned]    .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .
work_order.call_customer[finished]    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.visit                      Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.close                      Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.cancel                     Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.route                      Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.handle_routing             Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
work_order.sign_contact_sheet         .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.read_registers[anywhere]   Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
arrangement.create                    Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
arrangement.be_worker                 .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .
duty.record_own[self]                 Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  Y  .
duty.record_own                       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duty.record_for                       Y  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
shift.change                          .  .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
rota.plan                             Y  .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .
rota.be_on                            .  .  .  .  .  .  .  .  Y  Y  Y  .  .  .  .  .  .  .  .
weekly.decide                         .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .
dispatch_settings.change              .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

# The same objects in community B / center B. Company and branch roles oversee both centers.
#                                     co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OTHER = """
work_order.create                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.create[received]           .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
work_order.dispatch                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.be_assigned                .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.grab                       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.work[assigned]             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.work_for                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.call_customer[assigned]    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.visit                      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.close                      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.cancel                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.route                      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.handle_routing             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
work_order.sign_contact_sheet         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
arrangement.create                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
arrangement.be_worker                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
duty.record_own[self]                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
duty.record_for                       .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
shift.change                          .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
rota.plan                             .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
rota.be_on                            .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
weekly.decide                         .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
dispatch_settings.change              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
"""

SOMEONE_ELSE = 0  # a user id no login has: the object is about another person


def _parse(table: str) -> list[tuple[str, str, bool]]:
    cases = []
    for line in table.strip().splitlines():
        action, *marks = line.split()
        assert len(marks) == len(COLUMNS), f"{action}: {len(marks)} marks for {len(COLUMNS)} roles"
        assert set(marks) <= {"Y", "."}, action
        cases.extend((action, column, mark == "Y") for column, mark in zip(COLUMNS, marks, strict=True))
    return cases


def _user(world, column: str):
    role = ROLE_OF[column]
    if role == Role.RESIDENT:
        user = UserFactory(username="matrix-resident")
        world.resident_a.user = user
        world.resident_a.save(update_fields=["user"])
        return user
    if role in (Role.QUALITY_DEPT, Role.BUSINESS_DEPT):
        return role_user(role, world.company)
    if role == Role.BRANCH_LEADER:
        return role_user(role, world.branch)
    return role_user(role, world.center_a)


def _object(world, action: str, which: str, user):
    """The object ``action`` is asked about, unsaved: only where it is and whose it is matter."""
    name, _, qualifier = action.partition("[")
    qualifier = qualifier.rstrip("]")
    kind = name.split(".")[0]
    community = world.community_a if which == "own" else world.community_b
    center = community.service_center
    if qualifier == "anywhere":
        return name, None
    if kind == "work_order":
        received_by = user.pk if qualifier == "received" else SOMEONE_ELSE
        assignee = user.pk if qualifier in ("assigned", "finished") else None
        status = Status.FINISHED if qualifier == "finished" else Status.ACCEPTED if assignee else Status.PENDING
        ticket = Ticket(community=community, received_by_id=received_by)
        return name, WorkOrder(
            ticket=ticket, community=community, service_center=center, assignee_id=assignee, status=status
        )
    if kind == "arrangement":
        return name, HousekeepingArrangement(household=world.household_a if which == "own" else world.household_b)
    if kind == "duty":
        owner = user.pk if qualifier == "self" else SOMEONE_ELSE
        return name, Post(user_id=owner, service_center_id=center.pk)
    department = Department(service_center=center, kind=DepartmentKind.ENGINEERING)
    if kind == "shift":
        return name, ShiftTemplate(department=department)
    if kind == "rota":
        return name, RotaEntry(user=user, shift=ShiftTemplate(department=department))
    if kind == "weekly":
        return name, WeeklyApproval(service_center=center)
    if kind == "dispatch_settings":
        return name, DispatchSettings(service_center=center)
    raise AssertionError(f"no object for {action}")


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OWN), ids=str)
def test_own_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "own", user)
    assert can(user, name, obj) is allowed


@pytest.mark.parametrize(("action", "column", "allowed"), _parse(OTHER), ids=str)
def test_other_scope(world, action, column, allowed):
    user = _user(world, column)
    name, obj = _object(world, action, "other", user)
    assert can(user, name, obj) is allowed


DISPATCH_RULE_SETS = {"work_order", "arrangement", "duty", "shift", "rota", "weekly", "dispatch_settings"}


def test_every_dispatch_action_is_in_the_tables():
    in_tables = {line.split()[0].partition("[")[0] for line in (OWN + OTHER).strip().splitlines() if line.strip()}
    declared = {a for a in registered_actions() if a.split(".")[0] in DISPATCH_RULE_SETS}
    assert declared == in_tables


def test_the_system_administrator_may_do_everything(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for action, _column, _allowed in _parse(OTHER):
        name, obj = _object(world, action, "other", admin)
        assert can(admin, name, obj) is True, action


def test_an_inactive_login_may_do_nothing(world):
    operator = role_user(Role.CONTROL_OPERATOR, world.center_a)
    operator.is_active = False
    operator.save()
    for action, _column, _allowed in _parse(OWN):
        name, obj = _object(world, action, "own", operator)
        assert can(operator, name, obj) is False, action


# --- community-level memberships -----------------------------------------------------------------------------


def test_a_community_level_dispatcher_dispatches_that_community_but_plans_no_center_rota(world):
    operator = role_user(Role.CONTROL_OPERATOR, world.community_a)
    _name, work_order = _object(world, "work_order.dispatch", "own", operator)
    _name, rota_entry = _object(world, "rota.plan", "own", operator)
    assert can(operator, "work_order.dispatch", work_order) is True
    assert can(operator, "rota.plan", rota_entry) is False


def test_a_community_level_workers_duty_is_recorded_there(world):
    """A technician employed for one community checks in at that community's post; its dispatchers and the
    center's may record it for them, a dispatcher of another center may not."""
    tech = role_user(Role.TECHNICIAN, world.community_a)
    (post,) = services.worker_posts(tech)
    assert post == Post(user_id=tech.pk, service_center_id=world.center_a.pk, community_id=world.community_a.pk)
    assert can(tech, "duty.record_own", post) is True
    assert can(role_user(Role.CONTROL_OPERATOR, world.community_a), "duty.record_for", post) is True
    assert can(role_user(Role.CONTROL_OPERATOR, world.center_a), "duty.record_for", post) is True
    assert can(role_user(Role.CONTROL_OPERATOR, world.center_b), "duty.record_for", post) is False


# --- denied writes change nothing ----------------------------------------------------------------------------


def _denied(action: str) -> list[str]:
    return [column for a, column, allowed in _parse(OWN) if a == action and not allowed]


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.mark.parametrize("column", _denied("work_order.dispatch"))
def test_a_denied_dispatch_changes_nothing(world, crew, column):
    wo = work_order_of(new_ticket(crew.receptionist, world))
    user = _user(world, column)
    before = (wo_snapshot(wo), row_counts())
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=user, work_order=wo, assignee=crew.plumber)
    assert (wo_snapshot(wo), row_counts()) == before


@pytest.mark.parametrize("column", _denied("work_order.route"))
def test_a_denied_routing_change_changes_nothing(world, crew, column):
    wo = work_order_of(new_ticket(crew.receptionist, world))
    user = _user(world, column)
    before = (wo_snapshot(wo), wo.routing, row_counts())
    with pytest.raises(PermissionDenied):
        services.work_order_route(actor=user, work_order=wo, routing=Routing.COMMUNICATION)
    assert (wo_snapshot(wo), WorkOrder.objects.get(pk=wo.pk).routing, row_counts()) == before


@pytest.mark.parametrize("column", _denied("rota.plan"))
def test_a_denied_rota_entry_changes_nothing(world, crew, column):
    user = _user(world, column)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.rota_set(actor=user, user=crew.electrician, day=dt.date(2026, 11, 19), shift=crew.day_shift)
    assert row_counts() == before


@pytest.mark.parametrize("column", _denied("weekly.decide"))
def test_a_denied_weekly_decision_changes_nothing(world, crew, column):
    user = _user(world, column)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.weekly_decide(
            actor=user, service_center=world.center_a, week=dt.date(2026, 11, 18), decision="approved"
        )
    assert row_counts() == before


def test_department_shifts_are_the_centers_own(world):
    """A shift of center B's department is not center A's managers' to change."""
    shift_b = ShiftTemplate(department=DepartmentFactory(service_center=world.center_b))
    manager_a = role_user(Role.CENTER_MANAGER, world.center_a)
    manager_b = role_user(Role.CENTER_MANAGER, world.center_b)
    assert (can(manager_a, "shift.change", shift_b), can(manager_b, "shift.change", shift_b)) == (False, True)
