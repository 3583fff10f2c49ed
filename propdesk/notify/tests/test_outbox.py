"""The notification outbox: notify() writes one row per recipient and channel inside the caller's
transaction; deliver_pending() sends due email/webhook rows to real local servers (SMTP via aiosmtpd,
HTTP via http.server), backs off on failure, gives up after the configured attempts; administrators
put dead rows back in the queue."""

import datetime as dt
import errno
import hashlib
import hmac
import json
import os
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from propdesk.core.models import Event
from propdesk.core.texts import t
from propdesk.notify.models import Channel, DeliveryState, Notification
from propdesk.notify.services import Message, deliver_pending, notification_retry, notify
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory, staff_user
from propdesk.testing.servers import HttpReceiver, SmtpServer, free_port

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
SECRET = "gateway-shared-secret"
BASE_URL = "https://desk.example.com"
FROM = "noreply@propdesk.example.com"

URGENT = Message(
    kind="sla.due",
    subject="已超时（第 2 级）：BX-20261122-0001 5 分钟内派单（应于 11-22 10:05 完成）",
    body="3栋2单元1202 厨房水龙头漏水，请尽快派单",
    url="/tickets/17/",
    urgent=True,
)
ROUTINE = Message(kind="sla.warn", subject="即将超时：BX-20261122-0001 5 分钟内派单", body="厨房水龙头漏水")

REFUSED = f"[Errno {errno.ECONNREFUSED}] {os.strerror(errno.ECONNREFUSED)}"


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    """Every test runs on the clock pinned at Sunday 22 November 2026, 10:00 in Shanghai."""
    return NOW


@pytest.fixture(autouse=True)
def notify_settings(settings):
    """Every setting the outbox reads, fixed; the gateway is off until a test points it at a receiver."""
    settings.PROPDESK_NOTIFY_EMAIL = True
    settings.PROPDESK_WEBHOOK_URL = ""
    settings.PROPDESK_WEBHOOK_SECRET = SECRET
    settings.PROPDESK_WEBHOOK_TIMEOUT = 5
    settings.PROPDESK_NOTIFY_MAX_ATTEMPTS = 8
    settings.PROPDESK_NOTIFY_BACKOFF_SECONDS = 30
    settings.PROPDESK_BASE_URL = BASE_URL
    settings.DEFAULT_FROM_EMAIL = FROM
    return settings


@pytest.fixture
def zhang(world):
    """A receptionist with an email address and a mobile phone: reachable on every channel."""
    user = staff_user("zhang", Role.RECEPTIONIST, center=world.center_a)
    user.email = "zhang@example.com"
    user.save(update_fields=["email"])
    user.staff_profile.phone = "13800000001"
    user.staff_profile.save(update_fields=["phone"])
    return user


@pytest.fixture
def gateway(notify_settings):
    """A real HTTP receiver configured as the SMS/IM gateway."""
    with HttpReceiver() as receiver:
        notify_settings.PROPDESK_WEBHOOK_URL = receiver.url
        yield receiver


@pytest.fixture
def smtp(notify_settings):
    """A real SMTP server, and Django's SMTP backend pointed at it."""
    with SmtpServer() as server:
        notify_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        notify_settings.EMAIL_HOST = server.host
        notify_settings.EMAIL_PORT = server.port
        notify_settings.EMAIL_USE_TLS = False
        notify_settings.EMAIL_USE_SSL = False
        notify_settings.EMAIL_HOST_USER = ""
        notify_settings.EMAIL_HOST_PASSWORD = ""
        yield server


def rows():
    """(recipient, channel, dedupe key, state) of every notification, in a stable order."""
    return list(
        Notification.objects.order_by("recipient_id", "channel").values_list(
            "recipient__username", "channel", "dedupe_key", "state"
        )
    )


def the_row(channel: str) -> Notification:
    return Notification.objects.get(channel=channel)


# ----------------------------------------------------------------------------- notify()


