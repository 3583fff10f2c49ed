"""Bad bearer tokens are throttled per address like failed logins: 429 in the API's error body."""

from axes.models import AccessFailureLog

from .conftest import ApiClient, bearer

TICKETS = "/api/v1/tickets"


def bad(address="10.0.0.1", **extra):
    return ApiClient("not-a-token", REMOTE_ADDR=address).get(TICKETS, **extra)


def test_repeated_bad_tokens_from_one_address_get_429(receptionist_a):
    # Given four bad tokens from one address: 401 each
    for _ in range(4):
        assert bad().status_code == 401
    # When the fifth comes
    response = bad()
    # Then the address is locked: 429, in the API's error body, with Retry-After
    assert response.status_code == 429
    assert response.json() == {"detail": "接口令牌错误次数过多，该地址已被暂时锁定，请 15 分钟后再试", "errors": []}
    assert response["Retry-After"] == "900"
    assert response["Content-Type"].startswith("application/json")
    # and stays so for the next bad tokens
    assert bad().status_code == 429
    # while another address still gets the plain 401
    assert bad(address="10.0.0.2").status_code == 401
    # and the bad tokens up to the lockout are in the failure log, by address, without the token
    assert AccessFailureLog.objects.filter(ip_address="10.0.0.1").count() == 5
    assert not AccessFailureLog.objects.filter(username__contains="not-a-token").exists()


def test_a_valid_token_from_a_locked_address_still_works(receptionist_a):
    for _ in range(5):
        bad()
    assert bad().status_code == 429
    # a valid token is never refused by the throttle (an integration behind the same address keeps working)
    valid = bearer(receptionist_a)
    assert valid.get(TICKETS, REMOTE_ADDR="10.0.0.1").status_code == 200


def test_the_message_follows_accept_language(receptionist_a):
    for _ in range(5):
        response = bad(HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many invalid API tokens from this address")


def test_bad_tokens_count_towards_the_address_lockout_of_the_login_page(client, receptionist_a):
    for _ in range(5):
        bad()
    response = client.post("/login/", {"username": "reception-a", "password": "pw-123456"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
