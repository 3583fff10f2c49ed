"""Special customers get their notice delivered and acknowledged (R-PB-7); a month without a bulletin notice
is flagged to the manager from the 25th, once (R-PB-8)."""

import pytest
from django.core.exceptions import ValidationError

from propdesk.communities.models import SpecialCustomer
from propdesk.notices import services
from propdesk.notices.models import SpecialDelivery
from propdesk.notify.models import Notification
from propdesk.testing.clock import shanghai_time

from .conftest import notice_data

pytestmark = pytest.mark.usefixtures("clock")


def _publish(world, info_a, manager_a, **data):
    notice = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world, **data))
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    return services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)


def test_a_notice_for_special_customers_is_delivered_and_acknowledged(
    world, info_a, manager_a, sealed_center, reception_a
):
    school = SpecialCustomer.objects.create(
        community=world.community_a, kind="school", name="翠湖小学", contact="陈校长"
    )
    shop = SpecialCustomer.objects.create(community=world.community_a, kind="shop", name="翠湖便利店", contact="刘老板")
    notice = _publish(world, info_a, manager_a, audience="special", special_customer_ids=[school.pk, shop.pk])
    deliveries = SpecialDelivery.objects.filter(notice=notice)
    assert {d.customer for d in deliveries} == {school, shop} and {d.status for d in deliveries} == {"pending"}
    delivery = deliveries.get(customer=school)
    with pytest.raises(ValidationError, match="须先登记送达"):
        services.delivery_acknowledge(actor=reception_a, delivery=delivery, name="陈校长", expected_version=None)
    delivery = services.delivery_record(actor=reception_a, delivery=delivery, expected_version=delivery.version)
    delivery = services.delivery_acknowledge(actor=reception_a, delivery=delivery, name="陈校长", expected_version=None)
    assert delivery.status == "acknowledged" and delivery.acknowledged_name == "陈校长"
    assert list(notice.events.filter(kind__in=["delivered", "acknowledged"]).values_list("kind", flat=True)) == [
        "delivered",
        "acknowledged",
    ]


def test_the_monthly_bulletin_flag(world, info_a, manager_a, manager_b, sealed_center, clock):
    assert services.flag_missing_bulletins() == 0  # the 16th: too early
    clock.move_to(shanghai_time(2026, 11, 10, 9))
    _publish(world, info_a, manager_a, topic="safety", title="冬季防火安全知识")
    clock.move_to(shanghai_time(2026, 11, 25, 8))
    assert services.flag_missing_bulletins() == 1  # only 云山名邸 (center B)
    flagged = Notification.objects.get(kind="notices.bulletin_missing")
    assert flagged.recipient == manager_b and "2026-11" in flagged.subject
    assert not Notification.objects.filter(kind="notices.bulletin_missing", recipient=manager_a).exists()
    clock.move_to(shanghai_time(2026, 11, 26, 8))
    assert services.flag_missing_bulletins() == 0  # once per month
    clock.move_to(shanghai_time(2026, 12, 25, 8))
    assert services.flag_missing_bulletins() == 2  # a new month: both


def test_a_notice_without_a_topic_does_not_count(world, info_a, manager_a, sealed_center, clock):
    from propdesk.notices.services.bulletin import communities_without_bulletin

    _publish(world, info_a, manager_a)
    missing = communities_without_bulletin(shanghai_time(2026, 11, 25, 8))
    assert world.community_a in missing