def test_notify_writes_inapp_email_and_webhook_rows_for_an_urgent_message(zhang, gateway):
    # when an urgent message is queued for a user reachable on every channel
    created = notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")

    # then one row per channel is written, keyed by dedupe, channel and recipient
    assert [(n.channel, n.dedupe_key) for n in created] == [
        ("inapp", f"sla:41:L2:inapp:{zhang.pk}"),
        ("email", f"sla:41:L2:email:{zhang.pk}"),
        ("webhook", f"sla:41:L2:webhook:{zhang.pk}"),
    ]
    fields = ("channel", "kind", "subject", "body", "url", "state", "attempts", "sent_at", "next_attempt_at")
    assert list(Notification.objects.order_by("id").values_list(*fields)) == [
        ("inapp", "sla.due", URGENT.subject, URGENT.body, URGENT.url, "sent", 0, NOW, None),
        ("email", "sla.due", URGENT.subject, URGENT.body, URGENT.url, "pending", 0, None, NOW),
        ("webhook", "sla.due", URGENT.subject, URGENT.body, URGENT.url, "pending", 0, None, NOW),
    ]
    assert set(Notification.objects.values_list("recipient", flat=True)) == {zhang.pk}
    assert set(Notification.objects.values_list("last_error", flat=True)) == {""}
    # writing queues; nothing has been sent to the servers yet
    assert gateway.received == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("reachable everywhere", ["inapp", "email", "webhook"]),
        ("no email address", ["inapp", "webhook"]),
        ("email switched off", ["inapp", "webhook"]),
        ("not urgent", ["inapp", "email"]),
        ("no gateway configured", ["inapp", "email"]),
        ("no phone", ["inapp", "email"]),
        ("no staff profile", ["inapp", "email"]),
    ],
)
def test_notify_channels(zhang, notify_settings, case, expected):
    # given the gateway is configured unless the case says otherwise
    notify_settings.PROPDESK_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    recipient, message = zhang, URGENT
    if case == "no email address":
        zhang.email = ""
        zhang.save(update_fields=["email"])
    elif case == "email switched off":
        notify_settings.PROPDESK_NOTIFY_EMAIL = False
    elif case == "not urgent":
        message = ROUTINE
    elif case == "no gateway configured":
        notify_settings.PROPDESK_WEBHOOK_URL = ""
    elif case == "no phone":
        zhang.staff_profile.phone = ""
        zhang.staff_profile.save(update_fields=["phone"])
    elif case == "no staff profile":
        recipient = UserFactory(username="wang", email="wang@example.com")

    # when the message is queued
    notify(recipients=[recipient], message=message, dedupe="case")

    # then exactly the expected channels got a row
    assert list(Notification.objects.order_by("id").values_list("channel", flat=True)) == expected
    assert Notification.objects.filter(recipient=recipient).count() == len(expected)


def test_inapp_rows_are_sent_when_written_and_are_never_picked_up_for_delivery(zhang, smtp, gateway):
    # given a routine message for a user without an email address: in-app only
    zhang.email = ""
    zhang.save(update_fields=["email"])
    notify(recipients=[zhang], message=ROUTINE, dedupe="warn-1")
    row = the_row(Channel.INAPP)
    assert (row.state, row.sent_at, row.next_attempt_at, row.attempts, row.read_at) == ("sent", NOW, None, 0, None)

    # when the delivery loop runs
    sent = deliver_pending()

    # then it has nothing to do and the in-app row is untouched
    assert sent == 0
    assert smtp.received == []
    assert gateway.received == []
    row.refresh_from_db()
    assert (row.state, row.sent_at, row.attempts) == ("sent", NOW, 0)


