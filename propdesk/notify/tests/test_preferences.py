"""Preferences: which channels a person gets per category of message (or the defaults), quiet hours that
hold non-urgent outside messages until they end (never drop them), urgent messages that always go through,
and the language of messages that leave the system. Saved through the page and the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.core.errors import StaleVersion
from propdesk.core.models import Event
from propdesk.core.texts import t
from propdesk.notify.models import Notification, Preference
from propdesk.notify.services import Message, deliver_pending, notify, preference_update
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import staff_user

NOW = shanghai_time(2026, 11, 22, 10)
ASSIGNED = Message(kind="dispatch.assigned", subject="派工：3栋2单元1202 厨房漏水", urgent=True)
WARN = Message(kind="sla.warn", subject="即将超时：BX-20261122-0001")
PROGRESS = Message(kind="request.status", subject="您的报修已派工")
NEWS = Message(kind="notices.broadcast", subject="停水通知")

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture(autouse=True)
def channels_on(settings):
    settings.PROPDESK_NOTIFY_EMAIL = True
    settings.PROPDESK_WEBHOOK_URL = ""
    settings.PROPDESK_SMS_BACKEND = "locmem"
    settings.PROPDESK_WECOM_BACKEND = ""
    return settings


@pytest.fixture
def li(world):
    """A technician with an email address and a mobile phone."""
    user = staff_user("li", Role.TECHNICIAN, center=world.center_a)
    user.email = "li@example.com"
    user.save(update_fields=["email"])
    user.staff_profile.phone = "13800000002"
    user.staff_profile.save(update_fields=["phone"])
    return user


def channels(user, dedupe):
    return list(
        Notification.objects.filter(recipient=user, dedupe_key__startswith=f"{dedupe}:")
        .order_by("id")
        .values_list("channel", flat=True)
    )


def test_defaults_for_staff_in_app_and_email_and_wecom_when_it_is_set_up(li, channels_on):
    notify(recipients=[li], message=WARN, dedupe="a")
    assert channels(li, "a") == ["inapp", "email"]

    channels_on.PROPDESK_WECOM_BACKEND = "app"
    notify(recipients=[li], message=WARN, dedupe="b")
    assert channels(li, "b") == ["inapp", "email", "wecom"]


def test_defaults_for_a_resident_sms_for_their_requests_and_urgent_messages(world, resident_user_a):
    notify(recipients=[resident_user_a], message=PROGRESS, dedupe="p")
    notify(recipients=[resident_user_a], message=NEWS, dedupe="n")
    notify(
        recipients=[resident_user_a], message=Message(kind="notices.warning", subject="台风", urgent=True), dedupe="u"
    )

    assert channels(resident_user_a, "p") == ["inapp", "sms"]
    assert channels(resident_user_a, "n") == ["inapp"]
    assert channels(resident_user_a, "u") == ["inapp", "sms"]
    # the SMS goes to the resident record's phone
    assert Notification.objects.get(dedupe_key__startswith="p:", channel="sms").phone == "13812345678"


def test_a_chosen_channel_set_replaces_the_defaults_for_that_category_only(li, sms_outbox):
    preference_update(actor=li, channels={"dispatch": ["sms"], "sla": []})

    notify(recipients=[li], message=ASSIGNED, dedupe="d")
    notify(recipients=[li], message=WARN, dedupe="w")
    notify(recipients=[li], message=Message(kind="ticket.assigned", subject="工单派给你"), dedupe="t")

    assert channels(li, "d") == ["inapp", "sms"]  # SMS instead of email
    assert channels(li, "w") == ["inapp"]  # in-app only: it cannot be switched off
    assert channels(li, "t") == ["inapp", "email"]  # not chosen: the defaults
    deliver_pending()
    assert [(m.phone, m.text) for m in sms_outbox] == [("13800000002", "派工：3栋2单元1202 厨房漏水")]


def test_a_channel_the_person_cannot_be_reached_on_is_skipped(li):
    li.staff_profile.phone = ""
    li.staff_profile.save(update_fields=["phone"])
    preference_update(actor=li, channels={"dispatch": ["sms", "email"]})
    notify(recipients=[li], message=ASSIGNED, dedupe="d")
    assert channels(li, "d") == ["inapp", "email"]


def test_quiet_hours_hold_routine_messages_until_they_end_and_urgent_ones_go_through(li, clock, sms_outbox):
    # given quiet hours 22:00–07:00 and SMS chosen for both categories
    preference_update(
        actor=li, channels={"dispatch": ["sms"], "sla": ["sms"]}, quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    clock.move_to(shanghai_time(2026, 11, 22, 23, 30))

    # when a routine warning and an urgent dispatch are queued at 23:30
    notify(recipients=[li], message=WARN, dedupe="w")
    notify(recipients=[li], message=ASSIGNED, dedupe="d")

    # then both are in the inbox at once; only the urgent one leaves by SMS now
    held = Notification.objects.get(dedupe_key__startswith="w:", channel="sms")
    assert held.next_attempt_at == shanghai_time(2026, 11, 23, 7)
    assert Notification.objects.filter(channel="inapp", read_at__isnull=True, recipient=li).count() == 2
    deliver_pending()
    assert [m.text for m in sms_outbox] == ["派工：3栋2单元1202 厨房漏水"]

    # at 06:59 the warning still waits; at 07:00 it is sent (held, not dropped)
    clock.move_to(shanghai_time(2026, 11, 23, 6, 59))
    assert deliver_pending() == 0
    clock.move_to(shanghai_time(2026, 11, 23, 7))
    assert deliver_pending() == 1
    assert [m.text for m in sms_outbox][-1] == "即将超时：BX-20261122-0001"


@pytest.mark.parametrize(
    ("start", "end", "at", "release"),
    [
        (dt.time(12), dt.time(14), (13, 0), (22, 14, 0)),  # a daytime nap
        (dt.time(12), dt.time(14), (14, 0), None),  # the end itself is outside
        (dt.time(22), dt.time(7), (6, 30), (22, 7, 0)),  # after midnight: ends the same morning
        (dt.time(22), dt.time(7), (21, 59), None),
    ],
)
def test_quiet_hour_windows(li, clock, start, end, at, release):
    preference_update(actor=li, channels={"sla": ["email"]}, quiet_start=start, quiet_end=end)
    clock.move_to(shanghai_time(2026, 11, 22, *at))
    notify(recipients=[li], message=WARN, dedupe="w")
    row = Notification.objects.get(channel="email")
    expected = (
        shanghai_time(2026, 11, release[0], release[1], release[2]) if release else shanghai_time(2026, 11, 22, *at)
    )
    assert row.next_attempt_at == expected


def test_the_language_chosen_renders_outside_messages_in_english(li, sms_outbox):
    preference_update(actor=li, channels={"sla": ["sms"]}, language="en")
    due = t("即将超时：%(ticket)s %(policy)s（%(due)s 到期）", ticket="BX-1", policy="dispatch", due="10:05")
    notify(recipients=[li], message=Message(kind="sla.warn", subject=due), dedupe="w")
    deliver_pending()
    assert [m.text for m in sms_outbox] == ["Due soon: BX-1 dispatch (due 10:05)"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channels": {"weather": ["sms"]}}, "未知的消息类别"),
        ({"channels": {"sla": ["fax"]}}, "未知的通知渠道"),
        ({"channels": {}, "quiet_start": dt.time(22)}, "同时填写开始和结束"),
        ({"channels": {}, "quiet_start": dt.time(22), "quiet_end": dt.time(22)}, "不能相同"),
        ({"channels": {}, "language": "fr"}, "不支持的语言"),
    ],
)
def test_bad_preferences_are_refused_with_a_clear_message(li, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        preference_update(actor=li, **kwargs)
    assert not Preference.objects.exists()


def test_wecom_is_for_staff_only(resident_user_a):
    with pytest.raises(ValidationError, match="企业微信通知只用于员工"):
        preference_update(actor=resident_user_a, channels={"request": ["wecom"]})


def test_saving_records_an_event_and_checks_the_version(li):
    first = preference_update(actor=li, channels={"sla": ["email"]}, expected_version=1)
    second = preference_update(actor=li, channels={"sla": []}, expected_version=1)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(StaleVersion):
        preference_update(actor=li, channels={"sla": ["email"]}, expected_version=1)
    assert Event.objects.filter(verb="notify.preferences_changed").count() == 2
    assert Preference.objects.get(user=li).channels == {"sla": []}


# ----------------------------------------------------------------------------- the page and the API


def test_the_page_shows_the_categories_and_saves_the_choice(client, li):
    client.force_login(li)
    page = client.get(reverse("notify:preferences"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "派工与维修" in html and "免打扰时段" in html
    assert "我的报修与诉求进度" not in html  # a resident's category

    saved = client.post(
        reverse("notify:preferences"),
        {
            "version": "1",
            "dispatch:shown": "1",
            "dispatch": ["sms", "email"],
            "sla:shown": "1",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "language": "en",
        },
    )
    assert saved.status_code == 302
    prefs = Preference.objects.get(user=li)
    assert (prefs.channels, prefs.quiet_start, prefs.quiet_end, prefs.language) == (
        {"dispatch": ["email", "sms"], "sla": []},
        dt.time(22),
        dt.time(7),
        "en",
    )


def test_the_page_shows_an_error_for_a_half_quiet_window(client, li):
    client.force_login(li)
    response = client.post(reverse("notify:preferences"), {"version": "1", "quiet_start": "22:00"})
    assert response.status_code == 422
    assert "免打扰时段需要同时填写开始和结束时间" in response.content.decode()


def test_the_api_reads_and_changes_preferences(client, resident_user_a):
    client.force_login(resident_user_a)
    url = "/api/v1/notifications/preferences"
    got = client.get(url).json()
    assert {c["category"]: c["channels"] for c in got["categories"]}["request"] == ["sms"]
    assert [c["channel"] for c in got["channels"]] == ["email", "sms"]  # no WeCom for a resident
    assert "dispatch" not in {c["category"] for c in got["categories"]}

    put = client.put(
        url,
        {"channels": {"request": []}, "quiet_start": "21:00", "quiet_end": "08:00", "expected_version": 1},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert {c["category"]: c["channels"] for c in put.json()["categories"]}["request"] == []
    assert put.json()["quiet_start"] == "21:00:00"

    stale = client.put(url, {"channels": {}, "expected_version": 7}, content_type="application/json")
    assert stale.status_code == 409
    bad = client.put(url, {"channels": {"request": ["pigeon"]}}, content_type="application/json")
    assert bad.status_code == 400
    assert "未知的通知渠道" in bad.json()["detail"]
