"""Center-wide records refuse people of another service center (or no center at all): the rota, duty
records, re-assignment and the weekly approval. Every refusal leaves every dispatch table as it was.

The world: center A's crew (``helpers.build_crew``), a technician of center B on duty, a resident with a
login; Wednesday 18 November 2026, 10:00."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.dispatch import services
from propdesk.dispatch.choices import DutyEventKind, Status
from propdesk.dispatch.models import DutyStatus, RotaEntry, WeeklyApproval
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.testing.factories import UserFactory, staff_user
from propdesk.testing.roles import role_user

from .helpers import NOW, advance, build_crew, error_codes, fresh, new_ticket, row_counts, wo_snapshot, work_order_of

pytestmark = pytest.mark.usefixtures("clock")

TOMORROW = dt.date(2026, 11, 19)
NOT_FIELD_STAFF = "只能为本服务中心在职的维修、家政或安全人员排班"


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def resident(world):
    """Resident 张伟 of household A, with a portal login."""
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    return user


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


# ----------------------------------------------------------------------------- the rota (排班)


def test_the_rota_puts_the_centers_own_field_staff_on_its_shifts(crew):
    entry = services.rota_set(actor=crew.repair_manager, user=crew.electrician, day=TOMORROW, shift=crew.day_shift)
    assert (entry.user, entry.date, entry.shift) == (crew.electrician, TOMORROW, crew.day_shift)


@pytest.mark.parametrize("who", ["resident", "tech_b", "receptionist", "inactive_technician"])
def test_the_rota_refuses_anyone_but_active_field_staff_of_the_center(world, crew, resident, who):
    """Regression: ``rota_set`` used to put any login on a shift — a resident, a technician of another
    center, a receptionist, someone who has left."""
    if who == "resident":
        worker = resident
    elif who == "inactive_technician":
        worker = staff_user("left-the-company", Role.TECHNICIAN, center=world.center_a, department=crew.engineering)
        worker.is_active = False
        worker.save()
    else:
        worker = getattr(crew, who)
    before = row_counts()

    with pytest.raises(ValidationError) as exc:
        services.rota_set(actor=crew.repair_manager, user=worker, day=TOMORROW, shift=crew.day_shift)

    assert field_errors(exc.value) == {"user": [NOT_FIELD_STAFF]}
    assert error_codes(exc.value) == {"not_field_staff"}
    assert row_counts() == before
    assert not RotaEntry.objects.filter(user=worker).exists()


def test_the_rota_page_refuses_a_resident_at_the_staff_field_and_changes_nothing(client, world, crew, resident):
    """Regression: the rota page accepted any user id posted to it."""
    client.force_login(crew.repair_manager)
    before = row_counts()

    response = client.post(
        f"{reverse('dispatch:rota')}?center={world.center_a.pk}",
        {"center": world.center_a.pk, "user": resident.pk, "shift": crew.day_shift.pk, "date": "2026-11-19"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"user": [NOT_FIELD_STAFF]}
    assert NOT_FIELD_STAFF in response.content.decode()
    assert row_counts() == before


def test_the_rota_page_offers_only_the_people_it_accepts(client, world, crew, resident):
    client.force_login(crew.repair_manager)
    response = client.get(f"{reverse('dispatch:rota')}?center={world.center_a.pk}")
    assert response.status_code == 200
    assert sorted(u.username for u in response.context["staff"]) == ["electrician", "housekeeper", "plumber"]


def test_the_rota_page_puts_a_technician_on_a_shift(client, world, crew):
    client.force_login(crew.repair_manager)
    response = client.post(
        f"{reverse('dispatch:rota')}?center={world.center_a.pk}",
        {"center": world.center_a.pk, "user": crew.electrician.pk, "shift": crew.day_shift.pk, "date": "2026-11-19"},
    )
    assert response.status_code == 302
    assert RotaEntry.objects.filter(user=crew.electrician, date=TOMORROW, shift=crew.day_shift).count() == 1


def test_a_planner_of_another_center_cannot_fill_center_a_shifts(world, crew):
    planner_b = role_user(Role.REPAIR_MANAGER, world.center_b)
    before = row_counts()
    with pytest.raises(PermissionDenied) as exc:
        services.rota_set(actor=planner_b, user=crew.electrician, day=TOMORROW, shift=crew.day_shift)
    assert str(exc.value) == "不能为其他服务中心排班"
    assert row_counts() == before


# ----------------------------------------------------------------------------- duty records (R-WO-7)


def duty_of(user) -> tuple:
    duty = DutyStatus.objects.get(user=user)
    return duty.on_duty, duty.radio_ok, duty.service_center_id


def test_the_control_center_cannot_record_the_duty_of_another_centers_worker(crew):
    before = (duty_of(crew.tech_b), row_counts())
    with pytest.raises(PermissionDenied):
        services.duty_update(actor=crew.operator, user=crew.tech_b, kind=DutyEventKind.CHECK_OUT)
    assert (duty_of(crew.tech_b), row_counts()) == before


def test_a_worker_cannot_be_checked_in_at_a_center_where_he_does_not_work(world, crew):
    """Regression: a dispatcher could put their own worker on duty at another center's board."""
    before = (duty_of(crew.plumber), row_counts())
    with pytest.raises(ValidationError) as exc:
        services.duty_update(
            actor=crew.operator, user=crew.plumber, kind=DutyEventKind.CHECK_IN, service_center=world.center_b
        )
    assert field_errors(exc.value) == {"service_center": ["该员工不在该服务中心任职"]}
    assert (duty_of(crew.plumber), row_counts()) == before