def test_notify_twice_with_the_same_dedupe_creates_nothing_new(zhang, gateway):
    # given a message already queued
    first = notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    before = list(Notification.objects.order_by("id").values_list("id", "dedupe_key", "subject"))
    assert len(first) == 3

    # when the same change is retried (even with a reworded message)
    again = notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    reworded = notify(recipients=[zhang], message=ROUTINE, dedupe="sla:41:L2")

    # then nothing new is written and the first rows are kept as they were
    assert again == []
    assert reworded == []
    assert list(Notification.objects.order_by("id").values_list("id", "dedupe_key", "subject")) == before
    # and a different dedupe key is a different message
    assert len(notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L3")) == 3
    assert Notification.objects.count() == 6


def test_notify_skips_inactive_and_missing_recipients_and_repeats(world, zhang):
    # given an inactive colleague and a plain active user
    gone = staff_user("left-company", Role.RECEPTIONIST, center=world.center_a)
    gone.email = "gone@example.com"
    gone.is_active = False
    gone.save(update_fields=["email", "is_active"])
    li = UserFactory(username="li", email="li@example.com")

    # when a routine message is queued for a list with the inactive user, None and repeats
    created = notify(recipients=[zhang, gone, None, li, zhang, li], message=ROUTINE, dedupe="warn-7")

    # then each active user gets one row per channel, the inactive user none
    assert len(created) == 4
    assert rows() == sorted(
        [
            ("zhang", "email", f"warn-7:email:{zhang.pk}", "pending"),
            ("zhang", "inapp", f"warn-7:inapp:{zhang.pk}", "sent"),
            ("li", "email", f"warn-7:email:{li.pk}", "pending"),
            ("li", "inapp", f"warn-7:inapp:{li.pk}", "sent"),
        ],
        key=lambda r: ({"zhang": zhang.pk, "li": li.pk}[r[0]], r[1]),
    )
    assert not Notification.objects.filter(recipient=gone).exists()


def test_notify_inside_a_transaction_that_rolls_back_leaves_nothing(zhang, notify_settings):
    notify_settings.PROPDESK_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    # when the change that notifies fails after queueing
    with pytest.raises(RuntimeError, match="the change failed"), transaction.atomic():
        created = notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
        assert len(created) == 3
        assert Notification.objects.count() == 3
        raise RuntimeError("the change failed")

    # then no notification survives
    assert Notification.objects.count() == 0
    # and the retried change queues normally (the dedupe keys were never taken)
    assert len(notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")) == 3


# ----------------------------------------------------------------------------- delivery: email


def test_email_is_delivered_over_smtp_and_marked_sent(zhang, smtp, clock):
    # given a queued routine message (in-app + email)
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    clock.shift(dt.timedelta(seconds=3))

    # when the delivery loop runs
    sent = deliver_pending()

    # then the SMTP server received exactly one message for the recipient
    assert sent == 1
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.mail_from == FROM
    assert mail.rcpt_tos == ["zhang@example.com"]
    message = mail.message
    assert message["To"] == "zhang@example.com"
    assert message["From"] == FROM
    # (the encoded subject is folded onto a continuation line; unfolding leaves the leading space)
    assert message["Subject"].strip() == f"[PropDesk] {URGENT.subject}"
    assert message.get_content_charset() == "utf-8"
    # the Chinese body arrives intact, followed by the absolute link
    assert message.get_content().replace("\r\n", "\n") == f"{URGENT.body}\n\n{BASE_URL}{URGENT.url}\n"
    # and the row is marked sent at the moment of delivery
    row = the_row(Channel.EMAIL)
    assert (row.state, row.attempts, row.sent_at, row.next_attempt_at, row.last_error) == (
        "sent",
        1,
        NOW + dt.timedelta(seconds=3),
        None,
        "",
    )

    # when the loop runs again, nothing is sent twice
    assert deliver_pending() == 0
    assert len(smtp.received) == 1


def test_email_without_a_link_has_only_the_body(zhang, smtp):
    notify(recipients=[zhang], message=ROUTINE, dedupe="warn-1")

    assert deliver_pending() == 1

    assert [m.rcpt_tos for m in smtp.received] == [["zhang@example.com"]]
    assert smtp.received[0].message["Subject"].strip() == f"[PropDesk] {ROUTINE.subject}"
    assert smtp.received[0].message.get_content().replace("\r\n", "\n") == f"{ROUTINE.body}\n"


def test_a_system_text_is_delivered_in_the_recipients_language_not_the_workers(zhang, smtp, gateway):
    # given a message the system wrote (msgid + parameters); users keep no language preference, so the
    # recipient's language is the site's default, Chinese — even when the delivery worker runs in English
    subject = t(gettext_noop("新工作单 %(n)s：%(where)s"), n="BX-20261122-0001-1", where="翠湖花园 3栋")
    notify(recipients=[zhang], message=Message(kind="dispatch.assigned", subject=subject, urgent=True), dedupe="a1")
    row = the_row(Channel.INAPP)
    assert row.subject == subject.dumps()

    with translation.override("en"):
        assert deliver_pending() == 2
        # the inbox reads in the reader's language
        assert row.subject_text() == "New work order BX-20261122-0001-1: 翠湖花园 3栋"

    assert smtp.received[0].message["Subject"].strip() == "[PropDesk] 新工作单 BX-20261122-0001-1：翠湖花园 3栋"
    assert json.loads(gateway.received[0].body.decode())["text"] == "新工作单 BX-20261122-0001-1：翠湖花园 3栋"


def test_a_long_system_subject_is_stored_whole_and_read_at_most_200_characters(zhang):
    title = "漏" * 300
    subject = t(gettext_noop("工单重新打开：%(n)s %(title)s"), n="BX-20261122-0001", title=title)
    notify(recipients=[zhang], message=Message(kind="ticket.reopened", subject=subject), dedupe="r1")

    row = the_row(Channel.INAPP)
    assert row.subject == subject.dumps()  # a TextField: the JSON is never cut
    assert len(row.subject_text()) == 200
    assert row.subject_text().startswith("工单重新打开：BX-20261122-0001 漏漏")
    assert row.subject_text().endswith("…")


# ----------------------------------------------------------------------------- delivery: webhook


def test_webhook_request_is_signed_and_carries_the_dedupe_key(zhang, gateway, notify_settings, clock):
    # given an urgent message queued for a user with a phone, e-mail switched off
    notify_settings.PROPDESK_NOTIFY_EMAIL = False
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    key = f"sla:41:L2:webhook:{zhang.pk}"
    clock.shift(dt.timedelta(seconds=5))

    # when the delivery loop runs
    sent = deliver_pending()

    # then the gateway received one POST
    assert sent == 1
    assert len(gateway.received) == 1
    request = gateway.received[0]
    assert (request.method, request.path) == ("POST", "/hook")
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    # with the JSON payload: id is the dedupe key, to is the phone, text is subject and body
    assert json.loads(request.body.decode("utf-8")) == {
        "id": key,
        "kind": "sla.due",
        "to": "13800000001",
        "name": "zhang",
        "text": f"{URGENT.subject} {URGENT.body}",
        "url": f"{BASE_URL}{URGENT.url}",
    }
    # signed over "<timestamp>.<body>" with the shared secret (recomputed here, independently)
    timestamp = request.headers["X-PropDesk-Timestamp"]
    assert timestamp == str(int((NOW + dt.timedelta(seconds=5)).timestamp()))
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-PropDesk-Signature"] == f"sha256={expected}"
    # so the gateway can drop a repeat
    assert request.headers["Idempotency-Key"] == key
    # and the row is marked sent
    row = the_row(Channel.WEBHOOK)
    assert (row.state, row.attempts, row.sent_at, row.next_attempt_at, row.last_error) == (
        "sent",
        1,
        NOW + dt.timedelta(seconds=5),
        None,
        "",
    )
    assert deliver_pending() == 0
    assert len(gateway.received) == 1


def test_a_signature_with_another_secret_does_not_match(zhang, gateway, notify_settings):
    # the receiver's check is meaningful: the same request recomputed with a wrong secret differs
    notify_settings.PROPDESK_NOTIFY_EMAIL = False
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    deliver_pending()
    request = gateway.received[0]
    timestamp = request.headers["X-PropDesk-Timestamp"]
    forged = hmac.new(b"another-secret", timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-PropDesk-Signature"] != f"sha256={forged}"


# ----------------------------------------------------------------------------- failures


@pytest.fixture
def failing(request, zhang, notify_settings):
    """One pending row whose delivery fails in the way the parameter names; yields (row, error, hits),
    where hits() counts the requests/messages the failing server received."""
    mode = request.param
    if mode == "webhook: HTTP 500":
        with HttpReceiver(status=500) as receiver:
            notify_settings.PROPDESK_WEBHOOK_URL = receiver.url
            notify_settings.PROPDESK_NOTIFY_EMAIL = False
            notify(recipients=[zhang], message=URGENT, dedupe="fail")
            yield (
                the_row(Channel.WEBHOOK),
                "HTTPError: HTTP Error 500: Internal Server Error",
                lambda: len(receiver.received),
            )
    elif mode == "webhook: closed port":
        notify_settings.PROPDESK_WEBHOOK_URL = f"http://127.0.0.1:{free_port()}/hook"
        notify_settings.PROPDESK_NOTIFY_EMAIL = False
        notify(recipients=[zhang], message=URGENT, dedupe="fail")
        yield the_row(Channel.WEBHOOK), f"URLError: <urlopen error {REFUSED}>", lambda: 0
    elif mode == "email: closed port":
        notify_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        notify_settings.EMAIL_HOST = "127.0.0.1"
        notify_settings.EMAIL_PORT = free_port()
        notify(recipients=[zhang], message=ROUTINE, dedupe="fail")
        yield the_row(Channel.EMAIL), f"ConnectionRefusedError: {REFUSED}", lambda: 0
    elif mode == "email: recipient refused":
        with SmtpServer(refuse_recipients="550 no such user") as server:
            notify_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            notify_settings.EMAIL_HOST = server.host
            notify_settings.EMAIL_PORT = server.port
            notify(recipients=[zhang], message=ROUTINE, dedupe="fail")
            yield (
                the_row(Channel.EMAIL),
                "SMTPRecipientsRefused: {'zhang@example.com': (550, b'no such user')}",
                lambda: len(server.received),
            )
    else:  # pragma: no cover
        raise AssertionError(mode)


FAILURE_MODES = ["webhook: HTTP 500", "webhook: closed port", "email: closed port", "email: recipient refused"]


@pytest.mark.parametrize("failing", FAILURE_MODES, indirect=True)
def test_a_failed_delivery_is_retried_after_the_backoff(failing, clock):
    row, error, _hits = failing

    # when the first attempt fails
    assert deliver_pending() == 1

    # then the row stays pending, with the error and the next attempt 30 s later
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error, row.next_attempt_at, row.sent_at) == (
        "pending",
        1,
        error,
        NOW + dt.timedelta(seconds=30),
        None,
    )
    # and it is not tried again before then
    clock.shift(dt.timedelta(seconds=29))
    assert deliver_pending() == 0
    row.refresh_from_db()
    assert row.attempts == 1


def test_backoff_doubles_from_30_seconds_and_is_capped_at_an_hour(zhang, notify_settings, clock):
    # given a gateway that always answers 500 and ten attempts allowed
    notify_settings.PROPDESK_NOTIFY_MAX_ATTEMPTS = 10
    notify_settings.PROPDESK_NOTIFY_EMAIL = False
    with HttpReceiver(status=500) as receiver:
        notify_settings.PROPDESK_WEBHOOK_URL = receiver.url
        notify(recipients=[zhang], message=URGENT, dedupe="fail")
        row = the_row(Channel.WEBHOOK)

        # when the loop runs each time the row comes due
        delays = []
        for _attempt in range(9):
            assert deliver_pending() == 1
            row.refresh_from_db()
            assert row.state == "pending"
            delays.append(int((row.next_attempt_at - timezone.now()).total_seconds()))
            # one second early nothing happens; exactly on time it is tried again
            clock.move_to(row.next_attempt_at - dt.timedelta(seconds=1))
            assert deliver_pending() == 0
            clock.move_to(row.next_attempt_at)

        # then the delays were 30 s, doubling, capped at one hour
        assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]

        # and the tenth failure is the last
        assert deliver_pending() == 1
        row.refresh_from_db()
        assert (row.state, row.attempts, row.next_attempt_at) == ("dead", 10, None)
        assert len(receiver.received) == 10


@pytest.mark.parametrize("failing", FAILURE_MODES, indirect=True)
def test_a_row_is_dead_after_the_maximum_attempts(failing, notify_settings, clock, caplog):
    notify_settings.PROPDESK_NOTIFY_MAX_ATTEMPTS = 3
    row, error, hits = failing

    # when three attempts fail, each when due (30 s, then 60 s later)
    assert deliver_pending() == 1
    clock.shift(dt.timedelta(seconds=30))
    assert deliver_pending() == 1
    clock.shift(dt.timedelta(seconds=60))
    with caplog.at_level("WARNING", logger="propdesk.notify"):
        assert deliver_pending() == 1

    # then the row is dead: no next attempt, the last error kept, a warning logged
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at, row.last_error, row.sent_at) == (
        "dead",
        3,
        None,
        error,
        None,
    )
    assert [r.getMessage() for r in caplog.records if r.name == "propdesk.notify"] == [
        f"notification {row.pk} is dead after 3 attempts: {error.split(': ', 1)[1]}"
    ]
    # and it is never tried again
    clock.shift(dt.timedelta(days=2))
    assert deliver_pending() == 0
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("dead", 3)
    assert hits() in (0, 3)


