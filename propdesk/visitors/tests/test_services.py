"""The visitor register's services: check-in with a checked document, stored encrypted; check-out; the
overstay list; the audited reveal; retention erasure by the worker."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.errors import StaleVersion
from propdesk.core.models import PersonalDataAccess
from propdesk.core.worker import registered_jobs
from propdesk.org.choices import Role
from propdesk.visitors import crypto, selectors, services
from propdesk.visitors.models import Visit, VisitEvent, VisitorSettings

from .conftest import ID_A, NOW, visit_kwargs

pytestmark = pytest.mark.usefixtures("clock")


def test_a_guard_checks_a_visitor_in_with_the_number_encrypted_and_masked(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    visit.refresh_from_db()
    assert visit.household == world.household_a
    assert visit.phone == "13912345678"
    assert visit.plate == "粤B12345"
    assert visit.people == 2
    assert visit.checked_in_at == NOW
    assert visit.id_masked == "4403**********1234"
    assert ID_A not in visit.id_encrypted
    assert crypto.decrypt(visit.id_encrypted) == ID_A
    assert visit.id_digest == crypto.digest(ID_A)
    assert visit.inside
    event = visit.events.get()
    assert (event.kind, event.actor) == ("checked_in", guard_a)


def test_no_identity_number_is_stored_in_clear_anywhere(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    row = Visit.objects.filter(pk=visit.pk).values().get()
    assert not any(ID_A in str(value) for value in row.values())
    assert not any(ID_A in str(e.data) for e in VisitEvent.objects.all())


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(world, guard_a):
    with pytest.raises(ValidationError) as caught:
        services.check_in(
            actor=guard_a,
            **visit_kwargs(
                world, visitor_name=" ", id_number="440308199901011238", phone="12", room="9-9-9", plate="X1", people=0
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"visitor_name", "id_number", "phone", "room", "plate", "people"}
    assert "校验位" in errors["id_number"][0]
    assert "楼栋" in errors["room"][0]
    assert Visit.objects.count() == 0 and VisitEvent.objects.count() == 0


def test_a_courier_needs_no_room_but_a_visit_does(world, guard_a):
    courier = services.check_in(actor=guard_a, **visit_kwargs(world, purpose="delivery", room="", plate=""))
    assert courier.household is None
    with pytest.raises(ValidationError) as caught:
        services.check_in(actor=guard_a, **visit_kwargs(world, purpose="contractor", room=""))
    assert caught.value.message_dict["room"] == ["请填写受访房号"]


def test_a_room_without_a_household_is_refused(world, guard_a):
    world.household_a.is_active = False
    world.household_a.save()
    with pytest.raises(ValidationError) as caught:
        services.check_in(actor=guard_a, **visit_kwargs(world))
    assert "暂无在住住户" in caught.value.message_dict["room"][0]


def test_a_check_in_time_in_the_future_or_long_ago_is_refused(world, guard_a):
    for moment in (NOW + dt.timedelta(hours=1), NOW - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            services.check_in(actor=guard_a, checked_in_at=moment, **visit_kwargs(world))
        assert "checked_in_at" in caught.value.message_dict
    earlier = services.check_in(actor=guard_a, checked_in_at=NOW - dt.timedelta(minutes=20), **visit_kwargs(world))
    assert earlier.checked_in_at == NOW - dt.timedelta(minutes=20)


def test_a_guard_of_another_center_may_not_check_in_here(world, guard_b):
    with pytest.raises(PermissionDenied):
        services.check_in(actor=guard_b, **visit_kwargs(world))
    assert Visit.objects.count() == 0


def test_check_out_once_with_a_version_check(world, guard_a, clock):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    clock.shift(dt.timedelta(minutes=95))
    with pytest.raises(StaleVersion):
        services.check_out(actor=guard_a, visit=visit, expected_version=visit.version + 1)
    out = services.check_out(actor=guard_a, visit=visit, expected_version=visit.version)
    assert out.checked_out_at == NOW + dt.timedelta(minutes=95)
    assert out.checked_out_by == guard_a
    assert out.events.get(kind="checked_out").data == {"stayed_minutes": 95}
    with pytest.raises(ValidationError) as caught:
        services.check_out(actor=guard_a, visit=out)
    assert "已于 11-18 10:35 登记离开" in caught.value.messages[0]


def test_the_overstay_list_holds_visitors_inside_past_four_hours_or_the_end_of_the_day(world, guard_a, clock):
    early = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="早到"))
    clock.shift(dt.timedelta(hours=3))
    later = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="晚到"))
    gone = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="已离开"))
    services.check_out(actor=guard_a, visit=gone)
    assert selectors.overstays(user=guard_a) == []
    clock.shift(dt.timedelta(hours=1))  # 13:00: the first has been inside 4 hours
    assert selectors.overstays(user=guard_a) == [early]
    clock.move_to(NOW.replace(hour=22))  # the end of the day: everyone still inside
    assert selectors.overstays(user=guard_a) == [early, later]
    VisitorSettings.objects.create(company=world.company, overstay_hours=2, day_end=dt.time(23, 30))
    clock.move_to(NOW.replace(hour=14))
    assert selectors.overstays(user=guard_a) == [early, later]


def test_a_visitor_from_yesterday_still_inside_is_overstaying(world, guard_a, clock):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    clock.move_to(NOW.replace(day=19, hour=7))
    assert selectors.overstays(user=guard_a) == [visit]


# --------------------------------------------------------------------------- reveal


def test_the_security_manager_reveals_a_number_with_a_reason_and_an_audit_row(world, guard_a, staff):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    manager = staff(Role.SECURITY_MANAGER)
    assert services.reveal_id(actor=manager, visit=visit, reason="派出所协查", ip_address="10.0.0.8") == ID_A
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.field, access.reason, access.subject_id) == (
        manager,
        "id_number",
        "派出所协查",
        str(visit.pk),
    )
    assert access.service_center_id == world.center_a.pk
    assert visit.events.filter(kind="revealed").count() == 1


def test_a_guard_may_not_reveal_and_no_audit_row_is_written(world, guard_a):
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    with pytest.raises(PermissionDenied):
        services.reveal_id(actor=guard_a, visit=visit, reason="好奇")
    with pytest.raises(ValidationError):
        services.reveal_id(actor=guard_a, visit=visit, reason=" ")
    assert PersonalDataAccess.objects.count() == 0


def test_a_number_under_a_retired_key_is_a_clear_error(world, guard_a, staff, settings):
    from cryptography.fernet import Fernet

    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    settings.PROPDESK_ID_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValidationError) as caught:
        services.reveal_id(actor=staff(Role.CENTER_MANAGER), visit=visit, reason="核对")
    assert "无法解密" in caught.value.messages[0]
    assert PersonalDataAccess.objects.count() == 0


# --------------------------------------------------------------------------- retention


def test_the_worker_erases_numbers_past_90_days_and_keeps_the_visits(world, guard_a, clock):
    assert "visitors.erase_expired_ids" in {job.name for job in registered_jobs()}
    old = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="91天前"))
    Visit.objects.filter(pk=old.pk).update(checked_in_at=NOW - dt.timedelta(days=91))
    recent = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name="89天前"))
    Visit.objects.filter(pk=recent.pk).update(checked_in_at=NOW - dt.timedelta(days=89))
    job = next(job for job in registered_jobs() if job.name == "visitors.erase_expired_ids")
    assert job.func() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.id_encrypted, old.id_digest, old.id_masked, old.id_erased_at) == ("", "", "", NOW)
    assert old.visitor_name == "91天前" and old.document_type == "id_card"
    assert old.events.filter(kind="id_erased").get().data == {"retention_days": 90}
    assert recent.id_masked == "4403**********1234" and recent.id_erased_at is None
    assert job.func() == 0  # nothing left to erase


def test_a_company_retention_of_30_days_is_followed(world, guard_a):
    VisitorSettings.objects.create(company=world.company, retention_days=30)
    visit = services.check_in(actor=guard_a, **visit_kwargs(world))
    Visit.objects.filter(pk=visit.pk).update(checked_in_at=NOW - dt.timedelta(days=31))
    assert services.erase_expired_ids() == 1


def test_one_run_erases_at_most_its_limit_and_the_next_goes_on(world, guard_a):
    for n in range(3):
        visit = services.check_in(actor=guard_a, **visit_kwargs(world, visitor_name=f"访客{n}"))
        Visit.objects.filter(pk=visit.pk).update(checked_in_at=NOW - dt.timedelta(days=100))
    assert services.erase_expired_ids(limit=2) == 2
    assert services.erase_expired_ids(limit=2) == 1
    assert Visit.objects.filter(id_erased_at__isnull=True).count() == 0
