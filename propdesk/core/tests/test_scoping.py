"""The scoping matrix: what ``visible_to(user)`` returns for every role, level and kind of user."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from propdesk.communities.models import Building, Community, Developer, Household, Resident, Unit, Vendor
from propdesk.core.scoping import get_scope, invalidate_scope
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.testing.factories import (
    BranchFactory,
    BuildingFactory,
    CommunityFactory,
    CompanyFactory,
    DeveloperFactory,
    HouseholdFactory,
    ResidentFactory,
    ServiceCenterFactory,
    UnitFactory,
    UserFactory,
    VendorFactory,
    staff_user,
)

STAFF_ROLES = [role for role in Role if role != Role.RESIDENT]

# How to reach, from the world, the object of each scoped model in community A (index 0) and B (1).
OBJECTS = {
    Community: lambda w: (w.community_a, w.community_b),
    Household: lambda w: (w.household_a, w.household_b),
    Resident: lambda w: (w.resident_a, w.resident_b),
    Unit: lambda w: (w.household_a.unit, w.household_b.unit),
    Building: lambda w: (w.household_a.unit.building, w.household_b.unit.building),
}
MODELS = list(OBJECTS)


def visible_pks(model, user) -> list[int]:
    return sorted(model.objects.visible_to(user).values_list("pk", flat=True))


def link_resident(resident: Resident, username: str):
    user = UserFactory(username=username)
    resident.user = user
    resident.save(update_fields=["user"])
    return user


# --- service-center roles -------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", STAFF_ROLES, ids=str)
def test_center_role_sees_own_center_only(world, role, model):
    # given a user holding the role at service-center level in center A
    user = staff_user(f"u-{role}", role, center=world.center_a)
    obj_a, obj_b = OBJECTS[model](world)

    # when
    visible = visible_pks(model, user)

    # then
    assert visible == [obj_a.pk]
    assert obj_b.pk not in visible


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_community_level_membership_sees_that_community_only(world, model):
    # given a second community in center A with its own household, and a community-level receptionist of A
    sibling = CommunityFactory(service_center=world.center_a, name="翠湖二期", code="cuihu2")
    sibling_unit = UnitFactory(building=BuildingFactory(community=sibling, name="8栋"), entrance="1单元", number="801")
    ResidentFactory(household=HouseholdFactory(unit=sibling_unit), name="王芳", phone="13700000001")
    user = staff_user("community-receptionist", Role.RECEPTIONIST, community=world.community_a)
    obj_a, _obj_b = OBJECTS[model](world)

    # when
    visible = visible_pks(model, user)

    # then
    assert visible == [obj_a.pk]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", [Role.QUALITY_DEPT, Role.BUSINESS_DEPT], ids=str)
def test_company_role_sees_both_centers(world, role, model):
    # given a company-level membership
    user = staff_user(f"co-{role}", role, company=world.company)
    obj_a, obj_b = OBJECTS[model](world)

    # when
    visible = visible_pks(model, user)

    # then
    assert visible == sorted([obj_a.pk, obj_b.pk])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_branch_leader_sees_both_centers(world, model):
    # given a branch leader of the branch running both centers
    user = staff_user("leader", Role.BRANCH_LEADER, branch=world.branch)
    obj_a, obj_b = OBJECTS[model](world)

    # when
    visible = visible_pks(model, user)

    # then
    assert visible == sorted([obj_a.pk, obj_b.pk])


def test_company_role_does_not_see_another_company(world):
    # given a community of another company, and a quality-dept user of the world's company
    other_center = ServiceCenterFactory(branch=BranchFactory(company=CompanyFactory(name="别家物业", code="other")))
    other = CommunityFactory(service_center=other_center, name="别家小区", code="other-comm")
    user = staff_user("quality", Role.QUALITY_DEPT, company=world.company)

    # when
    visible = visible_pks(Community, user)

    # then
    assert visible == sorted([world.community_a.pk, world.community_b.pk])
    assert other.pk not in visible


# --- residents ---------------------------------------------------------------------------------


@pytest.fixture
def neighbour(world) -> Resident:
    """Another household in community A, next door to resident A."""
    unit = UnitFactory(building=world.household_a.unit.building, entrance="2单元", number="1201")
    return ResidentFactory(household=HouseholdFactory(unit=unit), name="赵敏", phone="13600000002")


def test_resident_sees_own_household_and_its_residents_only(world, neighbour):
    # given resident A with a login, a family member in the same household, and a neighbour household
    user = link_resident(world.resident_a, "zhangwei")
    family = ResidentFactory(household=world.household_a, name="张小伟", phone="13800000003", relation="family")

    # when / then
    assert visible_pks(Household, user) == [world.household_a.pk]
    assert visible_pks(Resident, user) == sorted([world.resident_a.pk, family.pk])
    assert visible_pks(Unit, user) == [world.household_a.unit.pk]
    assert visible_pks(Community, user) == [world.community_a.pk]
    assert neighbour.household.pk not in visible_pks(Household, user)
    assert neighbour.pk not in visible_pks(Resident, user)
    assert world.household_b.pk not in visible_pks(Household, user)
    assert world.resident_b.pk not in visible_pks(Resident, user)
    assert world.community_b.pk not in visible_pks(Community, user)
    assert world.household_b.unit.building.pk not in visible_pks(Building, user)


def test_resident_scope_carries_the_resident_role_and_no_staff_access(world):
    # given
    user = link_resident(world.resident_a, "zhangwei")

    # when
    scope = get_scope(user)

    # then
    assert scope.roles == frozenset({Role.RESIDENT})
    assert scope.is_resident is True
    assert scope.is_staff_member is False
    assert scope.community == frozenset()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_resident_of_a_moved_out_household_sees_nothing(world, model):
    # given resident A's household has moved out
    user = link_resident(world.resident_a, "zhangwei")
    world.household_a.is_active = False
    world.household_a.save(update_fields=["is_active"])

    # when / then
    assert visible_pks(model, user) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deactivated_resident_record_sees_nothing(world, model):
    # given resident A's record was deactivated
    user = link_resident(world.resident_a, "zhangwei")
    world.resident_a.is_active = False
    world.resident_a.save(update_fields=["is_active"])

    # when / then
    assert visible_pks(model, user) == []


# --- users who see nothing / everything ---------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_anonymous_user_sees_nothing(world, model):
    assert visible_pks(model, AnonymousUser()) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_inactive_user_sees_nothing(world, model):
    # given a center-A receptionist whose login was disabled
    user = staff_user("gone", Role.RECEPTIONIST, center=world.center_a)
    user.is_active = False
    user.save(update_fields=["is_active"])

    # when / then
    assert visible_pks(model, user) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_superuser_sees_everything(world, model):
    # given
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    obj_a, obj_b = OBJECTS[model](world)

    # when / then
    assert visible_pks(model, user) == sorted([obj_a.pk, obj_b.pk])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_ended_membership_sees_nothing(world, model):
    # given a receptionist of center A whose only membership was ended
    user = staff_user("ended", Role.RECEPTIONIST, center=world.center_a)
    RoleMembership.objects.filter(user=user).update(is_active=False)

    # when / then
    assert visible_pks(model, user) == []


def test_invalidate_scope_picks_up_a_new_membership(world):
    # given a user without membership whose (empty) scope has been cached
    user = UserFactory(username="newcomer")
    assert visible_pks(Community, user) == []
    RoleMembership.objects.create(user=user, role=Role.RECEPTIONIST, service_center=world.center_a)

    # when the cache is still in place, then the new membership is not seen yet
    assert visible_pks(Community, user) == []

    # when the scope is invalidated
    invalidate_scope(user)

    # then
    assert visible_pks(Community, user) == [world.community_a.pk]


# --- company reference data (member_company) ------------------------------------------------------


@pytest.fixture
def reference_data(world):
    """A vendor and a developer of the world's company, and the same of another company."""
    other_company = CompanyFactory(name="别家物业", code="other")
    return {
        "own_vendor": VendorFactory(company=world.company, name="电信"),
        "own_developer": DeveloperFactory(company=world.company, name="翠湖地产"),
        "other_vendor": VendorFactory(company=other_company, name="别家电信"),
        "other_developer": DeveloperFactory(company=other_company, name="别家地产"),
        "other_company": other_company,
    }


