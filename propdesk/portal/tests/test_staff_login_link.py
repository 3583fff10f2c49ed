"""The staff login page points residents to their own sign-in by SMS code."""

import pytest


@pytest.mark.django_db
def test_the_login_page_offers_residents_the_sms_code_sign_in(client):
    html = client.get("/login/?next=/portal/").content.decode()
    assert '<a href="/portal/login/?next=/portal/">业主/住户：用手机验证码登录</a>' in html
