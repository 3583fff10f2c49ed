"""Warnings (R-PB-4/5/6): each level's actions from the company's rules, the signal-2 decision, the mandatory
broadcast done only when recorded, acknowledgements in one tap and the chase of the rest."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.notices import services
from propdesk.notices.models import Acknowledgement, BroadcastTask, WarningRule
from propdesk.notify.models import Notification
from propdesk.org.choices import Role

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def people(world, manager_a, operator_a, staff):
    return {
        "manager": manager_a,
        "operator": operator_a,
        "dept": staff(Role.DEPARTMENT_MANAGER, username="dept-a"),
        "guard": staff(Role.SECURITY_GUARD, username="guard-a"),
        "manager_b": staff(Role.CENTER_MANAGER, world.center_b, username="manager-b"),
    }


def _enter(world, actor, hazard, level):
    return services.warning_enter(actor=actor, service_center=world.center_a, hazard=hazard, level=level)


def _told(warning) -> set[str]:
    return set(Acknowledgement.objects.filter(warning=warning).values_list("user__username", flat=True))


def test_rainstorm_blue_does_nothing(world, people):
    warning = _enter(world, people["operator"], "rainstorm", 1)
    assert _told(warning) == set() and not BroadcastTask.objects.exists()


def test_rainstorm_yellow_notifies_manager_heads_and_staff_without_broadcast(world, people):
    warning = _enter(world, people["operator"], "rainstorm", 2)
    assert _told(warning) == {"manager-a", "operator-a", "dept-a", "guard-a"}
    assert warning.broadcast == "none" and not BroadcastTask.objects.exists()
    urgent = Notification.objects.filter(kind="notices.warning", recipient=people["dept"])
    assert urgent.exists() and "黄色" in urgent.first().subject


@pytest.mark.parametrize("level", [4, 5])
def test_rainstorm_red_or_above_broadcasts_to_the_community(world, people, level):
    warning = _enter(world, people["operator"], "rainstorm", level)
    assert warning.broadcast == "mandatory"
    task = BroadcastTask.objects.get()
    assert task.community == world.community_a and task.status == "open"
    assert Notification.objects.filter(kind="notices.broadcast", recipient=people["operator"]).exists()


def test_typhoon_signal_1_notifies(world, people):
    warning = _enter(world, people["operator"], "typhoon", 1)
    assert "manager-a" in _told(warning) and warning.broadcast == "none"


def test_typhoon_signal_2_needs_a_recorded_decision(world, people):
    warning = _enter(world, people["operator"], "typhoon", 2)
    assert warning.broadcast == "decide" and warning.decision == "" and not BroadcastTask.objects.exists()
    with pytest.raises(ValidationError):
        services.warning_decide(
            actor=people["operator"], warning=warning, broadcast=True, reason="", expected_version=None
        )
    warning = services.warning_decide(
        actor=people["operator"], warning=warning, broadcast=False, reason="风力减弱，暂不广播", expected_version=None
    )
    assert warning.decision == "no_broadcast" and warning.decided_by == people["operator"]
    assert warning.decision_reason == "风力减弱，暂不广播" and not BroadcastTask.objects.exists()
    with pytest.raises(ValidationError, match="已决定过"):
        services.warning_decide(
            actor=people["operator"], warning=warning, broadcast=True, reason="改主意", expected_version=None
        )


def test_typhoon_signal_2_decided_to_broadcast_makes_a_task(world, people):
    warning = _enter(world, people["operator"], "typhoon", 2)
    services.warning_decide(
        actor=people["manager"], warning=warning, broadcast=True, reason="雨势加大", expected_version=None
    )
    assert BroadcastTask.objects.filter(warning=warning).count() == 1


@pytest.mark.parametrize("signal", [3, 8])
def test_typhoon_signal_3_or_above_broadcast_is_mandatory(world, people, signal):
    warning = _enter(world, people["operator"], "typhoon", signal)
    assert warning.broadcast == "mandatory" and BroadcastTask.objects.filter(warning=warning).count() == 1
    with pytest.raises(ValidationError, match="无需决定"):
        services.warning_decide(
            actor=people["operator"], warning=warning, broadcast=False, reason="不广播", expected_version=None
        )


def test_a_broadcast_is_done_only_when_recorded_with_time_who_and_how(world, people, clock):
    _enter(world, people["operator"], "typhoon", 3)
    task = BroadcastTask.objects.get()
    with pytest.raises(ValidationError, match="广播方式"):
        services.broadcast_done(actor=people["operator"], task=task, methods=[], done_at=None, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.broadcast_done(actor=people["guard"], task=task, methods=["sms"], done_at=None, expected_version=None)
    clock.move_to(NOW + dt.timedelta(minutes=5))
    task = services.broadcast_done(
        actor=people["operator"],
        task=task,
        methods=["loudspeaker", "im_group"],
        done_at=None,
        expected_version=task.version,
    )
    assert task.status == "done" and task.done_by == people["operator"]
    assert task.done_at == NOW + dt.timedelta(minutes=5) and task.methods == ["loudspeaker", "im_group"]
    with pytest.raises(ValidationError, match="已登记完成"):
        services.broadcast_done(
            actor=people["operator"], task=task, methods=["sms"], done_at=None, expected_version=None
        )


def test_acknowledge_in_one_tap_and_the_rest_are_chased(world, people, clock):
    warning = _enter(world, people["operator"], "rainstorm", 2)
    services.warning_acknowledge(actor=people["manager"], warning=warning)
    with pytest.raises(ValidationError):
        services.warning_acknowledge(actor=people["manager_b"], warning=warning)
    assert services.chase_unacknowledged() == 0  # too early
    clock.move_to(NOW + dt.timedelta(minutes=11))
    assert services.chase_unacknowledged() == 3
    assert services.chase_unacknowledged() == 0  # not again at once
    chased = Acknowledgement.objects.get(warning=warning, user=people["guard"])
    assert chased.chase_count == 1
    assert Notification.objects.filter(recipient=people["guard"], kind="notices.warning").count() == 2
    assert Notification.objects.filter(recipient=people["manager"], kind="notices.warning").count() == 1
    clock.move_to(NOW + dt.timedelta(minutes=27))
    services.warning_acknowledge(actor=people["guard"], warning=warning)
    assert services.chase_unacknowledged() == 2


def test_rules_are_data_per_company(world, people):
    services.seed_rules(world.company)
    WarningRule.objects.filter(company=world.company, hazard="rainstorm", level=4).update(level=3)
    _enter(world, people["operator"], "rainstorm", 3)
    assert BroadcastTask.objects.count() == 1


def test_only_the_control_center_enters_a_warning(world, people):
    with pytest.raises(PermissionDenied):
        _enter(world, people["guard"], "rainstorm", 4)
    with pytest.raises(ValidationError):
        _enter(world, people["operator"], "rainstorm", 0)
