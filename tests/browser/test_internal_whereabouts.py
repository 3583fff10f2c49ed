"""Going out on a phone (390 px): a technician posts "going out" from "my day" in one action, and the
dispatcher's board then shows them unavailable with the reason; back in one action, they are available again.
All under the Content-Security-Policy. ``PROPDESK_SCREENSHOTS=<folder>`` saves the pages at 390 and 1280 px
there (internal_*.png)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from propdesk.dispatch.services import duty_update
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory, build_world, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def crew(transactional_db):
    world = build_world()
    center = world.center_a
    control = DepartmentFactory(service_center=center, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")
    engineering = DepartmentFactory(service_center=center, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    staff_user("operator1", Role.CONTROL_OPERATOR, center=center, department=control)
    staff_user("deptmanager1", Role.DEPARTMENT_MANAGER, center=center, department=engineering)
    tech = staff_user("tech1", Role.TECHNICIAN, center=center, department=engineering)
    profile = tech.staff_profile
    profile.name = "王师傅"
    profile.phone = "13900001111"
    profile.save()
    duty_update(actor=tech, user=tech, kind="check_in")
    return world


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"internal_{name}.png", full_page=True)


def _staff_row(page):
    return page.locator(".staff-status tr", has_text="王师傅")


def test_a_technician_goes_out_on_a_phone_and_the_board_shows_them_unavailable(crew, login, live_server):
    phone = login("tech1", viewport=(390, 844))
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.goto(f"{live_server.url}/internal/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "my_day_390")
    back = timezone.localtime() + dt.timedelta(hours=1)
    phone.fill("#id_reason", "采购配件")
    phone.fill("#id_place", "五金市场")
    phone.fill("#id_expected_back", f"{back:%H:%M}")
    phone.click("#outing-submit")
    phone.wait_for_selector("#back-button")
    assert "五金市场" in phone.locator("#whereabouts").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "my_day_out_390")

    board = login("operator1", viewport=(1280, 900))
    board.goto(f"{live_server.url}/dispatch/")
    row = _staff_row(board)
    row.wait_for()
    assert f"外出（五金市场，预计 {back:%H:%M} 返回），不可派单" in row.inner_text()
    _shot(board, "board_1280")

    phone.click("#back-button")
    phone.wait_for_selector("#outing-submit")
    board.reload()
    assert "不可派单" not in _staff_row(board).inner_text()
    assert phone.evaluate("window.__csp") == []
