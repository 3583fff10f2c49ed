"""The visitor permission matrix: every SPEC §1 role × every visitor action × own / other scope, written out
literally (typed by hand, not read from ``visitors/permissions.py``). A row reads: action, then one mark per
role in ``COLUMNS`` order — ``Y`` allowed, ``.`` denied.

Center roles sit at service center A, the company roles at the company, the branch leader at the branch, the
resident in household A (3栋2单元1202 of community A); the watch list is asked of center A or B. "own" is a visit or invitation of household A in
community A, "other" one of household B in community B (center B, same branch). ``[anywhere]``: no object.

Then the same through the services and selectors: denied writes change nothing, each reader sees only their
scope, a resident only their own household's visitors.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.permissions import can, registered_actions
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory
from propdesk.testing.roles import role_user
from propdesk.visitors import selectors, services
from propdesk.visitors.models import (
    GateDuty,
    Invitation,
    InvitationEvent,
    TenantRegistration,
    Visit,
    VisitEvent,
    WatchEntry,
)

from .conftest import NOW, visit_kwargs

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
COLUMNS = list(ROLE_OF)

#                               co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OWN = """
visit.check_in                  .  Y  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  .
visit.check_in[anywhere]        .  Y  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  .
visit.check_out                 .  Y  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  .
visit.read                      .  Y  .  Y  Y  .  .  Y  .  .  Y  .  .  .  .  .  .  .  Y
visit.read[anywhere]            .  Y  .  Y  Y  .  .  Y  .  .  Y  .  .  .  .  .  .  .  Y
visit.reveal                    .  .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
visit.export                    .  .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
visit.export[anywhere]          .  .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
invitation.create               .  Y  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  Y
invitation.cancel               .  Y  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  Y
invitation.read                 .  Y  .  Y  Y  .  .  Y  .  .  Y  .  .  .  .  .  .  .  Y
watch.manage                    .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
watch.manage[anywhere]          .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
gate_duty.plan                  .  .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
gate_duty.be_on                 .  .  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  .
gate_duty.check_in              .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
gate_duty.check_in[self]        .  .  .  Y  .  .  .  Y  .  .  Y  .  .  .  .  .  .  .  .
tenant.register                 .  Y  Y  Y  Y  .  .  Y  .  Y  .  .  .  .  .  .  .  .  .
tenant.register[anywhere]       .  Y  Y  Y  Y  .  .  Y  .  Y  .  .  .  .  .  .  .  .  .
tenant.read                     .  Y  Y  Y  Y  .  .  Y  .  Y  .  .  .  .  .  .  .  .  Y
tenant.reveal                   .  .  .  Y  Y  .  .  Y  .  .  .  .  .  .  .  .  .  .  .
tenant.rate                     .  Y  Y  Y  Y  .  .  Y  .  Y  .  .  .  .  .  Y  Y  Y  .
tenant.rate[anywhere]           .  Y  Y  Y  Y  .  .  Y  .  Y  .  .  .  .  .  Y  Y  Y  .
"""

#                               co rc ca cs cm dm rm sm te hk sg im hr rk cl qd bd bl re
OTHER = """
visit.check_in                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
visit.check_out                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
visit.read                      .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
visit.reveal                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
visit.export                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
invitation.create               .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
invitation.cancel               .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
invitation.read                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
watch.manage                    .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
gate_duty.plan                  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
gate_duty.be_on                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
gate_duty.check_in[self]        .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
tenant.register                 .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
tenant.read                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
tenant.reveal                   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
tenant.rate                     .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  .
"""


def _parse(table: str) -> list[tuple[str, str, bool]]:
    cases = []
    for line in table.strip().splitlines():
        action, *marks = line.split()
        assert len(marks) == len(COLUMNS), f"{action}: {len(marks)} marks for {len(COLUMNS)} roles"
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


def _object(world, action: str, which: str, user=None):
    name, _, qualifier = action.partition("[")
    if qualifier == "anywhere]":
        return name, None
    community, household = (
        (world.community_a, world.household_a) if which == "own" else (world.community_b, world.household_b)
    )
    if name.startswith("gate_duty."):
        owner = user.pk if qualifier == "self]" and user is not None else 0
        return name, GateDuty(community=community, user_id=owner)
    if name.startswith("tenant."):
        return name, TenantRegistration(community=community, household=household)
    if name.startswith("watch."):
        return name, WatchEntry(service_center=community.service_center)
    model = Visit if name.startswith("visit.") else Invitation
    return name, model(community=community, household=household)


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


def test_every_visitor_action_is_in_the_tables():
    in_tables = {line.split()[0].partition("[")[0] for line in (OWN + OTHER).strip().splitlines() if line.strip()}
    declared = {
        a for a in registered_actions() if a.split(".")[0] in {"visit", "invitation", "watch", "gate_duty", "tenant"}
    }
    assert declared == in_tables


def test_the_system_administrator_may_do_everything(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for action, _column, _allowed in _parse(OTHER):
        name, obj = _object(world, action, "other", admin)
        assert can(admin, name, obj) is True, action


# --------------------------------------------------------------------------- through services and selectors


def _counts() -> tuple[int, ...]:
    return (
        Visit.objects.count(),
        VisitEvent.objects.count(),
        Invitation.objects.count(),
        InvitationEvent.objects.count(),
    )


@pytest.fixture
def scene(world, clock):
    """One visit and one invitation in each community, registered by each community's guard."""
    guard_a = role_user(Role.SECURITY_GUARD, world.center_a, username="g-a")
    guard_b = role_user(Role.SECURITY_GUARD, world.center_b, username="g-b")
    visit_a = services.check_in(actor=guard_a, **visit_kwargs(world))
    visit_b = services.check_in(actor=guard_b, **visit_kwargs(world, community=world.community_b, room="1-1-101"))
    window = {"valid_from": NOW, "valid_until": NOW + dt.timedelta(hours=2)}
    inv_a = services.invite(actor=guard_a, community=world.community_a, visitor_name="甲", room="3-2-1202", **window)
    inv_b = services.invite(actor=guard_b, community=world.community_b, visitor_name="乙", room="1-1-101", **window)
    return visit_a, visit_b, inv_a, inv_b