def test_one_failing_row_does_not_stop_the_others(zhang, smtp, notify_settings):
    # given an urgent message: the email can be delivered, the gateway answers 500
    with HttpReceiver(status=500) as receiver:
        notify_settings.PROPDESK_WEBHOOK_URL = receiver.url
        notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")

        # when the loop runs
        assert deliver_pending() == 2

    # then the email went out and the webhook waits for its retry
    assert [m.rcpt_tos for m in smtp.received] == [["zhang@example.com"]]
    assert dict(Notification.objects.values_list("channel", "state")) == {
        "inapp": "sent",
        "email": "sent",
        "webhook": "pending",
    }


# ----------------------------------------------------------------------------- dead letters


@pytest.fixture
def dead(zhang, gateway):
    """A webhook row as the delivery loop leaves it after its last failed attempt (set up directly, so
    the retry is tested on its own)."""
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    Notification.objects.filter(channel=Channel.WEBHOOK).update(
        state=DeliveryState.DEAD,
        attempts=8,
        next_attempt_at=None,
        last_error="HTTPError: HTTP Error 500: Internal Server Error",
    )
    return the_row(Channel.WEBHOOK)


def test_retry_by_a_superuser_requeues_the_dead_row_and_records_an_event(dead, clock):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    clock.shift(dt.timedelta(hours=1))
    retried_at = timezone.now()

    # when an administrator retries it from the dead-letter list
    result = notification_retry(actor=admin, notification=dead)

    # then it is pending again, from zero attempts, due now
    assert (result.pk, result.state, result.attempts) == (dead.pk, "pending", 0)
    dead.refresh_from_db()
    assert (dead.state, dead.attempts, dead.next_attempt_at, dead.sent_at) == ("pending", 0, retried_at, None)
    # (the last error stays visible until the next attempt)
    assert dead.last_error == "HTTPError: HTTP Error 500: Internal Server Error"
    # and the retry is in the core event log
    assert list(Event.objects.values_list("actor", "verb", "target_type", "target_id", "target_repr", "at")) == [
        (
            admin.pk,
            "notification.retried",
            ContentType.objects.get_for_model(Notification).pk,
            str(dead.pk),
            f"短信/即时通讯网关 → zhang: {URGENT.subject}",
            retried_at,
        )
    ]
    # and nothing else changed
    assert dict(Notification.objects.values_list("channel", "state")) == {
        "inapp": "sent",
        "email": "pending",
        "webhook": "pending",
    }


