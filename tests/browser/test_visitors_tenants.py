"""Tenant registration on a phone (390 px): the front desk marks a household let (rate 0 %), registers the tenant
with the lease (rate 100 %, the number masked), and the pages of the watch list, the gate-duty roster and the
invitation with its QR code fit 390 px under the Content-Security-Policy. ``PROPDESK_SCREENSHOTS=<folder>``
saves each page at 390 and 1280 px there (v_*.png)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user
from propdesk.visitors import services
from propdesk.visitors.models import TenantRegistration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def scene(transactional_db):
    world = build_world()
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    manager = staff_user("secmgr1", Role.SECURITY_MANAGER, center=world.center_a)
    guard = staff_user("guard1", Role.SECURITY_GUARD, center=world.center_a)
    today = timezone.localdate()
    services.roster_add(
        actor=manager, community=world.community_a, day=today + dt.timedelta(days=1), slot="morning", user=guard
    )
    services.watch_add(
        actor=manager,
        service_center=world.center_a,
        kind="plate",
        plate="粤B99999",
        reason="多次夜间停放消防通道",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    invitation = services.invite(
        actor=guard,
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        valid_from=timezone.now(),
        valid_until=timezone.now() + dt.timedelta(hours=3),
    )
    return world, invitation


def _shot(page, name: str) -> None:
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        width = page.viewport_size["width"]
        page.screenshot(path=Path(folder) / f"v_{name}_{width}.png", full_page=True)


def test_the_desk_registers_a_tenant_on_a_phone(scene, login, live_server):
    world, _invitation = scene
    phone = login("desk1", viewport=(390, 844))
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.goto(f"{live_server.url}/visitors/tenants/")
    phone.click("#lettings summary")
    phone.fill("#l_room", "3-2-1202")
    phone.click("#lettings button[type=submit] >> nth=0")
    phone.wait_for_selector("text=已将 3栋2单元1202 登记为出租户")
    assert "0.0 %" in phone.locator("#rates").inner_text()
    assert "3栋2单元1202" in phone.locator("#unregistered").inner_text()

    phone.click("#register-tenant summary")
    phone.fill("#t_room", "3-2-1202")
    phone.fill("#t_name", "周杰")
    phone.fill("#t_id_number", "440308199901011234")
    phone.fill("#t_phone", "13912345678")
    today = timezone.localdate()
    phone.fill("#t_lease_start", (today - dt.timedelta(days=30)).isoformat())
    phone.fill("#t_lease_end", (today + dt.timedelta(days=335)).isoformat())
    phone.click("#register-tenant button.primary")
    phone.wait_for_selector("text=已登记 3栋2单元1202 租户 周杰")
    assert "100.0 %" in phone.locator("#rates").inner_text()
    current = phone.locator("#current").inner_text()
    assert "4403**********1234" in current and "139****5678" in current and "13912345678" not in current
    assert TenantRegistration.objects.get().household == world.household_a
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "tenants")
    assert phone.evaluate("window.__csp") == []


@pytest.mark.parametrize(
    ("user", "path", "name"),
    [
        ("secmgr1", "/visitors/watch/", "watch"),
        ("secmgr1", "/visitors/duty/", "duty"),
        ("guard1", "/visitors/invitations/{pk}/", "invitation"),
        ("guard1", "/visitors/invitations/{pk}/print/", "invitation_print"),
    ],
)
def test_the_new_pages_fit_a_phone_and_a_desktop(scene, login, live_server, user, path, name):
    _world, invitation = scene
    for width in (390, 1280):
        page = login(user, viewport=(width, 900))
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(f"{live_server.url}{path.format(pk=invitation.pk)}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name.startswith("invitation"):
            assert page.locator("#invitation-code").inner_text() == invitation.code
            box = page.locator("#invitation-qr svg").bounding_box()
            assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 2
        _shot(page, name)
        assert page.evaluate("window.__csp") == []
