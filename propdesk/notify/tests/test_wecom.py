"""WeCom for staff against a local imitation of qyapi.weixin.qq.com: application messages (gettoken, a
cached token, a revoked token fetched again once) and the group robot's webhook (mention by mobile)."""

import pytest
from django.core.cache import cache

from propdesk.notify import limits
from propdesk.notify.models import Notification
from propdesk.notify.services import Message, deliver_pending, notify
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import staff_user

from .imitations import WecomImitation

NOW = shanghai_time(2026, 11, 22, 10)
ASSIGNED = Message(kind="dispatch.assigned", subject="派工：3栋2单元1202 厨房漏水", url="/dispatch/7/", urgent=True)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def wecom(settings):
    cache.clear()
    limits.reset()
    with WecomImitation() as api:
        settings.PROPDESK_NOTIFY_EMAIL = False
        settings.PROPDESK_WEBHOOK_URL = ""
        settings.PROPDESK_NOTIFY_RATE_LIMITS = {}
        settings.PROPDESK_BASE_URL = "https://desk.example.com"
        settings.PROPDESK_WECOM_BACKEND = "app"
        settings.WECOM_API_BASE = f"{api.base}/cgi-bin/"
        settings.WECOM_CORP_ID = api.corp_id
        settings.WECOM_AGENT_ID = "1000002"
        settings.WECOM_AGENT_SECRET = api.secret
        settings.WECOM_ROBOT_URL = f"{api.base}/cgi-bin/webhook/send?key={api.robot_key}"
        yield api
    cache.clear()


@pytest.fixture
def wang(world):
    user = staff_user("wang.tech", Role.TECHNICIAN, center=world.center_a)
    user.staff_profile.phone = "13800000003"
    user.staff_profile.save(update_fields=["phone"])
    return user


def paths(api):
    return [seen.path for seen in api.seen]


def test_an_application_message_reaches_the_person_with_one_token_for_many_messages(wecom, wang):
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    notify(recipients=[wang], message=ASSIGNED, dedupe="d2")

    assert deliver_pending() == 2

    assert paths(wecom) == ["/cgi-bin/gettoken", "/cgi-bin/message/send", "/cgi-bin/message/send"]
    send = wecom.seen[1]
    assert send.query["access_token"] == "token-1"
    body = send.json()
    assert (body["touser"], body["agentid"], body["msgtype"]) == ("wang.tech", 1000002, "text")
    assert body["text"]["content"] == "派工：3栋2单元1202 厨房漏水 https://desk.example.com/dispatch/7/"
    assert body["enable_duplicate_check"] == 1
    assert list(Notification.objects.filter(channel="wecom").order_by("id").values_list("state", "provider_ref")) == [
        ("sent", "msg-2"),
        ("sent", "msg-3"),
    ]


def test_a_revoked_token_is_fetched_again_once(wecom, wang):
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    deliver_pending()
    wecom.revoke_tokens()

    notify(recipients=[wang], message=ASSIGNED, dedupe="d2")
    deliver_pending()

    assert paths(wecom)[2:] == ["/cgi-bin/message/send", "/cgi-bin/gettoken", "/cgi-bin/message/send"]
    assert wecom.seen[-1].query["access_token"] == "token-2"
    assert set(Notification.objects.filter(channel="wecom").values_list("state", flat=True)) == {"sent"}


def test_a_wrong_secret_is_given_up_clearly(wecom, wang, settings):
    settings.WECOM_AGENT_SECRET = "wrong"
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    deliver_pending()
    row = Notification.objects.get(channel="wecom")
    assert (row.state, row.attempts) == ("dead", 1)
    assert row.last_error == "DeliveryError: WeCom gettoken 40001: invalid credential"


def test_a_busy_wecom_is_retried(wecom, wang, clock):
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    wecom.answers.append((200, {"errcode": -1, "errmsg": "system busy"}))
    deliver_pending()
    row = Notification.objects.get(channel="wecom")
    assert (row.state, row.attempts) == ("pending", 1)
    clock.move_to(row.next_attempt_at)
    deliver_pending()
    row.refresh_from_db()
    assert row.state == "sent"


def test_the_group_robot_mentions_the_person_by_mobile(wecom, wang, settings):
    settings.PROPDESK_WECOM_BACKEND = "robot"
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    deliver_pending()
    (seen,) = wecom.seen
    assert (seen.path, seen.query) == ("/cgi-bin/webhook/send", {"key": "robot-key"})
    assert seen.json() == {
        "msgtype": "text",
        "text": {
            "content": "派工：3栋2单元1202 厨房漏水 https://desk.example.com/dispatch/7/",
            "mentioned_mobile_list": ["13800000003"],
        },
    }


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((200, {"errcode": 45009, "errmsg": "api freq out of limit"}), "pending"),
        ((200, {"errcode": 93000, "errmsg": "invalid webhook url"}), "dead"),
    ],
)
def test_the_group_robot_errors(wecom, wang, settings, answer, expected):
    settings.PROPDESK_WECOM_BACKEND = "robot"
    wecom.answers.append(answer)
    notify(recipients=[wang], message=ASSIGNED, dedupe="d1")
    deliver_pending()
    row = Notification.objects.get(channel="wecom")
    assert row.state == expected
    assert str(answer[1]["errcode"]) in row.last_error


def test_residents_never_get_wecom(wecom, resident_user_a):
    notify(recipients=[resident_user_a], message=ASSIGNED, dedupe="d1")
    assert not Notification.objects.filter(channel="wecom").exists()
