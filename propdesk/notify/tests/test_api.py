"""The in-app inbox over the API: my messages (unread filter, pages), the unread count, mark one or all read."""

import datetime as dt

import pytest
from django.utils import timezone

from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.notify.models import Channel, Notification
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import staff_user

NOTIFICATIONS = "/api/v1/notifications"
MORNING = shanghai_time(2026, 11, 18, 9)


@pytest.fixture
def clock_start():
    return MORNING


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def alice(world):
    return staff_user("alice", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def bob(world):
    return staff_user("bob", Role.RECEPTIONIST, center=world.center_b)


def send(clock, user, subject: str, minutes: int, **kwargs) -> Notification:
    """An in-app message to ``user`` sent ``minutes`` after 09:00."""
    clock.move_to(MORNING + dt.timedelta(minutes=minutes))
    message = Message(kind=kwargs.pop("kind", "sla.warn"), subject=subject, **kwargs)
    (created,) = [
        n for n in notify(recipients=[user], message=message, dedupe=f"test:{subject}") if n.channel == "inapp"
    ]
    return created


def test_list_my_messages_newest_first(clock, alice, bob):
    # given
    first = send(clock, alice, "即将超时：ZX-20261118-0001", 0, body="咨询停车月卡办理", url="/tickets/1/")
    second = send(clock, alice, "已超时（第 2 级）：ZX-20261118-0001", 30, kind="sla.due")
    send(clock, bob, "别人的消息", 40)

    # when
    response = bearer(alice).get(NOTIFICATIONS)

    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "count_exact": True,
        "items": [
            {
                "id": second.pk,
                "kind": "sla.due",
                "subject": "已超时（第 2 级）：ZX-20261118-0001",
                "body": "",
                "url": "",
                "created_at": "2026-11-18T09:30:00+08:00",
                "read": False,
                "read_at": None,
            },
            {
                "id": first.pk,
                "kind": "sla.warn",
                "subject": "即将超时：ZX-20261118-0001",
                "body": "咨询停车月卡办理",
                "url": "/tickets/1/",
                "created_at": "2026-11-18T09:00:00+08:00",
                "read": False,
                "read_at": None,
            },
        ],
    }


def test_the_unread_filter_and_pages(clock, alice):
    # given five messages, the oldest two read
    sent = [send(clock, alice, f"消息{i}", i) for i in range(5)]
    Notification.objects.filter(pk__in=[sent[0].pk, sent[1].pk]).update(read_at=timezone.now())
    api = bearer(alice)

    def ids(**params):
        response = api.get(NOTIFICATIONS, params)
        assert response.status_code == 200, response.content
        return [n["id"] for n in response.json()["items"]]

    # then
    assert ids(unread="true") == [sent[4].pk, sent[3].pk, sent[2].pk]
    assert ids(unread="false") == [sent[1].pk, sent[0].pk]
    assert ids(limit=2, offset=1) == [sent[3].pk, sent[2].pk]
    assert api.get(NOTIFICATIONS, {"limit": 0}).status_code == 422


def test_only_in_app_messages_are_listed(clock, alice):
    # given an email-only row (the outbox also holds email and gateway messages)
    send(clock, alice, "站内", 0)
    Notification.objects.create(recipient=alice, channel=Channel.EMAIL, dedupe_key="mail:1", kind="x", subject="邮件")

    # then
    body = bearer(alice).get(NOTIFICATIONS).json()
    assert [n["subject"] for n in body["items"]] == ["站内"]


def test_list_query_count_does_not_depend_on_page_size(clock, alice, django_assert_num_queries):
    # given
    for i in range(6):
        send(clock, alice, f"消息{i}", i)
    api = bearer(alice)
    assert api.get(NOTIFICATIONS).status_code == 200  # token's last_used_at is written once

    # when / then: token, count, page
    with django_assert_num_queries(3):
        small = api.get(NOTIFICATIONS, {"limit": 1})
    with django_assert_num_queries(3):
        large = api.get(NOTIFICATIONS, {"limit": 50})
    assert (len(small.json()["items"]), len(large.json()["items"])) == (1, 6)


def test_unread_count(clock, alice, bob):
    # given
    send(clock, alice, "一", 0)
    read = send(clock, alice, "二", 1)
    send(clock, alice, "三", 2)
    send(clock, bob, "别人的", 3)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    # when
    response = bearer(alice).get(f"{NOTIFICATIONS}/unread-count")

    # then
    assert response.status_code == 200
    assert response.json() == {"unread": 2}


def test_mark_one_read(clock, alice):
    # given
    message = send(clock, alice, "即将超时", 0)
    other = send(clock, alice, "另一条", 1)
    clock.move_to(MORNING + dt.timedelta(hours=1))

    # when
    response = bearer(alice).post(f"{NOTIFICATIONS}/{message.pk}/read")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["read"], body["read_at"]) == (message.pk, True, "2026-11-18T10:00:00+08:00")
    message.refresh_from_db()
    other.refresh_from_db()
    assert (message.read_at, other.read_at) == (MORNING + dt.timedelta(hours=1), None)


def test_marking_a_read_message_again_keeps_its_time(clock, alice):
    # given
    message = send(clock, alice, "即将超时", 0)
    api = bearer(alice)
    api.post(f"{NOTIFICATIONS}/{message.pk}/read")
    clock.move_to(MORNING + dt.timedelta(hours=2))

    # when
    response = api.post(f"{NOTIFICATIONS}/{message.pk}/read")

    # then
    assert response.status_code == 200
    assert response.json()["read_at"] == "2026-11-18T09:00:00+08:00"


def test_someone_elses_message_is_404_and_stays_unread(clock, alice, bob):
    # given
    message = send(clock, bob, "别人的消息", 0)

    # when
    response = bearer(alice).post(f"{NOTIFICATIONS}/{message.pk}/read")

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在或您无权查看", "errors": []}
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read(clock, alice, bob):
    # given
    mine = [send(clock, alice, f"消息{i}", i) for i in range(3)]
    Notification.objects.filter(pk=mine[0].pk).update(read_at=MORNING)
    theirs = send(clock, bob, "别人的", 5)
    clock.move_to(MORNING + dt.timedelta(hours=1))

    # when
    response = bearer(alice).post(f"{NOTIFICATIONS}/read-all")

    # then
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    read_at = dict(Notification.objects.values_list("pk", "read_at"))
    assert [read_at[n.pk] for n in mine] == [MORNING, MORNING + dt.timedelta(hours=1), MORNING + dt.timedelta(hours=1)]
    assert read_at[theirs.pk] is None
    assert bearer(alice).get(f"{NOTIFICATIONS}/unread-count").json() == {"unread": 0}


def test_the_inbox_needs_a_login(db):
    # then
    assert ApiClient().get(NOTIFICATIONS).status_code == 401
    assert ApiClient("wrong").post(f"{NOTIFICATIONS}/read-all").status_code == 401
