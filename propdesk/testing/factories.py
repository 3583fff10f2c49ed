"""factory_boy factories and a small two-center world for tests."""

import itertools
from dataclasses import dataclass
from datetime import date

import factory
from django.contrib.auth import get_user_model

from propdesk.communities.choices import Relation
from propdesk.communities.models import Building, Community, Developer, Household, Resident, Unit, Vendor
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Branch, Company, Department, RoleMembership, ServiceCenter, StaffProfile


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-123456")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"测试物业公司{n}")
    code = factory.Sequence(lambda n: f"co{n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"分公司{n}")
    code = factory.Sequence(lambda n: f"br{n}")


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"服务中心{n}")
    code = factory.Sequence(lambda n: f"SC{n:02d}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    service_center = factory.SubFactory(ServiceCenterFactory)
    company = factory.LazyAttribute(lambda o: o.service_center.branch.company)
    kind = DepartmentKind.CUSTOMER_SERVICE
    name = factory.Sequence(lambda n: f"部门{n}")


class DeveloperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Developer

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"开发商{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    service_center = factory.SubFactory(ServiceCenterFactory)
    name = factory.Sequence(lambda n: f"小区{n}")
    code = factory.Sequence(lambda n: f"comm{n}")
    household_count = 500
    handover_date = date(2020, 1, 1)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    entrance = "1单元"
    number = factory.Sequence(lambda n: f"{(n % 30) + 1}{(n % 4) + 1:02d}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"住户{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = "11010519491231002X"
    relation = Relation.OWNER


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"外联单位{n}")
    category = "telecom"
    phone = "0755-12345678"


_EMPLOYEE_NO = itertools.count(1)


def staff_user(username: str, role: str, *, center=None, community=None, company=None, branch=None, department=None):
    """A staff login holding ``role`` at the given scope."""
    user = UserFactory(username=username)
    if department is None:
        owner_center = center or (community.service_center if community else None)
        if owner_center is not None:
            department = DepartmentFactory(service_center=owner_center)
        else:
            the_company = company or branch.company
            department = Department.objects.create(
                company=the_company, kind=DepartmentKind.QUALITY, name=f"{username}部"
            )
    StaffProfile.objects.create(
        user=user, name=username[:50], employee_no=f"E{next(_EMPLOYEE_NO):07d}", department=department
    )
    RoleMembership.objects.create(
        user=user, role=role, company=company, branch=branch, service_center=center, community=community
    )
    return user


@dataclass
class OrgWorld:
    company: Company
    branch: Branch
    center_a: ServiceCenter
    center_b: ServiceCenter
    community_a: Community
    community_b: Community
    household_a: Household
    household_b: Household
    resident_a: Resident
    resident_b: Resident


def build_world() -> OrgWorld:
    company = CompanyFactory(name="华悦物业", code="hy")
    branch = BranchFactory(company=company, name="深圳分公司", code="sz")
    center_a = ServiceCenterFactory(branch=branch, name="翠湖服务中心", code="A01")
    center_b = ServiceCenterFactory(branch=branch, name="云山服务中心", code="B01")
    community_a = CommunityFactory(service_center=center_a, name="翠湖花园", code="cuihu")
    community_b = CommunityFactory(service_center=center_b, name="云山名邸", code="yunshan")
    unit_a = UnitFactory(building=BuildingFactory(community=community_a, name="3栋"), entrance="2单元", number="1202")
    unit_b = UnitFactory(building=BuildingFactory(community=community_b, name="1栋"), entrance="1单元", number="101")
    household_a = HouseholdFactory(unit=unit_a)
    household_b = HouseholdFactory(unit=unit_b)
    resident_a = ResidentFactory(
        household=household_a, name="张伟", phone="13812345678", id_number="11010519491231002X"
    )
    resident_b = ResidentFactory(household=household_b, name="李娜", phone="13987654321", id_number="")
    return OrgWorld(
        company, branch, center_a, center_b, community_a, community_b, household_a, household_b, resident_a, resident_b
    )


__all__ = ["OrgWorld", "Role", "build_world", "staff_user"]
