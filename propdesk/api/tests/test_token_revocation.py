"""API tokens die with their owner's password or login: a changed password or a deactivated account
revokes every token of that account, and reactivating the account does not bring them back."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from propdesk.api.jobs import revoke_stale_tokens
from propdesk.api.models import ApiToken
from propdesk.api.services import api_token_create
from propdesk.core.models import Event

from .conftest import ApiClient

TICKETS = "/api/v1/tickets"


class OneRoundPBKDF2(PBKDF2PasswordHasher):
    iterations = 1


class TwoRoundPBKDF2(PBKDF2PasswordHasher):
    iterations = 2


HASHERS = "propdesk.api.tests.test_token_revocation."


def test_a_password_change_revokes_the_tokens(client, receptionist_a):
    # Given a working token
    token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    assert ApiClient(secret).get(TICKETS).status_code == 200
    # When the owner's password changes
    receptionist_a.set_password("a-new-password-2026")
    receptionist_a.save()
    # Then the token no longer authenticates
    assert ApiClient(secret).get(TICKETS).status_code == 401
    # and the token page says why
    client.force_login(receptionist_a)
    assert "已失效（密码已修改）" in client.get("/account/tokens/").content.decode()
    # and the worker records the revocation, with the reason and an event, once
    assert revoke_stale_tokens() == 1
    assert revoke_stale_tokens() == 0
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (token.revoked_reason, token.revoked_by) == (ApiToken.RevokedReason.PASSWORD_CHANGED, None)
    event = Event.objects.get(verb="api_token.revoked")
    assert event.data == {"name": "呼叫中心", "prefix": token.prefix, "reason": "password_changed"}
    assert "（密码已修改）" in client.get("/account/tokens/").content.decode()


def test_a_token_made_after_the_change_works(receptionist_a):
    api_token_create(actor=receptionist_a, name="旧令牌")
    receptionist_a.set_password("a-new-password-2026")
    receptionist_a.save()
    _token, secret = api_token_create(actor=receptionist_a, name="新令牌")
    assert ApiClient(secret).get(TICKETS).status_code == 200
    # and only the live token counts towards the limit of live tokens
    assert ApiToken.objects.live_for(receptionist_a).count() == 1


def test_deactivating_the_login_revokes_the_tokens_for_good(receptionist_a):
    token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    # When the login is deactivated
    receptionist_a.is_active = False
    receptionist_a.save(update_fields=["is_active"])
    # Then its tokens are refused, and the worker records them revoked
    assert ApiClient(secret).get(TICKETS).status_code == 401
    assert revoke_stale_tokens() == 1
    token.refresh_from_db()
    assert token.revoked_reason == ApiToken.RevokedReason.USER_DEACTIVATED
    # and reactivating the login does not bring them back
    receptionist_a.is_active = True
    receptionist_a.save(update_fields=["is_active"])
    assert ApiClient(secret).get(TICKETS).status_code == 401


def test_a_rehash_of_the_unchanged_password_at_login_keeps_the_tokens(client, receptionist_a, settings):
    # Given a password stored with a weaker hasher, and a token made with it
    settings.PASSWORD_HASHERS = [HASHERS + "OneRoundPBKDF2"]
    receptionist_a.set_password("pw-123456")
    receptionist_a.save()
    _token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    before = receptionist_a.password
    # When Django has a stronger hasher and re-hashes the password as the owner logs in
    settings.PASSWORD_HASHERS = [HASHERS + "TwoRoundPBKDF2", HASHERS + "OneRoundPBKDF2"]
    response = client.post("/login/", {"username": "reception-a", "password": "pw-123456"})
    assert response.status_code == 302
    receptionist_a.refresh_from_db()
    assert receptionist_a.password != before
    # Then the token still works: the password did not change
    assert ApiClient(secret).get(TICKETS).status_code == 200
    assert revoke_stale_tokens() == 0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_token_page_says_tokens_die_with_the_password(client, receptionist_a, language):
    client.cookies["django_language"] = language
    client.force_login(receptionist_a)
    html = client.get("/account/tokens/").content.decode()
    expected = {
        "zh-hans": "修改密码或账号被停用后，该账号的全部令牌立即失效",
        "en": "When the password is changed or the account is deactivated, all of its tokens stop working",
    }[language]
    assert expected in html
