"""The training demo data: three procedures at three stages, a session with people signed in; a second call
changes nothing."""

import random

from propdesk.demo.training_demo import create_training_demo
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.training.models import Attendance, Procedure, Session


def test_the_demo_is_created_once(team, world):
    security = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.SECURITY, name="安全管理部")
    staff_user("guard", Role.SECURITY_GUARD, center=world.center_a, department=security)
    create_training_demo(world.center_a, random.Random(1))
    assert sorted(Procedure.objects.values_list("status", flat=True)) == ["approved", "approved", "pending"]
    assert Session.objects.count() == 1
    assert Attendance.objects.filter(mark="present").exists()
    counts = [m.objects.count() for m in (Procedure, Session, Attendance)]
    create_training_demo(world.center_a, random.Random(1))
    assert [m.objects.count() for m in (Procedure, Session, Attendance)] == counts
