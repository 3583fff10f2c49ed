"""Who may do what with a notice of center A, written out literally: own center and another center."""

import pytest

from propdesk.core.permissions import can
from propdesk.notices.models import BroadcastTask, Notice, WeatherWarning
from propdesk.org.choices import Role

# action: roles allowed at their own center (every other staff role is refused).
ALLOWED = {
    "notice.draft": {Role.INFO_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_MANAGER, Role.CONTROL_OPERATOR},
    "notice.approve": {Role.CENTER_MANAGER},
    "notice.seal": {Role.INFO_MANAGER, Role.CENTER_MANAGER},
    "notice.publish": {Role.INFO_MANAGER, Role.CENTER_MANAGER},
    "notice.deliver": {Role.INFO_MANAGER, Role.RECEPTIONIST, Role.CS_ASSISTANT, Role.CS_SUPERVISOR},
    "warning.enter": {Role.CONTROL_OPERATOR, Role.CENTER_MANAGER},
    "warning.decide": {Role.CONTROL_OPERATOR, Role.CENTER_MANAGER},
    "broadcast.record": {Role.CONTROL_OPERATOR, Role.CENTER_MANAGER},
}
CENTER_ROLES = [
    Role.CONTROL_OPERATOR, Role.RECEPTIONIST, Role.CS_ASSISTANT, Role.CS_SUPERVISOR, Role.CENTER_MANAGER,
    Role.DEPARTMENT_MANAGER, Role.SECURITY_GUARD, Role.TECHNICIAN, Role.INFO_MANAGER,
]  # fmt: skip


def _subject(world, action):
    center = world.center_a
    if action.startswith("warning"):
        return WeatherWarning(service_center=center)
    if action.startswith("broadcast"):
        return BroadcastTask(service_center=center)
    return Notice(service_center=center)


@pytest.mark.parametrize("role", CENTER_ROLES)
def test_own_center(world, staff, role):
    user = staff(role, world.center_a)
    for action, roles in ALLOWED.items():
        assert can(user, action, _subject(world, action)) is (role in roles), action
    assert can(user, "notice.read", Notice(service_center=world.center_a))


@pytest.mark.parametrize("role", [Role.CENTER_MANAGER, Role.INFO_MANAGER, Role.CONTROL_OPERATOR])
def test_another_center_may_do_nothing(world, staff, role):
    user = staff(role, world.center_b)
    for action in [*ALLOWED, "notice.read"]:
        assert not can(user, action, _subject(world, action)), action


def test_a_resident_may_do_nothing(world, resident_user_a):
    for action in [*ALLOWED, "notice.read"]:
        assert not can(resident_user_a, action, _subject(world, action)), action