def test_retry_by_a_user_with_the_change_permission_is_allowed(dead):
    operator = UserFactory(username="ops")
    operator.user_permissions.add(
        Permission.objects.get(codename="change_notification", content_type__app_label="notify")
    )

    notification_retry(actor=operator, notification=dead)

    dead.refresh_from_db()
    assert (dead.state, dead.attempts) == ("pending", 0)
    assert list(Event.objects.values_list("actor", "verb", "target_id")) == [
        (operator.pk, "notification.retried", str(dead.pk))
    ]


@pytest.mark.parametrize("who", ["receptionist", "staff flag without permission"])
def test_retry_by_a_non_admin_is_refused_and_changes_nothing(dead, world, who):
    if who == "receptionist":
        actor = staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)
    else:
        actor = UserFactory(username="clerk", is_staff=True)
    before = Notification.objects.filter(pk=dead.pk).values().get()

    with pytest.raises(PermissionDenied, match="只有管理员可以重新发送通知"):
        notification_retry(actor=actor, notification=dead)

    assert Notification.objects.filter(pk=dead.pk).values().get() == before
    assert Event.objects.count() == 0


def test_retry_of_a_row_that_is_not_dead_changes_nothing(zhang, gateway):
    # given a sent row and a pending one
    admin = UserFactory(username="admin", is_superuser=True)
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    Notification.objects.filter(channel=Channel.EMAIL).update(state=DeliveryState.SENT, attempts=1, sent_at=NOW)
    sent = the_row(Channel.EMAIL)
    pending = the_row(Channel.WEBHOOK)
    before = list(Notification.objects.order_by("id").values())

    # when an administrator "retries" them
    assert notification_retry(actor=admin, notification=sent).state == "sent"
    assert notification_retry(actor=admin, notification=pending).state == "pending"

    # then nothing changed and nothing was logged
    assert list(Notification.objects.order_by("id").values()) == before
    assert Event.objects.count() == 0


