"""Fixtures of the training tests: center A with engineering, customer service and HR departments, their
people, a center manager, and one technician of center B. Built on Monday 2 November 2026; the tests act from
Wednesday 18 November 2026, 10:00."""

import datetime as dt
from dataclasses import dataclass

import pytest

from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import DepartmentFactory, staff_user

BUILT_AT = shanghai_time(2026, 11, 2, 9)
NOW = shanghai_time(2026, 11, 18, 10)
TODAY = dt.date(2026, 11, 18)


@dataclass
class Team:
    engineering: object
    service: object
    hr_department: object
    manager: object  # 服务中心经理
    eng_manager: object  # 部门经理 of engineering
    hr: object  # 人事管理员
    plumber: object
    electrician: object
    receptionist: object  # customer service
    supervisor: object  # 客服主管 of customer service
    tech_b: object  # a technician of center B


def _named(user, name: str):
    profile = user.staff_profile
    profile.name = name
    profile.save(update_fields=["name"])
    return user


@pytest.fixture
def clock_start():
    return BUILT_AT


@pytest.fixture
def team(world, clock) -> Team:
    a = world.center_a
    engineering = DepartmentFactory(service_center=a, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    service = DepartmentFactory(service_center=a, kind=DepartmentKind.CUSTOMER_SERVICE, name="客户服务部")
    hr_department = DepartmentFactory(service_center=a, kind=DepartmentKind.HR, name="人事行政部")
    office = DepartmentFactory(service_center=a, kind=DepartmentKind.OFFICE, name="综合办公室")
    b_engineering = DepartmentFactory(service_center=world.center_b, kind=DepartmentKind.ENGINEERING, name="工程部B")
    team = Team(
        engineering=engineering,
        service=service,
        hr_department=hr_department,
        manager=_named(staff_user("manager", Role.CENTER_MANAGER, center=a, department=office), "周经理"),
        eng_manager=_named(
            staff_user("eng-manager", Role.DEPARTMENT_MANAGER, center=a, department=engineering), "吴经理"
        ),
        hr=_named(staff_user("hr", Role.HR_ADMIN, center=a, department=hr_department), "郑人事"),
        plumber=_named(staff_user("plumber", Role.TECHNICIAN, center=a, department=engineering), "王师傅"),
        electrician=_named(staff_user("electrician", Role.TECHNICIAN, center=a, department=engineering), "李师傅"),
        receptionist=_named(staff_user("reception", Role.RECEPTIONIST, center=a, department=service), "陈前台"),
        supervisor=_named(staff_user("cs-supervisor", Role.CS_SUPERVISOR, center=a, department=service), "林主管"),
        tech_b=_named(staff_user("tech-b", Role.TECHNICIAN, center=world.center_b, department=b_engineering), "赵师傅"),
    )
    clock.move_to(NOW)
    return team
