"""notify_phone(): an SMS to a bare phone number, queued in the caller's transaction, delivered once by
deliver_pending() through the configured SMS backend (local memory in tests)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from propdesk.core.texts import t
from propdesk.notify.models import Channel, DeliveryState, Notification
from propdesk.notify.services import Message, deliver_pending, notify_phone

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CODE = Message(kind="portal.code", subject=t("您的验证码是 %(code)s，5 分钟内有效", code="482913"))

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock_start():
    return NOW


def test_a_code_to_a_phone_is_queued_then_delivered_once(sms_outbox):
    # when a code is queued for a number written the way people type it
    row = notify_phone(phone="+86 138-0013-8000", message=CODE, dedupe="otp:1")

    # then one pending SMS row without a recipient is in the outbox, nothing sent yet
    assert (row.recipient, row.phone, row.channel, row.state, row.next_attempt_at) == (
        None,
        "13800138000",
        Channel.SMS,
        DeliveryState.PENDING,
        NOW,
    )
    assert sms_outbox == []

    # when the worker runs twice
    assert deliver_pending() == 1
    assert deliver_pending() == 0

    # then the text went out once, in Chinese, and the row is sent with the backend's reference
    assert [(m.phone, m.text) for m in sms_outbox] == [("13800138000", "您的验证码是 482913，5 分钟内有效")]
    row.refresh_from_db()
    assert (row.state, row.sent_at, row.attempts, row.provider_ref) == ("sent", NOW, 1, "locmem-1")


def test_the_same_dedupe_returns_the_row_already_queued(sms_outbox):
    first = notify_phone(phone="13800138000", message=CODE, dedupe="otp:1")
    again = notify_phone(phone="13800138000", message=CODE, dedupe="otp:1")
    other = notify_phone(phone="13800138000", message=CODE, dedupe="otp:2")

    assert again.pk == first.pk
    assert other.pk != first.pk
    deliver_pending()
    assert len(sms_outbox) == 2


def test_the_sms_is_rendered_in_the_language_asked_for(sms_outbox):
    due = t("即将超时：%(ticket)s %(policy)s（%(due)s 到期）", ticket="BX-1", policy="派单", due="10:05")
    notify_phone(phone="13800138000", message=Message(kind="sla.warn", subject=due), dedupe="w", language="en")
    notify_phone(phone="13800138001", message=Message(kind="sla.warn", subject=due), dedupe="w")
    deliver_pending()
    assert sorted((m.phone, m.text) for m in sms_outbox) == [
        ("13800138000", "Due soon: BX-1 派单 (due 10:05)"),
        ("13800138001", "即将超时：BX-1 派单（10:05 到期）"),
    ]


def test_a_rolled_back_change_queues_nothing(sms_outbox):
    # when the caller's transaction fails after queueing
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_phone(phone="13800138000", message=CODE, dedupe="otp:1")
        raise RuntimeError("the change failed")

    # then no row survives and nothing is sent
    assert Notification.objects.count() == 0
    assert deliver_pending() == 0
    assert sms_outbox == []


@pytest.mark.parametrize("phone", ["", "12345", "0755-12345678", "2380013800x"])
def test_a_number_that_is_not_a_mobile_is_refused(phone):
    with pytest.raises(ValidationError, match="手机号码格式不正确"):
        notify_phone(phone=phone, message=CODE, dedupe="otp:x")
    assert Notification.objects.count() == 0


def test_a_provider_failure_is_retried_with_backoff(settings, clock, sms_outbox):
    # given a backend that fails
    settings.PROPDESK_SMS_BACKEND = "propdesk.notify.tests.test_phone.FailingBackend"
    row = notify_phone(phone="13800138000", message=CODE, dedupe="otp:1")

    deliver_pending()

    # then the row waits for the first backoff step with the error recorded
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + dt.timedelta(seconds=30))
    assert row.last_error == "OSError: provider down"

    # when the provider is back and the time has come, it goes out
    settings.PROPDESK_SMS_BACKEND = "locmem"
    clock.shift(dt.timedelta(seconds=30))
    deliver_pending()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert [m.phone for m in sms_outbox] == ["13800138000"]


class FailingBackend:
    def send(self, message):
        raise OSError("provider down")