def test_a_resident_has_no_duty_to_record(crew, resident):
    before = row_counts()
    with pytest.raises(PermissionDenied) as exc:
        services.duty_update(actor=resident, user=resident, kind=DutyEventKind.CHECK_IN)
    assert str(exc.value) == "该员工没有岗位，不能上岗"
    assert row_counts() == before


def test_the_duty_page_refuses_another_centers_worker_and_changes_nothing(client, crew):
    client.force_login(crew.operator)
    before = (duty_of(crew.tech_b), row_counts())
    response = client.post(reverse("dispatch:duty"), {"kind": "check_out", "user": crew.tech_b.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["只能登记自己或本中心一线人员的在岗状态"]
    assert (duty_of(crew.tech_b), row_counts()) == before


# ----------------------------------------------------------------------------- re-assignment


@pytest.fixture
def assigned(world, crew):
    return advance(work_order_of(new_ticket(crew.receptionist, world)), crew, Status.ACCEPTED, worker=crew.plumber)


def test_a_job_cannot_be_reassigned_to_a_worker_of_another_center(crew, assigned):
    before = (wo_snapshot(assigned), row_counts())
    with pytest.raises(ValidationError) as exc:
        services.work_order_assign(actor=crew.operator, work_order=assigned, assignee=crew.tech_b)
    assert error_codes(exc.value) == {"not_worker"}
    assert (wo_snapshot(assigned), row_counts()) == before
    assert fresh(assigned).assignee == crew.plumber


def test_a_dispatcher_of_another_center_cannot_reassign(world, crew, assigned):
    operator_b = role_user(Role.CONTROL_OPERATOR, world.center_b)
    before = (wo_snapshot(assigned), row_counts())
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=operator_b, work_order=assigned, assignee=crew.electrician)
    assert (wo_snapshot(assigned), row_counts()) == before


def test_a_worker_who_left_cannot_be_assigned(crew, assigned):
    crew.electrician.is_active = False
    crew.electrician.save()
    before = (wo_snapshot(assigned), row_counts())
    with pytest.raises(ValidationError) as exc:
        services.work_order_assign(actor=crew.operator, work_order=assigned, assignee=crew.electrician)
    assert error_codes(exc.value) == {"not_worker"}
    assert (wo_snapshot(assigned), row_counts()) == before


# ----------------------------------------------------------------------------- weekly approval (R-WO-6)


def test_a_repair_manager_of_another_center_with_a_desk_role_here_cannot_decide(world, crew):
    """Regression: the repair manager of center B who also receives calls for a community of center A held the
    role "somewhere" and saw center A, which used to be enough to approve center A's week."""
    manager_b = role_user(Role.REPAIR_MANAGER, world.center_b, username="repair-manager-b")
    RoleMembership.objects.create(user=manager_b, role=Role.RECEPTIONIST, community=world.community_a)
    before = row_counts()

    with pytest.raises(PermissionDenied):
        services.weekly_decide(actor=manager_b, service_center=world.center_a, week=NOW.date(), decision="approved")

    assert row_counts() == before
    assert WeeklyApproval.objects.count() == 0


def test_the_weekly_page_offers_the_decision_only_to_this_centers_repair_manager(client, world, crew):
    manager_b = role_user(Role.REPAIR_MANAGER, world.center_b)
    RoleMembership.objects.create(user=manager_b, role=Role.CONTROL_OPERATOR, community=world.community_a)
    client.force_login(manager_b)
    response = client.get(f"{reverse('dispatch:weekly')}?center={world.center_a.pk}")
    assert (response.status_code, response.context["can_decide"]) == (200, False)
    client.force_login(crew.repair_manager)
    response = client.get(f"{reverse('dispatch:weekly')}?center={world.center_a.pk}")
    assert (response.status_code, response.context["can_decide"]) == (200, True)
