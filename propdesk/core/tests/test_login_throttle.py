"""Login throttling (django-axes): lockout by login name and by address, the message, the audit trail."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.utils import timezone

from propdesk.core.models import Event
from propdesk.testing.factories import UserFactory

PASSWORD = "pw-123456"
LOCKED_ZH = "登录失败次数过多，该账号或本机地址已被暂时锁定。请 15 分钟后再试，或请系统管理员解锁。"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def attempt(client, username, password="wrong-password", address="10.0.0.1", **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_login_with_a_clear_message(client, alice):
    # Given four failed attempts: the usual "wrong password" page
    for _ in range(4):
        response = attempt(client, "alice")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    # When the fifth fails too
    response = attempt(client, "alice")
    # Then the login is locked, said in Chinese, with 429 and Retry-After
    assert response.status_code == 429
    assert LOCKED_ZH in response.content.decode()
    assert response["Retry-After"] == "900"
    # and even the right password is refused now, from another address too
    response = attempt(client, "alice", PASSWORD, address="10.0.0.2")
    assert response.status_code == 429
    assert not logged_in(client)
    # and every attempt is in axes' failure log, the lockout once on the login's history
    assert AccessFailureLog.objects.filter(username="alice").count() == 6
    assert AccessFailureLog.objects.filter(username="alice", locked_out=True).count() == 2
    event = Event.objects.get(verb="auth.locked_out")
    assert (event.target_id, event.data) == (str(alice.pk), {"ip_address": "10.0.0.1", "failures": 5, "minutes": 15})


def test_one_address_trying_many_logins_is_locked(client, alice):
    for n in range(5):
        attempt(client, f"guess-{n}", address="10.0.0.9")
    # the address is locked, even for a right password
    assert attempt(client, "alice", PASSWORD, address="10.0.0.9").status_code == 429
    assert not logged_in(client)
    # while alice can log in from elsewhere
    response = attempt(client, "alice", PASSWORD, address="10.0.0.10")
    assert response.status_code == 302
    assert logged_in(client)
    assert AccessLog.objects.filter(username="alice", ip_address="10.0.0.10").count() == 1


def test_the_lock_ends_after_the_cool_off(client, alice):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(5):
            attempt(client, "alice")
        assert attempt(client, "alice", PASSWORD).status_code == 429
    with time_machine.travel(now + dt.timedelta(minutes=16), tick=False):
        assert attempt(client, "alice", PASSWORD).status_code == 302
        assert logged_in(client)


def test_a_success_before_the_limit_resets_the_count(client, alice):
    for _ in range(4):
        attempt(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "alice").status_code == 200


def test_the_limit_is_configurable(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert attempt(client, "alice").status_code == 200
    assert attempt(client, "alice").status_code == 429


def test_the_lockout_message_follows_the_chosen_language(client, alice):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = attempt(client, "alice")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_the_address_comes_from_the_trusted_proxy_header(client, alice, settings):
    settings.PROPDESK_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    # Behind the proxy (127.0.0.1), five failures from one client address...
    for _ in range(5):
        attempt(client, f"x{_}", address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert AccessFailureLog.objects.filter(ip_address="203.0.113.5").count() == 5
    # ...lock that address, not the proxy: another client behind the same proxy logs in
    locked = attempt(client, "alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    other = attempt(client, "alice", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


def test_test_client_logins_are_not_throttled(client, alice):
    # client.login() authenticates without a request: nothing to count by, so nothing is refused
    for _ in range(6):
        assert client.login(username="alice", password="wrong") is False
    assert client.login(username="alice", password=PASSWORD) is True
    assert get_user_model().objects.get(username="alice").is_active