@pytest.mark.parametrize(
    ("role", "scope_kwargs"),
    [
        pytest.param(Role.TECHNICIAN, lambda w: {"center": w.center_a}, id="center"),
        pytest.param(Role.TECHNICIAN, lambda w: {"community": w.community_b}, id="community"),
        pytest.param(Role.BRANCH_LEADER, lambda w: {"branch": w.branch}, id="branch"),
        pytest.param(Role.QUALITY_DEPT, lambda w: {"company": w.company}, id="company"),
    ],
)
def test_staff_of_the_company_see_its_vendors_and_developers(world, reference_data, role, scope_kwargs):
    # given a staff member of the company at any level
    user = staff_user("staff", role, **scope_kwargs(world))

    # when / then
    assert visible_pks(Vendor, user) == [reference_data["own_vendor"].pk]
    assert visible_pks(Developer, user) == [reference_data["own_developer"].pk]


def test_residents_do_not_see_vendors_or_developers(world, reference_data):
    # given
    user = link_resident(world.resident_a, "zhangwei")

    # when / then
    assert visible_pks(Vendor, user) == []
    assert visible_pks(Developer, user) == []


def test_staff_of_another_company_do_not_see_vendors_or_developers(world, reference_data):
    # given a receptionist of a center of the other company
    other_center = ServiceCenterFactory(branch=BranchFactory(company=reference_data["other_company"]))
    user = staff_user("other-staff", Role.RECEPTIONIST, center=other_center)

    # when
    vendors = visible_pks(Vendor, user)
    developers = visible_pks(Developer, user)

    # then only the other company's own reference data
    assert vendors == [reference_data["other_vendor"].pk]
    assert developers == [reference_data["other_developer"].pk]
    assert reference_data["own_vendor"].pk not in vendors
    assert reference_data["own_developer"].pk not in developers


