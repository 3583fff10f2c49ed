"""A receptionist records a call at the front desk; pages fit a phone screen; English can be chosen."""

import pytest

from propdesk.intake.models import Interaction
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    Department.objects.create(
        company=world.company, service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    return world


def test_receptionist_records_a_repair_call_with_the_keyboard(world, login, live_server):
    # Given a receptionist at the front desk
    page = login("desk1")
    page.goto(f"{live_server.url}/desk/")
    # When she types the caller's number, the household appears with the phone masked
    page.fill("#desk-q", "13812345678")
    page.wait_for_selector(".household-card")
    card = page.inner_text(".household-card")
    assert "3栋2单元1202" in card
    assert "138****5678" in card
    assert "13812345678" not in card
    # and she picks "repair" with Alt+1, types the content and saves with Ctrl+Enter
    page.keyboard.press("Alt+1")
    page.fill("#id_content", "厨房水龙头漏水")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#record .msg.success")
    # Then one ticket exists for that household, and the confirmation shows its number
    ticket = Ticket.objects.get()
    assert ticket.household_id == world.household_a.pk
    assert ticket.resident_id == world.resident_a.pk
    assert ticket.kind == "repair"
    assert ticket.number in page.inner_text("#record .msg.success")
    assert Interaction.objects.get().ticket_id == ticket.pk
    # and the desk is cleared for the next caller
    assert page.input_value("#desk-q") == ""


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_validation_error_is_shown_in_place_and_nothing_is_saved(world, login, live_server, settings, debug):
    # In debug mode too (`make dev`): a 400 answer with the form is swapped in, not shown as a whole page.
    settings.DEBUG = debug
    page = login("desk1")
    page.goto(f"{live_server.url}/desk/")
    page.fill("#desk-q", "3-2-1202")
    page.wait_for_selector(".household-card")
    page.check("input[name=kind][value=consultation]")
    page.fill("#id_content", "物业费怎么交？")
    page.click("#record-form details summary")
    page.select_option("#id_outcome", "answered")
    page.click("#record-form button.primary")
    page.wait_for_selector("#record .error")
    assert "当场答复的，请填写答复内容" in page.inner_text("#record")
    assert page.inner_text("h1").startswith("接待台")  # the page itself was not replaced
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("path", ["/", "/desk/", "/tickets/", "/communities/", "/inbox/"])
def test_pages_fit_a_phone_screen(world, login, live_server, path):
    page = login("desk1", viewport=(390, 844))
    page.goto(f"{live_server.url}{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone screen"


def test_the_language_switch_turns_the_page_english(world, login, live_server):
    page = login("desk1")
    assert page.get_attribute("html", "lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.get_attribute("html", "lang") == "en"
    assert "Log out" in page.inner_text("header")