@pytest.mark.parametrize("column", [c for c in COLUMNS if c not in {"rc", "cs", "sm", "sg"}])
def test_denied_gate_writes_change_nothing(world, scene, column):
    user = _user(world, column)
    visit_a, _visit_b, inv_a, _inv_b = scene
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.check_in(actor=user, **visit_kwargs(world))
    with pytest.raises(PermissionDenied):
        services.check_out(actor=user, visit=visit_a)
    with pytest.raises(ValidationError):  # the code is not found where the user keeps no gate
        services.check_in_by_code(actor=user, code=inv_a.code)
    assert _counts() == before
    visit_a.refresh_from_db()
    assert visit_a.checked_out_at is None


@pytest.mark.parametrize("column", ["rc", "cs", "sm", "sg"])
def test_gate_staff_of_center_a_cannot_touch_community_b(world, scene, column):
    user = _user(world, column)
    _visit_a, visit_b, _inv_a, inv_b = scene
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.check_in(actor=user, **visit_kwargs(world, community=world.community_b, room="1-1-101"))
    with pytest.raises(PermissionDenied):
        services.check_out(actor=user, visit=visit_b)
    with pytest.raises(PermissionDenied):
        services.cancel_invitation(actor=user, invitation=inv_b)
    with pytest.raises(ValidationError):
        services.check_in_by_code(actor=user, code=inv_b.code)
    assert _counts() == before


def test_each_reader_sees_only_their_scope_and_a_resident_only_their_household(world, scene, resident_user_a):
    visit_a, visit_b, inv_a, inv_b = scene
    manager_a = role_user(Role.CENTER_MANAGER, world.center_a)
    technician_a = role_user(Role.TECHNICIAN, world.center_a)
    assert list(selectors.visits(user=manager_a)) == [visit_a]
    assert list(selectors.invitations(user=manager_a)) == [inv_a]
    assert list(selectors.visits(user=technician_a)) == []
    assert list(selectors.visits(user=resident_user_a)) == [visit_a]
    assert list(selectors.invitations(user=resident_user_a)) == [inv_a]
    courier = services.check_in(
        actor=role_user(Role.SECURITY_GUARD, world.center_a), **visit_kwargs(world, purpose="delivery", room="")
    )
    assert courier not in selectors.visits(user=resident_user_a)
    assert list(selectors.gate_communities(user=resident_user_a)) == []
    assert list(selectors.gate_communities(user=technician_a)) == []
    assert list(selectors.gate_communities(user=role_user(Role.SECURITY_GUARD, world.center_b))) == [world.community_b]
    assert visit_b not in selectors.visits(user=manager_a) and inv_b not in selectors.invitations(user=manager_a)


@pytest.mark.parametrize("column", [c for c in COLUMNS if c not in {"rc", "ca", "cs", "cm", "sm", "hk"}])
def test_denied_tenant_writes_change_nothing(world, clock, column):
    keeper = role_user(Role.RECEPTIONIST, world.center_a, username="desk-keeper")
    lease = {"lease_start": dt.date(2026, 9, 1), "lease_end": dt.date(2027, 8, 31)}
    person = {"name": "周杰", "document_type": "id_card", "id_number": "440308199901011234"}
    registration = services.register_tenant(
        actor=keeper, community=world.community_a, room="3-2-1202", **person, **lease
    )
    user = _user(world, column)
    before = (TenantRegistration.objects.count(), registration.letting.__class__.objects.count())
    with pytest.raises(PermissionDenied):
        services.register_tenant(actor=user, community=world.community_a, room="3-2-1202", **person, **lease)
    with pytest.raises(PermissionDenied):
        services.renew_lease(actor=user, registration=registration, lease_end=dt.date(2028, 1, 1))
    with pytest.raises(PermissionDenied):
        services.end_tenancy(actor=user, registration=registration)
    with pytest.raises(PermissionDenied):
        services.end_letting(actor=user, letting=registration.letting)
    registration.refresh_from_db()
    assert registration.ended_at is None and registration.lease_end == dt.date(2027, 8, 31)
    assert (TenantRegistration.objects.count(), registration.letting.__class__.objects.count()) == before
