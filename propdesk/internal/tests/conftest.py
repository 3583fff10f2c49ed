"""Fixtures of the internal tests: the center-A crew of the dispatch tests (built on Monday 2 November 2026),
with a department manager of engineering and an HR administrator; the tests act on Wednesday 18 November from
10:00 (an ordinary workday)."""

from dataclasses import dataclass

import pytest

from propdesk.dispatch.tests.helpers import BUILT_AT, NOW, Crew, build_crew
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory, staff_user


@dataclass
class Office:
    crew: Crew
    dept_manager: object  # 部门经理 of engineering
    hr: object  # 人事管理员
    hr_department: object


@pytest.fixture
def clock_start():
    return BUILT_AT


@pytest.fixture
def office(world, clock) -> Office:
    crew = build_crew(world)
    hr_department = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.HR, name="人事行政部")
    office = Office(
        crew=crew,
        dept_manager=staff_user(
            "dept-manager", Role.DEPARTMENT_MANAGER, center=world.center_a, department=crew.engineering
        ),
        hr=staff_user("hr", Role.HR_ADMIN, center=world.center_a, department=hr_department),
        hr_department=hr_department,
    )
    clock.move_to(NOW)
    return office
