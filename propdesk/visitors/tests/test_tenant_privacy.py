"""A tenant's identity number, like a visitor's (R-CV-4, PIPL): shown masked; revealed only by the few managers
who may, with a reason, each time audited; erased by the worker once the tenant moved out longer ago than the
company's retention period, the registration itself kept for the register."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from propdesk.api.tests.conftest import bearer
from propdesk.core.models import PersonalDataAccess
from propdesk.core.worker import registered_jobs
from propdesk.org.choices import Role
from propdesk.testing.factories import HouseholdFactory, UnitFactory
from propdesk.testing.roles import role_user
from propdesk.visitors import services
from propdesk.visitors.models import TenantRegistration, VisitorSettings

from .conftest import ID_A
from .test_tenants import register

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/visitors/tenants"


@pytest.fixture
def desk(world):
    return role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")


@pytest.fixture
def manager(world):
    return role_user(Role.SECURITY_MANAGER, world.center_a, username="security-a")


def test_the_security_manager_reveals_a_tenants_number_with_a_reason_and_an_audit_row(world, desk, manager):
    registration = register(world, desk)

    number = services.reveal_tenant_id(
        actor=manager, registration=registration, reason="派出所核查", ip_address="10.0.0.9"
    )

    assert number == ID_A
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.field, access.reason, access.subject_id, access.ip_address) == (
        manager,
        "id_number",
        "派出所核查",
        str(registration.pk),
        "10.0.0.9",
    )
    assert access.service_center_id == world.center_a.pk
    assert registration.events.filter(kind="revealed").get().reason == "派出所核查"


def test_the_desk_that_registers_tenants_may_not_reveal_and_nothing_is_audited(world, desk):
    registration = register(world, desk)
    with pytest.raises(PermissionDenied):
        services.reveal_tenant_id(actor=desk, registration=registration, reason="核对")
    with pytest.raises(ValidationError) as caught:
        services.reveal_tenant_id(actor=desk, registration=registration, reason="  ")
    assert caught.value.message_dict == {"reason": ["请填写查看原因"]}
    assert PersonalDataAccess.objects.count() == 0
    assert not registration.events.filter(kind="revealed").exists()


def test_the_worker_erases_the_number_of_a_tenant_gone_longer_than_the_retention_period(world, desk, manager):
    building = world.household_a.unit.building
    HouseholdFactory(unit=UnitFactory(building=building, entrance="2单元", number="1203"))
    HouseholdFactory(unit=UnitFactory(building=building, entrance="2单元", number="1204"))
    gone = services.end_tenancy(actor=desk, registration=register(world, desk, name="已退租"))
    current = register(world, desk, name="在租", room="3-2-1203")
    recently_gone = services.end_tenancy(actor=desk, registration=register(world, desk, name="刚退租", room="3-2-1204"))
    now = timezone.now()
    TenantRegistration.objects.filter(pk=gone.pk).update(ended_at=now - dt.timedelta(days=91))
    TenantRegistration.objects.filter(pk=recently_gone.pk).update(ended_at=now - dt.timedelta(days=89))
    TenantRegistration.objects.filter(pk=current.pk).update(created_at=now - dt.timedelta(days=400))
    job = next(job for job in registered_jobs() if job.name == "visitors.erase_expired_ids")

    assert job.func() == 1

    gone.refresh_from_db()
    assert (gone.id_encrypted, gone.id_digest, gone.id_masked, gone.id_erased_at) == ("", "", "", now)
    assert gone.name == "已退租" and gone.police_reference == "GA-2026-0918"
    assert gone.events.filter(kind="id_erased").get().data == {"retention_days": 90}
    for kept in (current, recently_gone):
        kept.refresh_from_db()
        assert kept.id_masked == "4403**********1234" and kept.id_erased_at is None
    with pytest.raises(ValidationError) as caught:
        services.reveal_tenant_id(actor=manager, registration=gone, reason="核对")
    assert "已按保存期限删除" in caught.value.messages[0]
    assert PersonalDataAccess.objects.count() == 0
    assert job.func() == 0


def test_the_companys_own_retention_period_is_followed_for_tenants(world, desk):
    VisitorSettings.objects.create(company=world.company, retention_days=30)
    gone = services.end_tenancy(actor=desk, registration=register(world, desk))
    TenantRegistration.objects.filter(pk=gone.pk).update(ended_at=timezone.now() - dt.timedelta(days=31))
    assert services.erase_ended_tenant_ids() == 1


def test_reveal_over_the_api_is_audited_and_refused_to_the_desk(world, desk, manager):
    registration = register(world, desk)
    refused = bearer(desk).post(f"{API}/{registration.pk}/reveal", {"reason": "核对"})
    assert refused.status_code == 403
    listed = bearer(manager).get(f"{API}/{registration.pk}").json()
    assert listed["id_number"] == "4403**********1234"

    response = bearer(manager).post(f"{API}/{registration.pk}/reveal", {"reason": "派出所核查"})

    assert response.status_code == 200
    assert response.json() == {"registration_id": registration.pk, "id_number": ID_A}
    assert PersonalDataAccess.objects.get().reason == "派出所核查"
    missing = bearer(manager).post(f"{API}/{registration.pk}/reveal", {"reason": ""})
    assert missing.status_code in (400, 422) and PersonalDataAccess.objects.count() == 1
