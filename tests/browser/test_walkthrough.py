"""A repair from the first call to the customer's signature, in the browser.

A receptionist records the call at the front desk, mistypes the caller's number and sees the error in place
(the page keeps its header: htmx swaps only the form), corrects it and records the repair; the dispatcher
assigns it on the live board; the technician, on a phone, accepts, calls the customer with the call button
(the phone's dialler gets a ``tel:`` URI with the whole number, an access row is written, the page never shows
the number) and finishes with the customer's signature. Screenshots of the job page with the call button are
taken at 1280 px and 390 px (into ``PROPDESK_SCREENSHOTS`` when set).
"""

import os
from pathlib import Path

import pytest

from propdesk.core.models import PersonalDataAccess
from propdesk.dispatch import services as dispatch_services
from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import WorkOrder
from propdesk.intake.models import Interaction
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.concurrency import seed_default_policies
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALLER_PHONE = "13900008694"
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def crew(transactional_db):
    seed_default_policies()  # a transactional test's flush removes the seeded SLA policies
    world = build_world()
    center = world.center_a
    control = Department.objects.create(
        company=world.company, service_center=center, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )
    engineering = Department.objects.create(
        company=world.company, service_center=center, kind=DepartmentKind.ENGINEERING, name="工程维修部"
    )
    staff_user("desk1", Role.RECEPTIONIST, center=center)
    staff_user("ctl1", Role.CONTROL_OPERATOR, center=center, department=control)
    tech = staff_user("tech1", Role.TECHNICIAN, center=center, department=engineering)
    tech.staff_profile.trades = ["general", "plumbing"]
    tech.staff_profile.save()
    dispatch_services.duty_update(actor=tech, user=tech, kind="check_in")
    return {"world": world, "tech": tech}


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("PROPDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def record_the_call(login, live_server) -> Ticket:
    desk = login("desk1")
    desk.add_init_script(RECORD_VIOLATIONS)
    desk.goto(f"{live_server.url}/desk/")
    desk.evaluate("window.__marker = 1")
    desk.fill("#desk-q", "3-2-1202")
    desk.wait_for_selector(".household-card")
    desk.keyboard.press("Alt+1")  # repair
    desk.fill("#id_content", "厨房水龙头关不紧，一直滴水")
    desk.fill("#id_caller_name", "张太太")
    # a digit short: the desk says so next to the field, the page stays
    desk.fill("#id_caller_phone", CALLER_PHONE[:-1])
    desk.click("#record-form button.primary")
    desk.wait_for_selector("#record .error")
    assert "电话号码格式不正确" in desk.inner_text("#record")
    assert desk.locator("header.topbar").is_visible()
    assert desk.inner_text("h1").startswith("接待台")
    assert desk.evaluate("window.__marker") == 1, "the desk page was replaced or reloaded"
    assert desk.input_value("#id_content") == "厨房水龙头关不紧，一直滴水"  # what she typed is kept
    assert Ticket.objects.count() == 0 and Interaction.objects.count() == 0
    # corrected and saved with Ctrl+Enter
    desk.fill("#id_caller_phone", CALLER_PHONE)
    desk.keyboard.press("Control+Enter")
    desk.wait_for_selector("#record .msg.success")
    ticket = Ticket.objects.get()
    assert ticket.number in desk.inner_text("#record .msg.success")
    assert (ticket.kind, ticket.contact_name, ticket.contact_phone) == ("repair", "张太太", CALLER_PHONE)
    assert desk.evaluate("window.__marker") == 1
    assert violations(desk) == []
    return ticket


def dispatch_it(login, live_server, wo: WorkOrder, tech) -> None:
    board = login("ctl1")
    board.goto(f"{live_server.url}/dispatch/")
    card = f'[data-column="to_dispatch"] article.wo-card[data-wo="{wo.pk}"]'
    board.wait_for_selector(card)
    board.locator(card).get_by_role("button", name="派单", exact=True).click()
    panel = board.locator("#assign-panel")
    panel.get_by_role("button", name="派给所选人员").wait_for()
    assert panel.locator(f'input[name=assignee][value="{tech.pk}"]').is_checked()
    panel.get_by_role("button", name="派给所选人员").click()
    board.wait_for_selector(f'[data-column="not_accepted"] article.wo-card[data-wo="{wo.pk}"]')


def sign(phone) -> None:
    canvas = phone.locator("#signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.6
    phone.mouse.move(x0, y0)
    phone.mouse.down()
    for i in range(1, 11):
        phone.mouse.move(x0 + box["width"] * 0.07 * i, y0 - box["height"] * (0.3 if i % 2 else 0.0), steps=3)
    phone.mouse.up()


def test_from_the_desk_to_the_signature_with_a_call_to_the_customer(crew, login, live_server, screenshots):
    tech = crew["tech"]
    ticket = record_the_call(login, live_server)
    assert ticket.household_id == crew["world"].household_a.pk
    wo = WorkOrder.objects.get(ticket=ticket)
    assert wo.status == Status.PENDING

    dispatch_it(login, live_server, wo, tech)
    wo.refresh_from_db()
    assert (wo.status, wo.assignee_id) == (Status.ASSIGNED, tech.pk)

    # The technician, on a phone, opens the job and accepts it
    phone = login("tech1", viewport=(390, 844))
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.goto(f"{live_server.url}/dispatch/my/")
    phone.locator("a.job-card", has_text=wo.number).click()
    job_url = f"{live_server.url}/dispatch/job/{wo.pk}/"
    phone.wait_for_url(job_url)
    phone.get_by_role("button", name="接单", exact=True).click()
    phone.wait_for_function("document.getElementById('job-status').textContent.trim() === '已接单'")

    # The page shows the number masked and a call button, never the number itself
    call = phone.get_by_role("button", name="拨打客户电话")
    assert call.is_visible()
    assert "139****8694" in phone.inner_text("main")
    assert CALLER_PHONE not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.screenshot(path=str(screenshots / "job-call-390.png"), full_page=True)
    desktop = login("tech1", viewport=(1280, 900))
    desktop.goto(job_url)
    desktop.get_by_role("button", name="拨打客户电话").wait_for()
    desktop.screenshot(path=str(screenshots / "job-call-1280.png"), full_page=True)
    assert PersonalDataAccess.objects.count() == 0

    # Calling hands the phone's dialler the whole number: the browser's own POST (its session, its CSRF token)
    # is answered with a redirect to tel:, which a phone gives to its dialler (headless Chromium, having no
    # dialler, aborts it). The answer is read on its way to the browser.
    answers = []

    def read_the_answer(route):
        response = route.fetch(max_redirects=0)
        answers.append((response.status, response.headers.get("location")))
        route.fulfill(response=response)

    phone.route(f"**/dispatch/job/{wo.pk}/call/", read_the_answer)
    call.click()
    for _ in range(50):
        if answers:
            break
        phone.wait_for_timeout(100)
    assert answers == [(302, f"tel:{CALLER_PHONE}")]
    access = PersonalDataAccess.objects.get()
    assert (access.actor_id, access.purpose, access.subject_id) == (
        tech.pk,
        PersonalDataAccess.Purpose.CALL,
        str(wo.pk),
    )
    assert access.ip_address == "127.0.0.1"
    # the page stays where it was, still without the number
    assert phone.url == job_url
    assert CALLER_PHONE not in phone.content()

    # The technician finishes with the customer's signature
    phone.fill("#id_result", "更换水龙头阀芯，已不滴水")
    sign(phone)
    phone.get_by_role("button", name="完工", exact=True).click()
    phone.wait_for_function("document.getElementById('job-status').textContent.trim() === '已完工待报'")
    assert phone.get_by_role("button", name="拨打客户电话").count() == 0  # no calls once finished
    wo.refresh_from_db()
    assert (wo.status, wo.customer_confirmed, wo.result) == (Status.FINISHED, True, "更换水龙头阀芯，已不滴水")
    assert wo.signature.name
    assert PersonalDataAccess.objects.count() == 1
    assert violations(phone) == []
