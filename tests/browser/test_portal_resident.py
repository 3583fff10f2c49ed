"""A resident on a phone (390×844): signs in with an SMS code, reports a leak with a photo (shrunk in the
browser before upload), sees it dispatched with the worker's name, confirms completion and rates it; the
technician then sees the rating on their job page. All under the Content-Security-Policy (no inline script
or style). ``PROPDESK_SCREENSHOTS=<folder>`` saves the portal's pages at 390 and 1280 px there (prt_*.png)."""

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from propdesk.dispatch.choices import Status as JobStatus
from propdesk.dispatch.models import WorkOrder
from propdesk.dispatch.tests.helpers import advance, build_crew
from propdesk.notify import sms
from propdesk.notify.services import deliver_pending
from propdesk.portal.models import Rating
from propdesk.testing.factories import build_world
from propdesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""
PHONE = "13812345678"


@pytest.fixture
def scene(transactional_db):
    world = build_world()
    crew = build_crew(world)
    profile = crew.plumber.staff_profile
    profile.name = "王建国"
    profile.save(update_fields=["name"])
    sms.outbox.clear()
    return world, crew


def _photo(tmp_path: Path) -> Path:
    """A 3000×2000 phone photo with some detail, so that shrinking it in the browser shows."""
    image = Image.effect_noise((3000, 2000), 60).convert("RGB")
    path = tmp_path / "leak.jpg"
    image.save(path, "JPEG", quality=95)
    return path


def _shot(page, name: str) -> None:
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=Path(folder) / f"prt_{name}.png", full_page=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_resident_reports_a_leak_and_rates_the_repair(scene, browser, live_server, login, tmp_path):
    _world, crew = scene
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(15_000)
    page.add_init_script(RECORD_VIOLATIONS)

    # Sign in with a code sent by SMS.
    response = page.goto(f"{live_server.url}/portal/login/")
    assert response.status == 200, page.content()[:3000]
    page.fill("#p-phone", PHONE)
    page.click("button[name=send]")
    page.wait_for_selector("#code-sent")
    deliver_pending()
    code = re.search(r"\d{6}", sms.outbox[-1].text).group()
    _shot(page, "login_390")
    page.fill("#p-code", code)
    page.click("#code-login button.primary")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "张伟" in page.locator(".topbar .who").inner_text()
    _fits(page)
    _shot(page, "home_390")

    # Report a leak with a photo.
    page.click("a.p-action >> text=报修")
    page.fill("#id_content", "卫生间天花板漏水，一直在滴")
    page.fill("#id_room_spot", "卫生间")
    page.set_input_files("#id_photos", str(_photo(tmp_path)))
    page.locator("[data-photo-status]", has_text="KB").wait_for()  # shrunk: "1 × 312 KB"
    _fits(page)
    _shot(page, "new_390")
    page.click("button.p-submit")
    page.wait_for_selector("#request")
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert attachment.size < (tmp_path / "leak.jpg").stat().st_size  # shrunk in the browser
    assert "待处理" in page.locator("#status").inner_text()

    # The control center dispatches it; the resident sees who comes.
    wo = WorkOrder.objects.get(ticket=ticket)
    advance(wo, crew, JobStatus.ASSIGNED)
    page.reload()
    assert "王建国" in page.locator("#job").inner_text()
    assert "plumber" not in page.content()
    assert page.locator("#cancel").count() == 0
    _shot(page, "dispatched_390")

    # The worker finishes, the center signs off; the resident confirms and rates.
    advance(WorkOrder.objects.get(pk=wo.pk), crew, JobStatus.SIGNED_OFF)
    page.reload()
    page.check("#rate input[name=score][value='5']")
    page.fill("#rate textarea[name=comment]", "师傅很专业，修得很快")
    page.click("#rate button.primary")
    page.wait_for_selector("#rating")
    assert Rating.objects.get().score == 5
    _fits(page)
    _shot(page, "rated_390")
    assert page.evaluate("window.__csp") == []

    # The technician sees the rating on the job page.
    tech = login("plumber", viewport=(390, 844))
    tech.goto(f"{live_server.url}/dispatch/job/{wo.pk}/")
    rating = tech.locator("#job-rating").inner_text()
    assert "5 分" in rating and "师傅很专业" in rating

    if os.environ.get("PROPDESK_SCREENSHOTS"):
        wide = browser.new_page(viewport={"width": 1280, "height": 900})
        wide.context.add_cookies(page.context.cookies())
        for name, path in (
            ("home", "/portal/"),
            ("detail", f"/portal/requests/{ticket.pk}/"),
            ("new", "/portal/requests/new/"),
        ):
            wide.goto(live_server.url + path)
            _shot(wide, f"{name}_1280")
        wide.close()
    page.close()