def test_a_dead_row_retried_after_the_gateway_recovers_is_delivered(zhang, notify_settings, clock):
    # given a webhook row killed by three HTTP 500 answers
    notify_settings.PROPDESK_NOTIFY_MAX_ATTEMPTS = 3
    notify_settings.PROPDESK_NOTIFY_EMAIL = False
    admin = UserFactory(username="admin", is_superuser=True)
    with HttpReceiver(status=500) as receiver:
        notify_settings.PROPDESK_WEBHOOK_URL = receiver.url
        notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
        row = the_row(Channel.WEBHOOK)
        for shift in (0, 30, 60):
            clock.shift(dt.timedelta(seconds=shift))
            assert deliver_pending() == 1
        row.refresh_from_db()
        assert (row.state, row.attempts, row.next_attempt_at) == ("dead", 3, None)

        # when the gateway recovers and an administrator retries the row
        receiver.status = 200
        clock.shift(dt.timedelta(hours=1))
        notification_retry(actor=admin, notification=row)
        assert deliver_pending() == 1

    # then it is delivered: the fourth request, with the same idempotency key
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at, row.last_error) == ("sent", 1, timezone.now(), "")
    assert [r.headers["Idempotency-Key"] for r in receiver.received] == [row.dedupe_key] * 4
    assert list(Event.objects.values_list("verb", flat=True)) == ["notification.retried"]


