"""A posted notice reaches the residents of its audience who opted in (urgent kinds: all of them), once, and
the notice shows how its messages stand."""

import pytest
from django.urls import reverse

from propdesk.communities.models import Resident
from propdesk.notices import selectors, services
from propdesk.notify.models import DeliveryState, Notification, Preference
from propdesk.testing.factories import UserFactory

from .conftest import notice_data

pytestmark = pytest.mark.usefixtures("clock")


def _post(world, info_a, manager_a, **data):
    notice = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world, **data))
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    return services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)


def _neighbour(world, name, phone, *, account: bool, opt_in: bool = False):
    resident = Resident.objects.create(household=world.household_a, name=name, phone=phone)
    if account:
        resident.user = UserFactory(username=f"r-{phone}")
        resident.save(update_fields=["user"])
        if opt_in:
            Preference.objects.create(user=resident.user, channels={"notices": ["sms"]})
    return resident


def test_only_opted_in_residents_of_the_audience_get_a_notice_once(world, info_a, manager_a, sealed_center):
    wants = _neighbour(world, "王芳", "13800000001", account=True, opt_in=True)
    silent = _neighbour(world, "赵磊", "13800000002", account=True)
    other = Resident.objects.get(pk=world.resident_b.pk)  # 云山名邸: another community
    other.user = UserFactory(username="li-na")
    other.save(update_fields=["user"])
    Preference.objects.create(user=other.user, channels={"notices": []})
    notice = _post(world, info_a, manager_a)
    rows = Notification.objects.filter(dedupe_key__startswith=f"notices.resident:{notice.pk}:")
    assert {r.recipient_id for r in rows} == {wants.user_id}
    assert {r.channel for r in rows} == {"inapp", "sms"}
    assert not rows.filter(recipient=silent.user).exists()
    assert not Notification.objects.filter(phone="13812345678").exists()  # phone-only, not urgent
    assert rows.filter(channel="inapp").get().kind == "notices.posted"
    services.post_due()  # a retried run
    from propdesk.notices.services.residents import send_to_residents

    assert send_to_residents(notice) == 0
    assert rows.count() == 2
    counts = selectors.delivery_counts(notice)
    assert counts == {"queued": 1, "sent": 1, "failed": 0, "recipients": 1}


def test_an_urgent_notice_reaches_every_resident_even_by_phone_only(client, world, info_a, manager_a, sealed_center):
    silent = _neighbour(world, "赵磊", "13800000002", account=True)
    notice = _post(world, info_a, manager_a, kind="warning", title="暴雨红色预警")
    rows = Notification.objects.filter(dedupe_key__startswith=f"notices.resident:{notice.pk}:")
    assert rows.filter(recipient=silent.user, channel="sms").exists()
    phone_only = rows.get(recipient__isnull=True)
    assert phone_only.phone == "13812345678" and phone_only.channel == "sms"
    assert not rows.filter(phone="13987654321").exists()  # 云山名邸 is not addressed
    rows.filter(recipient__isnull=True).update(state=DeliveryState.DEAD)
    counts = selectors.delivery_counts(notice)
    assert counts["failed"] == 1 and counts["recipients"] == 2
    client.force_login(info_a)
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert 'id="resident-deliveries"' in html and 'data-failed="1"' in html
    api = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert api["resident_deliveries"]["failed"] == 1 and api["resident_deliveries"]["recipients"] == 2


def test_a_units_notice_reaches_only_those_units(world, info_a, manager_a, sealed_center):
    from propdesk.communities.models import Household, Unit

    other_unit = Unit.objects.create(building=world.household_a.unit.building, entrance="2单元", number="1203")
    other = Household.objects.create(unit=other_unit)
    Resident.objects.create(household=other, name="周敏", phone="13800000009")
    notice = _post(
        world, info_a, manager_a, kind="outage_emergency", title="1203 紧急停水", audience="units",
        unit_ids=[other_unit.pk], utility="water", starts_at=notice_data(world)["valid_from"],
        ends_at=notice_data(world)["valid_until"],
    )  # fmt: skip
    phones = set(
        Notification.objects.filter(dedupe_key__startswith=f"notices.resident:{notice.pk}:").values_list(
            "phone", flat=True
        )
    )
    assert phones == {"13800000009"}