# --- RoleMembership.clean ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "label"),
    [(Role.QUALITY_DEPT, "公司品质部"), (Role.BUSINESS_DEPT, "公司业务管理部")],
)
def test_company_role_at_service_center_level_is_rejected(world, role, label):
    # given
    membership = RoleMembership(user=UserFactory(username="q"), role=role, service_center=world.center_a)

    # when
    with pytest.raises(ValidationError) as excinfo:
        membership.clean()

    # then
    assert excinfo.value.message_dict == {"role": [f"岗位“{label}”只能授予到：公司"]}


def test_branch_role_at_service_center_level_is_rejected(world):
    membership = RoleMembership(user=UserFactory(username="l"), role=Role.BRANCH_LEADER, service_center=world.center_a)

    with pytest.raises(ValidationError) as excinfo:
        membership.clean()

    assert excinfo.value.message_dict == {"role": ["岗位“分公司领导”只能授予到：分公司"]}


def test_two_scope_levels_at_once_are_rejected(world):
    # given a membership naming both a center and a community
    membership = RoleMembership(
        user=UserFactory(username="r"),
        role=Role.RECEPTIONIST,
        service_center=world.center_a,
        community=world.community_a,
    )

    # when
    with pytest.raises(ValidationError) as excinfo:
        membership.clean()

    # then
    assert excinfo.value.messages == ["岗位授权必须且只能指定一个范围（公司、分公司、服务中心或小区）"]


def test_no_scope_level_is_rejected(world):
    membership = RoleMembership(user=UserFactory(username="n"), role=Role.RECEPTIONIST)

    with pytest.raises(ValidationError) as excinfo:
        membership.clean()

    assert excinfo.value.messages == ["岗位授权必须且只能指定一个范围（公司、分公司、服务中心或小区）"]


@pytest.mark.parametrize(
    ("role", "scope_kwargs"),
    [
        (Role.RECEPTIONIST, lambda w: {"service_center": w.center_a}),
        (Role.RECEPTIONIST, lambda w: {"community": w.community_a}),
        (Role.QUALITY_DEPT, lambda w: {"company": w.company}),
        (Role.BRANCH_LEADER, lambda w: {"branch": w.branch}),
    ],
    ids=["center", "community", "company", "branch"],
)
def test_valid_memberships_pass_clean(world, role, scope_kwargs):
    membership = RoleMembership(user=UserFactory(username="ok"), role=role, **scope_kwargs(world))

    membership.clean()  # no exception

    assert membership.scope_level is not None
