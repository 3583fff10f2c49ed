"""Signing in with a phone number and an SMS code: 6 digits hashed at rest, 5 minutes, 5 wrong tries, at most
one code a minute and five an hour per phone and per address, never telling whether a number is registered."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.communities.models import Resident
from propdesk.notify import sms
from propdesk.notify.services import deliver_pending
from propdesk.portal import login as codes
from propdesk.portal.models import LoginCode

PHONE = "13812345678"  # 张伟, resident of household A


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def sent_code(phone: str = PHONE) -> str:
    deliver_pending()
    texts = [m.text for m in sms.outbox if m.phone == phone]
    assert texts, f"no SMS to {phone}"
    return re.search(r"\d{6}", texts[-1]).group()


def ask(client, phone=PHONE, ip="10.0.0.1"):
    return client.post(reverse("portal:send_code"), {"phone": phone}, REMOTE_ADDR=ip)


def sign_in(client, code, phone=PHONE):
    return client.post(reverse("portal:login"), {"phone": phone, "code": code})


def test_first_sign_in_creates_the_login_and_links_the_resident(world, crew, client):
    assert ask(client).status_code == 200
    code = sent_code()
    row = LoginCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    response = sign_in(client, code)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    resident = Resident.objects.get(pk=world.resident_a.pk)
    assert resident.user is not None and not resident.user.has_usable_password()
    home = client.get(reverse("portal:home")).content.decode()
    assert "张伟" in home and resident.user.username not in home
    # The code is spent.
    client.logout()
    assert sign_in(client, code).status_code == 400


def test_the_second_sign_in_uses_the_same_login(world, crew, client, clock, resident):
    ask(client)
    sign_in(client, sent_code())
    assert Resident.objects.get(pk=world.resident_a.pk).user == resident


def test_an_unknown_number_gets_the_same_answer_and_no_sms(world, crew, client):
    known = ask(client, PHONE, ip="10.0.0.1")
    unknown = ask(client, "13700000000", ip="10.0.0.2")

    def strip(response) -> str:
        page = response.content.decode().replace(PHONE, "").replace("13700000000", "")
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", page)

    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    deliver_pending()
    assert [m.phone for m in sms.outbox] == [PHONE]
    # Guessing a code for an unknown number never signs anyone in.
    row = LoginCode.objects.get(phone="13700000000")
    assert not row.sent
    assert sign_in(client, "000000", "13700000000").status_code == 400


def test_a_code_expires_after_five_minutes(world, crew, client, clock):
    ask(client)
    code = sent_code()
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    response = sign_in(client, code)
    assert response.status_code == 400 and "验证码错误或已失效" in response.content.decode()


def test_five_wrong_tries_spend_the_code(world, crew, client):
    ask(client)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert sign_in(client, wrong).status_code == 400
    assert sign_in(client, code).status_code == 400
    assert LoginCode.objects.get().attempts == 5


def test_one_code_a_minute_and_five_an_hour_per_phone(world, crew, client, clock):
    assert ask(client).status_code == 200
    refused = ask(client, ip="10.0.0.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60
    for _ in range(4):
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert ask(client, ip="10.0.0.9").status_code == 200
    clock.shift(dt.timedelta(minutes=2))
    assert ask(client, ip="10.0.0.8").status_code == 429
    clock.shift(dt.timedelta(hours=1))
    assert ask(client, ip="10.0.0.8").status_code == 200


def test_one_address_cannot_ask_for_many_numbers(world, crew, client, clock):
    assert ask(client, "13700000001").status_code == 200
    assert ask(client, "13700000002").status_code == 429
    for n in range(3, 7):
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert ask(client, f"1370000000{n}").status_code == 200
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert ask(client, "13700000009").status_code == 429


def test_only_the_latest_code_counts(world, crew, client, clock):
    ask(client)
    first = sent_code()
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    ask(client)
    second = sent_code()
    if first != second:
        assert sign_in(client, first).status_code == 400
    assert sign_in(client, second).status_code == 302


def test_a_malformed_phone_is_a_field_error(world, crew, client):
    response = ask(client, "12345")
    assert response.status_code == 400 and "11 位手机号码" in response.content.decode()
    with pytest.raises(ValidationError):
        codes.verify_code(phone="abc", code="123456")


def test_a_moved_out_resident_cannot_sign_in(world, crew, client):
    world.resident_a.is_active = False
    world.resident_a.save()
    ask(client)
    deliver_pending()
    assert sms.outbox == []


def test_the_api_signs_in_with_a_code(world, crew, client):
    response = client.post("/api/v1/portal/login/code", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 202
    again = client.post("/api/v1/portal/login/code", {"phone": PHONE}, content_type="application/json")
    assert again.status_code == 429
    wrong = client.post("/api/v1/portal/login", {"phone": PHONE, "code": "abcdef"}, content_type="application/json")
    assert wrong.status_code == 400
    body = client.post(
        "/api/v1/portal/login", {"phone": PHONE, "code": sent_code()}, content_type="application/json"
    ).json()
    assert body["name"] == "张伟" and body["households"][0]["id"] == world.household_a.pk
    assert client.get("/api/v1/portal/me").json()["name"] == "张伟"


def test_sign_in_returns_to_the_page_asked_for(world, crew, client):
    client.post(reverse("portal:send_code"), {"phone": PHONE, "next": reverse("portal:new")})
    response = client.post(
        reverse("portal:login"), {"phone": PHONE, "code": sent_code(), "next": reverse("portal:new")}
    )
    assert response.url == reverse("portal:new")
