"""Authentication: bearer tokens and the browser session (with CSRF); token services and the token page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from propdesk.api.auth import hash_secret
from propdesk.api.models import ApiToken
from propdesk.api.services import api_token_create, api_token_revoke
from propdesk.core.models import Event
from propdesk.org.choices import Role
from propdesk.testing.factories import UserFactory, staff_user

from .conftest import ApiClient

TICKETS = "/api/v1/tickets"


def assert_error_body(response, status):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body


# --- bearer tokens -------------------------------------------------------------------------------------


def test_no_credentials_is_401_with_the_error_body(client, world):
    # when
    response = client.get(TICKETS)

    # then
    body = assert_error_body(response, 401)
    assert body == {"detail": "未登录，或接口令牌无效、已吊销", "errors": []}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", "Bearer " + "x" * 500])
def test_a_bad_token_is_401(world, header):
    # given
    client = Client(headers={"Authorization": header})

    # when
    response = client.get(TICKETS)

    # then
    assert_error_body(response, 401)


def test_a_valid_token_authenticates_and_records_its_use(receptionist_a):
    # given
    token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    assert token.last_used_at is None

    # when
    response = ApiClient(secret).get(TICKETS)

    # then
    assert response.status_code == 200
    assert response.json() == {"count": 0, "count_exact": True, "items": [], "next": None}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_401(receptionist_a):
    # given
    token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    api_token_revoke(actor=receptionist_a, token=token)

    # when
    response = ApiClient(secret).get(TICKETS)

    # then
    assert_error_body(response, 401)


def test_the_token_of_a_disabled_login_is_401(receptionist_a):
    # given
    _token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    receptionist_a.is_active = False
    receptionist_a.save(update_fields=["is_active"])

    # when
    response = ApiClient(secret).get(TICKETS)

    # then
    assert_error_body(response, 401)


def test_a_bad_token_is_401_even_with_a_valid_session(client, receptionist_a):
    """Explicit credentials decide alone: a broken integration must not silently act as the browser user."""
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(TICKETS, headers={"Authorization": "Bearer wrong"})

    # then
    assert_error_body(response, 401)


# --- the browser session ---------------------------------------------------------------------------------


def test_the_session_authenticates_reads(client, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.get(TICKETS)

    # then
    assert response.status_code == 200


def test_a_session_write_needs_the_csrf_token(world, receptionist_a):
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(receptionist_a)
    body = {
        "kind": "consultation",
        "content": "物业费怎么交？",
        "channel": "visit",
        "community_id": world.community_a.pk,
    }

    # when
    refused = client.post(TICKETS, body, content_type="application/json")

    # then
    assert_error_body(refused, 403)
    assert refused.json()["detail"] == "CSRF 校验失败，请刷新页面后重试"

    # when: the page's CSRF token is sent back in the header, as the docs page and htmx do
    client.get("/account/tokens/")
    accepted = client.post(
        TICKETS, body, content_type="application/json", headers={"X-CSRFToken": client.cookies["csrftoken"].value}
    )

    # then
    assert accepted.status_code == 201


def test_a_token_write_needs_no_csrf_token(world, receptionist_a):
    # given
    _token, secret = api_token_create(actor=receptionist_a, name="呼叫中心")
    client = ApiClient(secret, enforce_csrf_checks=True)

    # when
    response = client.post(
        TICKETS,
        {"kind": "consultation", "content": "停车怎么办卡？", "channel": "phone", "community_id": world.community_a.pk},
    )

    # then
    assert response.status_code == 201


# --- token services -------------------------------------------------------------------------------------------


def test_token_create_keeps_only_the_hash_and_records_an_event(receptionist_a):
    # when
    token, secret = api_token_create(actor=receptionist_a, name="  呼叫中心  ")

    # then
    assert len(secret) >= 40
    assert token.name == "呼叫中心"
    assert token.prefix == secret[:8]
    assert token.key_hash == hash_secret(secret)
    assert secret not in {token.key_hash, token.name, token.prefix}
    event = Event.objects.get(target_type=ContentType.objects.get_for_model(ApiToken), target_id=str(token.pk))
    assert (event.verb, event.actor, event.data) == (
        "api_token.created",
        receptionist_a,
        {"name": "呼叫中心", "prefix": token.prefix},
    )


def test_residents_cannot_create_tokens(resident_user):
    # when / then
    with pytest.raises(PermissionDenied):
        api_token_create(actor=resident_user, name="我的脚本")
    assert not ApiToken.objects.exists()


def test_token_create_needs_a_name(receptionist_a):
    # when / then
    with pytest.raises(ValidationError) as excinfo:
        api_token_create(actor=receptionist_a, name="   ")
    assert excinfo.value.message_dict == {"name": ["请填写令牌名称（用途）"]}
    assert not ApiToken.objects.exists()


def test_only_the_owner_or_a_superuser_may_revoke(world, receptionist_a, receptionist_b):
    # given
    token, _secret = api_token_create(actor=receptionist_a, name="呼叫中心")

    # when / then: someone else is refused and nothing changes
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=receptionist_b, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None

    # when: a superuser revokes it
    admin = UserFactory(username="root", is_superuser=True)
    api_token_revoke(actor=admin, token=token)

    # then
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == admin
    assert Event.objects.filter(verb="api_token.revoked", actor=admin, target_id=str(token.pk)).count() == 1


# --- the token page --------------------------------------------------------------------------------------


def test_the_token_page_needs_a_login(client, db):
    # when
    response = client.get("/account/tokens/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/tokens/"


def test_residents_may_not_open_the_token_page(client, resident_user):
    # given
    client.force_login(resident_user)

    # when
    response = client.get("/account/tokens/")

    # then
    assert response.status_code == 403


def test_the_token_page_creates_shows_the_secret_once_and_revokes(client, receptionist_a, receptionist_b):
    # given
    api_token_create(actor=receptionist_b, name="别人的令牌")
    client.force_login(receptionist_a)

    # when: create
    created = client.post("/account/tokens/", {"action": "create", "name": "呼叫中心对接"})

    # then: the secret is on this response only, and it works
    assert created.status_code == 200
    assert created["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=receptionist_a)
    secret = created.context["secret"]
    assert token.key_hash == hash_secret(secret)
    assert secret in created.content.decode()
    assert ApiClient(secret).get(TICKETS).status_code == 200

    # when: the list is shown again
    listed = client.get("/account/tokens/")

    # then: my token is listed by its prefix, the secret is not shown, other people's tokens are not listed
    html = listed.content.decode()
    assert "呼叫中心对接" in html
    assert f"{token.prefix}…" in html
    assert secret not in html
    assert "别人的令牌" not in html

    # when: revoke
    revoked = client.post("/account/tokens/", {"action": "revoke", "token": token.pk})

    # then
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == receptionist_a
    assert ApiClient(secret).get(TICKETS).status_code == 401


def test_the_token_page_cannot_revoke_someone_elses_token(client, receptionist_a, receptionist_b):
    # given
    other, _secret = api_token_create(actor=receptionist_b, name="别人的令牌")
    client.force_login(receptionist_a)

    # when
    response = client.post("/account/tokens/", {"action": "revoke", "token": other.pk})

    # then
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_token_page_reports_a_missing_name(client, receptionist_a):
    # given
    client.force_login(receptionist_a)

    # when
    response = client.post("/account/tokens/", {"action": "create", "name": ""})

    # then
    assert response.status_code == 200
    assert response.context["secret"] is None
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_technician_may_create_a_token(client, world):
    """Field staff are staff: they may script against their own jobs."""
    # given
    technician = staff_user("tech-x", Role.TECHNICIAN, center=world.center_a)
    client.force_login(technician)

    # when
    response = client.post("/account/tokens/", {"action": "create", "name": "手机助手"})

    # then
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=technician).count() == 1
