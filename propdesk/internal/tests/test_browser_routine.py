"""In Chromium at 390 and 1280 px: a technician reports an ad-hoc reassignment from the phone form, the center
manager records a morning meeting with an action item for them, turns sign-in times on, and the technician
signs in and finds the action item on "my day". Screenshots go to /tmp/internal_*.png."""

import os
import tempfile

import pytest

from propdesk.dispatch.tests.helpers import build_crew
from propdesk.internal.models import ActionItem, Reassignment, SignIn
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]


def _shot(name: str) -> str:
    return os.path.join(tempfile.gettempdir(), name)


def _login(browser, live_server, username: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.mark.parametrize("width", [390, 1280])
def test_reassignment_meeting_and_sign_in_on_a_phone_and_a_desk(transactional_db, browser, live_server, width):
    crew = build_crew(build_world(), on_duty=False, rota=False)
    tech = _login(browser, live_server, "plumber", width)
    tech.goto(f"{live_server.url}/internal/reassignments/")
    tech.fill("#id_from_post", "白班维修")
    tech.fill("#id_to_post", "夜班值守")
    tech.fill("#id_starts_at", "2026-11-18T19:00")
    tech.fill("#id_ends_at", "2026-11-18T23:00")
    tech.fill("#id_reason", "顶班")
    tech.click("#reassignment-submit")
    tech.wait_for_selector("#reassignment-list li >> text=夜班值守")
    assert Reassignment.objects.get().user == crew.plumber
    assert tech.evaluate("document.documentElement.scrollWidth") <= width
    tech.screenshot(path=_shot(f"internal_reassignments_{width}.png"), full_page=True)

    boss = _login(browser, live_server, "manager", width)
    boss.goto(f"{live_server.url}/internal/meetings/")
    boss.select_option("#id_kind", "morning")
    boss.check(f"input[name=attendee_ids][value='{crew.plumber.pk}']")
    boss.fill("#id_minutes", "今日重点：3 栋水泵检修")
    boss.locator("input[name=action_text]").first.fill("3 栋水泵检修")
    boss.locator("select[name=action_user]").first.select_option(str(crew.plumber.pk))
    boss.locator("input[name=action_due]").first.fill("2030-01-10")
    boss.screenshot(path=_shot(f"internal_meeting_form_{width}.png"), full_page=True)
    boss.click("#meeting-submit")
    boss.wait_for_selector("#actions li >> text=3 栋水泵检修")
    assert ActionItem.objects.get().user == crew.plumber
    boss.goto(f"{live_server.url}/internal/manager/")
    boss.check("input[name=sign_in_enabled]")
    boss.fill("#id_sign_in_by", "23:59")
    boss.click("#sign-ins button[type=submit]")
    boss.wait_for_selector("#sign-ins input[name=sign_in_enabled]:checked")
    assert boss.evaluate("document.documentElement.scrollWidth") <= width
    boss.screenshot(path=_shot(f"internal_dashboard_{width}.png"), full_page=True)

    tech.goto(f"{live_server.url}/internal/")
    tech.click("#sign-in-button")
    tech.wait_for_selector("#sign-out-button")
    assert SignIn.objects.get(user=crew.plumber).late is False
    assert "3 栋水泵检修" in tech.inner_text("#my-actions")
    assert tech.evaluate("document.documentElement.scrollWidth") <= width
    tech.screenshot(path=_shot(f"internal_my_day_{width}.png"), full_page=True)
