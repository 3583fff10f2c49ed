"""Tenant temporary-residence registration (002 §六.20): households marked let, tenants registered with their
lease (identity checked, encrypted and masked like a visitor's), renewal and moving out, the registration rate per
community (target 100 %), the expired leases listed, and the worker's reminders 30 and 7 days before a lease ends
(once each)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.communities.choices import Relation
from propdesk.core.errors import StaleVersion
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.testing.factories import HouseholdFactory, ResidentFactory, UnitFactory, UserFactory
from propdesk.testing.roles import role_user
from propdesk.visitors import crypto, services, tenant_selectors
from propdesk.visitors.models import Letting, TenantEvent, TenantRegistration

from .conftest import ID_A

pytestmark = pytest.mark.usefixtures("clock")
TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def desk(world):
    return role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")


def register(world, actor, **overrides):
    data = {
        "community": world.community_a,
        "room": "3-2-1202",
        "name": "周杰",
        "document_type": "id_card",
        "id_number": ID_A,
        "phone": "13912345678",
        "lease_start": dt.date(2026, 9, 1),
        "lease_end": dt.date(2027, 8, 31),
        "police_reference": "GA-2026-0918",
    }
    return services.register_tenant(actor=actor, **{**data, **overrides})


def test_a_tenant_is_registered_with_the_number_encrypted_and_masked(world, desk):
    registration = register(world, desk)
    assert registration.id_masked == "4403**********1234"
    assert ID_A not in registration.id_encrypted and crypto.decrypt(registration.id_encrypted) == ID_A
    assert registration.id_digest == crypto.digest(ID_A)
    assert registration.letting.household == world.household_a and registration.letting.ended_at is None
    assert list(TenantEvent.objects.values_list("kind", flat=True)) == ["registered"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"id_number": "440308199901011235"}, "id_number", "id_checksum"),
        ({"document_type": "passport", "id_number": "??"}, "id_number", "document_format"),
        ({"lease_end": dt.date(2026, 8, 1)}, "lease_end", "order"),
        ({"lease_start": dt.date(2025, 1, 1), "lease_end": dt.date(2026, 11, 17)}, "lease_end", "past"),
        ({"lease_end": dt.date(2050, 1, 1)}, "lease_end", "too_long"),
        ({"lease_start": None}, "lease_start", "required"),
        ({"name": " "}, "name", "required"),
        ({"room": "9-9-999"}, "room", None),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_written(world, desk, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        register(world, desk, **overrides)
    assert field in caught.value.message_dict
    if code:
        assert code in [e.code for e in caught.value.error_dict[field]]
    assert TenantRegistration.objects.count() == 0 and Letting.objects.count() == 0


def test_the_rate_counts_let_households_with_a_current_registration(world, desk):
    rate = tenant_selectors.registration_rate(community=world.community_a)
    assert (rate.let, rate.registered, rate.rate) == (0, 0, None) and rate.on_target
    # One unit marked let, one known from the master data (a tenant resident), one registered.
    let_unit = UnitFactory(building=world.household_a.unit.building, entrance="2单元", number="1203")
    let_household = HouseholdFactory(unit=let_unit)
    services.mark_let(actor=desk, community=world.community_a, room="3-2-1203")
    tenant_household = HouseholdFactory(
        unit=UnitFactory(building=world.household_a.unit.building, entrance="2单元", number="1204")
    )
    ResidentFactory(household=tenant_household, name="租客", relation=Relation.TENANT)
    register(world, desk)
    rate = tenant_selectors.registration_rate(community=world.community_a)
    assert (rate.let, rate.registered, rate.rate, rate.percent) == (3, 1, 0.3333, "33.3 %")
    assert {h.pk for h in rate.unregistered} == {let_household.pk, tenant_household.pk}
    assert not rate.on_target
    register(world, desk, room="3-2-1203", name="吴凡")
    register(world, desk, room="3-2-1204", name="郑爽")
    assert tenant_selectors.registration_rate(community=world.community_a).rate == 1.0
    # Community B is untouched.
    assert tenant_selectors.registration_rate(community=world.community_b).let == 0


def test_an_expired_lease_is_listed_and_no_longer_counts(world, desk, clock):
    registration = register(world, desk, lease_end=dt.date(2026, 12, 31))
    assert list(tenant_selectors.expired(user=desk)) == []
    clock.move_to(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC))
    assert list(tenant_selectors.expired(user=desk)) == [registration]
    assert tenant_selectors.registration_rate(community=world.community_a).registered == 0
    services.renew_lease(actor=desk, registration=registration, lease_end=dt.date(2027, 12, 31), expected_version=0)
    assert list(tenant_selectors.expired(user=desk)) == []
    assert tenant_selectors.registration_rate(community=world.community_a).rate == 1.0


def test_renewal_and_moving_out_check_the_version_and_the_state(world, desk):
    registration = register(world, desk)
    with pytest.raises(ValidationError) as caught:
        services.renew_lease(actor=desk, registration=registration, lease_end=dt.date(2027, 1, 1))
    assert "lease_end" in caught.value.message_dict
    renewed = services.renew_lease(actor=desk, registration=registration, lease_end=dt.date(2028, 8, 31))
    assert renewed.lease_end == dt.date(2028, 8, 31) and renewed.version == 1
    with pytest.raises(StaleVersion):
        services.end_tenancy(actor=desk, registration=renewed, expected_version=0)
    with pytest.raises(ValidationError):  # the letting cannot end while the tenant lives there
        services.end_letting(actor=desk, letting=renewed.letting)
    ended = services.end_tenancy(actor=desk, registration=renewed, expected_version=1)
    assert ended.ended_at is not None
    with pytest.raises(ValidationError):
        services.end_tenancy(actor=desk, registration=ended)
    letting = services.end_letting(actor=desk, letting=ended.letting)
    assert letting.ended_at is not None
    assert list(TenantEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "registered",
        "renewed",
        "ended",
    ]
    # Let again later: a new letting, the old one kept.
    assert services.mark_let(actor=desk, community=world.community_a, room="3-2-1202").pk != letting.pk


def test_a_household_is_marked_let_once(world, desk):
    services.mark_let(actor=desk, community=world.community_a, room="3-2-1202", since=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.mark_let(actor=desk, community=world.community_a, room="3-2-1202")
    assert caught.value.error_dict["room"][0].code == "already_let"
    with pytest.raises(ValidationError):
        services.mark_let(actor=desk, community=world.community_a, room="3-2-1202", since=dt.date(2027, 1, 1))


def _reminders() -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.username, n.dedupe_key.split(":")[3])
        for n in Notification.objects.filter(kind="visitors.lease_end", channel="inapp").select_related("recipient")
    )


def test_reminders_30_and_7_days_before_the_lease_ends_once_each(world, desk, clock, resident_user_a):
    supervisor = role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a")
    role_user(Role.CS_SUPERVISOR, world.center_b, username="cs-b")
    register(world, desk, lease_end=dt.date(2026, 12, 31))
    assert services.remind_lease_ends() == 0  # 43 days left
    clock.move_to(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC))  # 30 days left
    assert services.remind_lease_ends() == 1
    assert services.remind_lease_ends() == 0  # de-duplicated
    assert _reminders() == [(supervisor.username, "30"), (resident_user_a.username, "30")]
    clock.move_to(dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC))  # 11 days left: nothing new
    assert services.remind_lease_ends() == 0
    clock.move_to(dt.datetime(2026, 12, 24, 1, 0, tzinfo=dt.UTC))  # 7 days left
    assert services.remind_lease_ends() == 1 and services.remind_lease_ends() == 0
    assert [k for _u, k in _reminders()].count("7") == 2
    note = Notification.objects.filter(kind="visitors.lease_end", recipient=supervisor).order_by("pk").last()
    assert note.subject_text("zh-hans") == "翠湖花园 3栋2单元1202 租户 周杰 的租期将于 2026-12-31 结束（7 天后）"


def test_an_ended_tenancy_is_not_reminded(world, desk, clock):
    role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a")
    registration = register(world, desk, lease_end=dt.date(2026, 12, 10))
    services.end_tenancy(actor=desk, registration=registration)
    assert services.remind_lease_ends() == 0


def test_who_registers_and_who_reads(world, desk, resident_user_a):
    registration = register(world, desk)
    technician = role_user(Role.TECHNICIAN, world.center_a)
    with pytest.raises(PermissionDenied):
        register(world, technician, name="某人")
    with pytest.raises(PermissionDenied):
        services.end_tenancy(actor=role_user(Role.RECEPTIONIST, world.center_b), registration=registration)
    with pytest.raises(PermissionDenied):
        services.mark_let(actor=resident_user_a, community=world.community_a, room="3-2-1202")
    assert TenantRegistration.objects.count() == 1 and registration.ended_at is None
    assert list(tenant_selectors.registrations(user=resident_user_a)) == [registration]
    other = UserFactory(username="other-resident")
    ResidentFactory(household=world.household_b, name="他人", user=other)
    assert list(tenant_selectors.registrations(user=other)) == []
    assert list(tenant_selectors.registrations(user=technician)) == []
    quality = role_user(Role.QUALITY_DEPT, world.company)
    assert [r.community for r in tenant_selectors.rates(user=quality)] == [world.community_a, world.community_b]
    assert list(tenant_selectors.registrations(user=quality)) == []
    assert [r.community for r in tenant_selectors.rates(user=desk)] == [world.community_a]
