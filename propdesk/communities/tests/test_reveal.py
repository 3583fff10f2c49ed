"""The audited reveal of a resident's phone or id number (R-CV-4): service and views."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.communities.models import Resident
from propdesk.communities.services import resident_reveal
from propdesk.core.models import Event, PersonalDataAccess
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory, staff_user

REASON = "回访报修处理结果"


@pytest.fixture
def receptionist_a(world):
    return staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def receptionist_b(world):
    return staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)


@pytest.fixture
def technician_a(world):
    return staff_user("tech-a", Role.TECHNICIAN, center=world.center_a)


def assert_nothing_recorded():
    assert PersonalDataAccess.objects.count() == 0
    assert Event.objects.filter(verb="resident.revealed").count() == 0


# --- service -------------------------------------------------------------------------------------


def test_receptionist_reveals_phone_with_one_audit_row_and_one_event(world, receptionist_a):
    # given
    resident = world.resident_a

    # when
    value = resident_reveal(actor=receptionist_a, resident=resident, field="phone", reason=REASON)

    # then the clear value is returned
    assert value == "13812345678"
    # and exactly one audit row
    access = PersonalDataAccess.objects.get()
    assert access.actor == receptionist_a
    assert access.subject_type == ContentType.objects.get_for_model(Resident)
    assert access.subject_id == str(resident.pk)
    assert access.subject_repr == "张伟（3栋2单元1202）"
    assert access.field == PersonalDataAccess.Field.PHONE
    assert access.reason == REASON
    assert access.ip_address is None
    # and exactly one event, without the phone number
    event = Event.objects.get()
    assert event.verb == "resident.revealed"
    assert event.actor == receptionist_a
    assert event.target_id == str(resident.pk)
    assert event.reason == REASON
    assert event.data == {"field": "phone"}
    assert "13812345678" not in json.dumps(event.data)
    assert "5678" not in json.dumps(event.data)


def test_receptionist_reveals_id_number(world, receptionist_a):
    # when
    value = resident_reveal(
        actor=receptionist_a, resident=world.resident_a, field="id_number", reason=REASON, ip_address="10.0.0.8"
    )

    # then
    assert value == "11010519491231002X"
    access = PersonalDataAccess.objects.get()
    assert (access.field, access.subject_id, access.ip_address) == ("id_number", str(world.resident_a.pk), "10.0.0.8")
    event = Event.objects.get()
    assert event.data == {"field": "id_number"}
    assert "11010519491231002X" not in json.dumps(event.data)


def test_each_reveal_is_audited_separately(world, receptionist_a):
    # when
    resident_reveal(actor=receptionist_a, resident=world.resident_a, field="phone", reason=REASON)
    resident_reveal(actor=receptionist_a, resident=world.resident_a, field="phone", reason="再次回访")

    # then
    assert sorted(PersonalDataAccess.objects.values_list("reason", flat=True)) == sorted([REASON, "再次回访"])
    assert Event.objects.filter(verb="resident.revealed").count() == 2


def test_technician_is_denied_without_audit_row(world, technician_a):
    # when / then
    with pytest.raises(PermissionDenied) as excinfo:
        resident_reveal(actor=technician_a, resident=world.resident_a, field="phone", reason=REASON)

    assert str(excinfo.value) == "您没有查看该住户个人信息的权限"
    assert_nothing_recorded()


def test_receptionist_of_other_center_is_denied_without_audit_row(world, receptionist_b):
    # when / then
    with pytest.raises(PermissionDenied):
        resident_reveal(actor=receptionist_b, resident=world.resident_a, field="phone", reason=REASON)

    assert_nothing_recorded()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_empty_reason_is_rejected_without_audit_row(world, receptionist_a, reason):
    # when / then
    with pytest.raises(ValidationError) as excinfo:
        resident_reveal(actor=receptionist_a, resident=world.resident_a, field="phone", reason=reason)

    assert excinfo.value.message_dict == {"reason": ["请填写查看原因"]}
    assert_nothing_recorded()


def test_too_long_reason_is_rejected_without_audit_row(world, receptionist_a):
    with pytest.raises(ValidationError) as excinfo:
        resident_reveal(actor=receptionist_a, resident=world.resident_a, field="phone", reason="原" * 201)

    assert excinfo.value.message_dict == {"reason": ["查看原因不能超过 200 字"]}
    assert_nothing_recorded()


@pytest.mark.parametrize("field", ["name", "password", "PHONE", ""])
def test_unknown_field_is_rejected_without_audit_row(world, receptionist_a, field):
    # when / then
    with pytest.raises(ValidationError) as excinfo:
        resident_reveal(actor=receptionist_a, resident=world.resident_a, field=field, reason=REASON)

    assert excinfo.value.message_dict == {"field": ["只能查看电话或证件号码"]}
    assert_nothing_recorded()


# --- views -----------------------------------------------------------------------------------------


def test_reveal_view_returns_the_clear_phone(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)
    url = reverse("communities:reveal", args=[world.resident_a.pk])

    # when
    response = client.post(url, {"field": "phone", "reason": REASON})

    # then
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.subject_id, access.field, access.reason, access.ip_address) == (
        receptionist_a,
        str(world.resident_a.pk),
        "phone",
        REASON,
        "127.0.0.1",
    )


def test_reveal_view_without_reason_is_400_without_audit_row(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.post(reverse("communities:reveal", args=[world.resident_a.pk]), {"field": "phone"})

    # then
    assert response.status_code == 400
    assert "13812345678" not in response.content.decode()
    assert_nothing_recorded()


def test_reveal_view_for_technician_is_403_without_audit_row(client, world, technician_a):
    # given
    client.force_login(technician_a)

    # when
    response = client.post(
        reverse("communities:reveal", args=[world.resident_a.pk]), {"field": "phone", "reason": REASON}
    )

    # then
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert_nothing_recorded()


def test_reveal_view_for_other_centers_resident_is_404_without_audit_row(client, world, receptionist_b):
    # given
    client.force_login(receptionist_b)

    # when
    response = client.post(
        reverse("communities:reveal", args=[world.resident_a.pk]), {"field": "phone", "reason": REASON}
    )

    # then
    assert response.status_code == 404
    assert "13812345678" not in response.content.decode()
    assert_nothing_recorded()


def test_resident_cannot_reveal_own_household_member(client, world):
    # given resident A's login (who may see their household, but holds no unmask role)
    user = UserFactory(username="zhangwei")
    world.resident_a.user = user
    world.resident_a.save(update_fields=["user"])
    client.force_login(user)

    # when
    response = client.post(
        reverse("communities:reveal", args=[world.resident_a.pk]), {"field": "id_number", "reason": REASON}
    )

    # then
    assert response.status_code == 403
    assert "11010519491231002X" not in response.content.decode()
    assert_nothing_recorded()


def test_reveal_view_rejects_get(client, world, receptionist_a):
    client.force_login(receptionist_a)

    response = client.get(reverse("communities:reveal", args=[world.resident_a.pk]), {"field": "phone"})

    assert response.status_code == 405
    assert_nothing_recorded()


def test_household_page_shows_masked_phone_only(client, world, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(reverse("communities:household", args=[world.household_a.pk]))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in content
    assert "13812345678" not in content
    assert "110***********002X" in content
    assert "11010519491231002X" not in content
    assert_nothing_recorded()


def test_household_page_offers_reveal_form_to_receptionist(client, world, receptionist_a):
    client.force_login(receptionist_a)

    response = client.get(reverse("communities:household", args=[world.household_a.pk]))

    assert reverse("communities:reveal", args=[world.resident_a.pk]) in response.content.decode()


def test_household_page_offers_no_reveal_form_to_technician(client, world, technician_a):
    # given a technician, who may see the household but not reveal
    client.force_login(technician_a)

    # when
    response = client.get(reverse("communities:household", args=[world.household_a.pk]))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in content
    assert reverse("communities:reveal", args=[world.resident_a.pk]) not in content
