"""Notices delivered to special customers (R-PB-7): schools, kindergartens, shops and malls get a notice
concerning them in hand as well as on the board; the delivery and their acknowledgement are recorded."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require

from ..choices import DeliveryStatus, NoticeEventKind
from ..models import NoticeEvent, SpecialDelivery
from .common import lock


@transaction.atomic
def delivery_record(*, actor, delivery: SpecialDelivery, expected_version: int | None) -> SpecialDelivery:
    require(actor, "notice.deliver", delivery.notice, _("您无权登记送达"))
    delivery = lock(SpecialDelivery, delivery, expected_version)
    if delivery.status != DeliveryStatus.PENDING:
        raise field_error("status", _("已登记送达"), "already_delivered")
    SpecialDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), delivered_by=actor, version=F("version") + 1
    )
    delivery.refresh_from_db()
    NoticeEvent.record(delivery.notice, NoticeEventKind.DELIVERED, actor, customer=delivery.customer_id)
    return delivery


@transaction.atomic
def delivery_acknowledge(
    *, actor, delivery: SpecialDelivery, name: str, expected_version: int | None
) -> SpecialDelivery:
    """Record who at the special customer signed for the notice."""
    require(actor, "notice.deliver", delivery.notice, _("您无权登记签收"))
    name = clean_text(name, "acknowledged_name", limit=50)
    delivery = lock(SpecialDelivery, delivery, expected_version)
    if delivery.status != DeliveryStatus.DELIVERED:
        raise field_error("status", _("须先登记送达，再登记签收"), "not_delivered")
    SpecialDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_name=name,
        version=F("version") + 1,
    )  # fmt: skip
    delivery.refresh_from_db()
    NoticeEvent.record(delivery.notice, NoticeEventKind.ACKNOWLEDGED, actor, customer=delivery.customer_id, name=name)
    return delivery