# ----------------------------------------------------------------------------- not yet due


def test_rows_not_yet_due_are_not_sent(zhang, smtp, gateway, clock):
    # given an urgent message whose email and webhook rows are due in ten minutes
    notify(recipients=[zhang], message=URGENT, dedupe="sla:41:L2")
    later = NOW + dt.timedelta(minutes=10)
    Notification.objects.filter(state=DeliveryState.PENDING).update(next_attempt_at=later)

    # when the loop runs before then
    clock.move_to(later - dt.timedelta(seconds=1))
    assert deliver_pending() == 0

    # then nothing reached the servers and the rows are untouched
    assert smtp.received == []
    assert gateway.received == []
    assert sorted(
        Notification.objects.filter(state="pending").values_list("channel", "attempts", "next_attempt_at")
    ) == [
        ("email", 0, later),
        ("webhook", 0, later),
    ]

    # when they come due, both are sent
    clock.move_to(later)
    assert deliver_pending() == 2
    assert len(smtp.received) == 1
    assert len(gateway.received) == 1
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_deliver_pending_sends_at_most_the_limit(world, smtp):
    # given five users with a queued email each
    users = [UserFactory(username=f"u{i}", email=f"u{i}@example.com") for i in range(5)]
    notify(recipients=users, message=ROUTINE, dedupe="many")

    # when the loop runs with a limit of three, then again
    assert deliver_pending(limit=3) == 3
    assert len(smtp.received) == 3
    assert Notification.objects.filter(channel="email", state="pending").count() == 2
    assert deliver_pending(limit=3) == 2

    # then every user got exactly one message
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == sorted(u.email for u in users)
