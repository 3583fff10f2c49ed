"""The internal demo data: a technician out (not dispatchable), leave, a circular, duties and a work log; a
second call changes nothing."""

import random

from propdesk.demo.internal_demo import create_internal_demo
from propdesk.internal.models import (
    ActionItem,
    Circular,
    DutyTask,
    EmailTask,
    LeaveRequest,
    Meeting,
    Outing,
    PatrolFinding,
    Reassignment,
)
from propdesk.org.choices import Role
from propdesk.org.selectors import away
from propdesk.testing.roles import role_user


def test_the_demo_is_created_once(office, world):
    role_user(Role.INFO_MANAGER, world.center_a, department=office.hr_department)
    create_internal_demo(world.center_a, random.Random(1))
    counts = [m.objects.count() for m in (Outing, LeaveRequest, Circular, DutyTask, PatrolFinding)]
    assert counts[0] == 1 and counts[1] >= 1 and counts[2] == 1 and counts[3] > 0 and counts[4] == 1
    assert away([Outing.objects.get().user_id])
    routine = [m.objects.count() for m in (Meeting, ActionItem, Reassignment, EmailTask)]
    assert routine == [1, 1, 1, 1]
    create_internal_demo(world.center_a, random.Random(1))
    assert [m.objects.count() for m in (Outing, LeaveRequest, Circular, DutyTask, PatrolFinding)] == counts
    assert [m.objects.count() for m in (Meeting, ActionItem, Reassignment, EmailTask)] == routine
