"""The control center's broadcast panel, a warning's acknowledgements and the public board, at 390 and 1280 px:
a new broadcast task appears on the open panel by itself (and the page marks it for the tone), the operator
records it done; a manager acknowledges a warning in one tap; the public board fits a phone without login.
``PROPDESK_SCREENSHOTS=<folder>`` saves the pages there (ntc_*.png)."""

import os
from pathlib import Path

import pytest

from propdesk.demo.seal import give_seal
from propdesk.notices import services
from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    give_seal(world.center_a)
    world.company.hotline = "400-800-1234"
    world.company.save(update_fields=["hotline"])
    staff_user("op1", Role.CONTROL_OPERATOR, center=world.center_a)
    staff_user("boss1", Role.CENTER_MANAGER, center=world.center_a)
    staff_user("cs1", Role.CS_SUPERVISOR, center=world.center_a)
    return world


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"ntc_{name}.png", full_page=True)


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_new_task_appears_on_the_open_panel_and_is_recorded_done(world, login, live_server):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.get(username="op1")
    page = login("op1", viewport=(390, 844))
    page.goto(f"{live_server.url}/notices/broadcasts/")
    page.wait_for_selector("#no-open-tasks")
    page.click("#sound-on")
    services.warning_enter(actor=operator, service_center=world.center_a, hazard="typhoon", level=3)
    page.wait_for_selector(".nt-task.open", timeout=15_000)
    assert page.evaluate("document.body.dataset.newTask") == "1"
    _fits(page, 390)
    _shot(page, "broadcasts_390")
    page.check(".nt-task.open input[value=loudspeaker]")
    page.check(".nt-task.open input[value=im_group]")
    page.click(".nt-task.open button.primary")
    page.wait_for_selector("#no-open-tasks")
    assert "小区广播、业主微信群" in page.inner_text("#task-list")


def test_acknowledge_in_one_tap_and_the_pending_list(world, login, live_server):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.get(username="op1")
    warning = services.warning_enter(actor=operator, service_center=world.center_a, hazard="rainstorm", level=2)
    page = login("boss1")
    page.goto(f"{live_server.url}/notices/warnings/{warning.pk}/")
    page.click("#ack-button")
    page.wait_for_selector("text=已确认收到预警")
    assert "boss1" not in page.inner_text("#pending-acks") and "cs1" in page.inner_text("#pending-acks")
    _shot(page, "warning_1280")
    phone = login("op1", viewport=(390, 844))
    phone.goto(f"{live_server.url}/notices/warnings/")
    _fits(phone, 390)
    _shot(phone, "warnings_390")


def test_the_public_board_on_a_phone(world, browser, live_server, login):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/notices/board/{world.community_a.code}/")
    assert "400-800-1234" in page.inner_text("#board-contacts")
    assert "cs1" in page.inner_text("#board-contacts")
    _fits(page, 390)
    _shot(page, "board_390")
    page.close()
    wide = login("cs1")
    wide.goto(f"{live_server.url}/notices/new/")
    _shot(wide, "editor_empty_1280")
    narrow = login("cs1", viewport=(390, 844))
    narrow.goto(f"{live_server.url}/notices/new/?kind=outage_planned")
    _fits(narrow, 390)
    _shot(narrow, "editor_390")
