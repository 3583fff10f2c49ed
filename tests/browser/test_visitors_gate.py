"""The gate on a phone (390 px): a guard checks in an invited visitor with the one-time code, sees them among
the visitors inside, and checks them out; the reused code is then refused. All under the
Content-Security-Policy (no inline script or style). ``PROPDESK_SCREENSHOTS=<folder>`` saves the gate at 390
and 1280 px there (v_gate_*.png)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user
from propdesk.visitors import services
from propdesk.visitors.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def invited(transactional_db):
    world = build_world()
    guard = staff_user("guard1", Role.SECURITY_GUARD, center=world.center_a)
    services.check_in(
        actor=guard,
        community=world.community_a,
        visitor_name="陈师傅",
        document_type="id_card",
        id_number="440308199901011234",
        purpose="contractor",
        room="3-2-1202",
        area="3栋2单元",
        plate="粤B12345",
    )
    now = timezone.now()
    return services.invite(
        actor=guard,
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        phone="13700001111",
        people=2,
        valid_from=now - dt.timedelta(minutes=10),
        valid_until=now + dt.timedelta(hours=3),
    )


def _screenshots(page, live_server, login, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if not folder:
        return
    page.screenshot(path=Path(folder) / f"v_{name}_390.png", full_page=True)
    wide = login("guard1", viewport=(1280, 900))
    wide.goto(f"{live_server.url}/visitors/")
    wide.screenshot(path=Path(folder) / f"v_{name}_1280.png", full_page=True)


def test_a_guard_checks_an_invited_visitor_in_with_the_code_and_out(invited, login, live_server):
    phone = login("guard1", viewport=(390, 844))
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.goto(f"{live_server.url}/visitors/")
    assert "刘洋" in phone.locator("#expected").inner_text()
    _screenshots(phone, live_server, login, "gate_before")

    # the page fits the phone: nothing wider than the viewport
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.fill("#id_code", invited.code)
    phone.click("#code-submit")
    phone.wait_for_selector("text=刘洋 凭邀请码进入，受访 3栋2单元1202")
    card = phone.locator("#inside article.visit-card", has_text="刘洋")
    assert "预约" in card.inner_text() and "2 人" in card.inner_text()
    assert "刘洋" not in phone.locator("#expected").inner_text()
    _screenshots(phone, live_server, login, "gate_inside")

    phone.once("dialog", lambda dialog: dialog.accept())
    card.locator("button.checkout").click()
    phone.wait_for_selector("text=已登记 刘洋 离开")
    assert phone.locator("#inside article.visit-card", has_text="刘洋").count() == 0
    visit = Visit.objects.get(invitation=invited)
    assert visit.checked_out_at is not None and visit.host_confirmed

    # the same code a second time is refused, in Chinese, and nothing is written
    phone.fill("#id_code", invited.code)
    phone.click("#code-submit")
    phone.wait_for_selector("text=不能重复使用")
    assert Visit.objects.filter(invitation=invited).count() == 1

    # a walk-in with a mistyped identity number: the form comes back open, saying what is wrong
    phone.click("#check-in summary")
    phone.fill("#id_visitor_name", "王强")
    phone.fill("#id_id_number", "440308199901011238")
    phone.fill("#id_room", "3-2-1202")
    phone.click("#check-in button.primary")
    phone.wait_for_selector("text=身份证号码校验位不正确，请核对")
    assert phone.input_value("#id_visitor_name") == "王强"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        phone.locator("#check-in").screenshot(path=Path(folder) / "v_gate_form_error_390.png")
    assert phone.evaluate("window.__csp") == []
