"""The control center dispatches a repair from the live board; the technician accepts, finishes with the
customer's drawn signature and reports on a phone; the board follows without a reload. The technician's
pages fit a phone screen."""

import re

import pytest

from propdesk.dispatch import services as dispatch_services
from propdesk.dispatch.choices import EventKind, Status
from propdesk.dispatch.models import WorkOrder
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.concurrency import seed_default_policies
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def dispatch_world(transactional_db):
    # a transactional test's flush removes the seeded SLA policies; the countdown needs the 5-minute dispatch one
    seed_default_policies()
    world = build_world()
    center = world.center_a
    control = Department.objects.create(
        company=world.company, service_center=center, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )
    engineering = Department.objects.create(
        company=world.company, service_center=center, kind=DepartmentKind.ENGINEERING, name="工程维修部"
    )
    operator = staff_user("ctl1", Role.CONTROL_OPERATOR, center=center, department=control)
    tech = staff_user("tech1", Role.TECHNICIAN, center=center, department=engineering)
    tech.staff_profile.trades = ["general"]
    tech.staff_profile.save()
    dispatch_services.duty_update(actor=tech, user=tech, kind="check_in")
    ticket = ticket_create(
        actor=operator,
        kind=Kind.REPAIR,
        content="厨房水龙头漏水",
        channel=Channel.PHONE,
        household=world.household_a,
    )
    work_order = WorkOrder.objects.get(ticket=ticket)
    assert work_order.status == Status.PENDING
    return {"world": world, "operator": operator, "tech": tech, "ticket": ticket, "wo": work_order}


def _card(column: str, wo: WorkOrder) -> str:
    return f'[data-column="{column}"] article.wo-card[data-wo="{wo.pk}"]'


def test_dispatch_accept_finish_report_follows_on_the_live_board(dispatch_world, login, live_server):
    wo = dispatch_world["wo"]
    tech = dispatch_world["tech"]

    # Given the dispatcher at the board (desktop)
    board = login("ctl1")
    board.goto(f"{live_server.url}/dispatch/")
    board.evaluate("window.__marker = 1")
    pending_card = _card("to_dispatch", wo)
    board.wait_for_selector(pending_card)
    assert wo.number in board.inner_text(pending_card)

    # the new card shows a running 5-minute dispatch countdown
    countdown = f"{pending_card} .countdown .countdown-time"
    board.wait_for_function(
        "sel => /^\\d+:\\d\\d$/.test((document.querySelector(sel) || {}).textContent || '')", arg=countdown
    )
    first = board.inner_text(countdown)
    minutes, seconds = (int(x) for x in first.split(":"))
    assert 0 < minutes * 60 + seconds <= 300, first
    board.wait_for_function(
        "([sel, was]) => { const el = document.querySelector(sel); return el && el.textContent !== was; }",
        arg=[countdown, first],
        timeout=5_000,
    )
    assert re.fullmatch(r"\d+:\d\d", board.inner_text(countdown))

    # When she opens the assignment panel from the card
    board.locator(pending_card).get_by_role("button", name="派单", exact=True).click()
    panel = board.locator("#assign-panel")
    panel.get_by_role("button", name="派给所选人员").wait_for()
    # Then the technician is suggested and pre-selected
    assert re.search(r"建议：\s*tech1", panel.inner_text())
    assert panel.locator(f'input[name=assignee][value="{tech.pk}"]').is_checked()
    # and dispatching moves the card to "已派未接"
    panel.get_by_role("button", name="派给所选人员").click()
    board.wait_for_selector(_card("not_accepted", wo))
    assert board.locator(pending_card).count() == 0
    assert "tech1" in board.inner_text(_card("not_accepted", wo))
    wo.refresh_from_db()
    assert wo.status == Status.ASSIGNED
    assert wo.assignee_id == tech.pk

    # When the technician, on a phone, opens the job from "my jobs" and accepts it
    phone = login("tech1", viewport=(390, 844))
    phone.goto(f"{live_server.url}/dispatch/my/")
    phone.locator("a.job-card", has_text=wo.number).click()
    phone.wait_for_url(f"{live_server.url}/dispatch/job/{wo.pk}/")
    phone.get_by_role("button", name="接单", exact=True).click()
    phone.wait_for_function("document.getElementById('job-status').textContent.trim() === '已接单'")

    # fills in the result, lets the customer sign on the screen and taps "完工"
    phone.fill("#id_result", "更换水龙头阀芯，已不漏水")
    canvas = phone.locator("#signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    x0, y0 = box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.6
    phone.mouse.move(x0, y0)
    phone.mouse.down()
    for i in range(1, 11):
        phone.mouse.move(x0 + box["width"] * 0.07 * i, y0 - box["height"] * (0.3 if i % 2 else 0.0), steps=3)
    phone.mouse.up()
    phone.get_by_role("button", name="完工", exact=True).click()
    phone.wait_for_function("document.getElementById('job-status').textContent.trim() === '已完工待报'")

    # and reports completion to the control center
    phone.get_by_role("button", name="向控制中心报完工").click()
    phone.wait_for_function("document.getElementById('job-status').textContent.trim() === '已报完工待签认'")

    # Then, without a reload, the dispatcher's board shows the card waiting for sign-off within seconds
    board.wait_for_selector(_card("to_sign_off", wo), timeout=8_000)
    assert board.locator(_card("not_accepted", wo)).count() == 0
    assert board.evaluate("window.__marker") == 1, "the board page was reloaded or navigated"

    # and the database holds the reported order, the customer's signature and the technician's own events
    wo.refresh_from_db()
    assert wo.status == Status.REPORTED
    assert wo.customer_confirmed is True
    assert wo.result == "更换水龙头阀芯，已不漏水"
    assert wo.signature.name
    with wo.signature.open("rb") as stored:
        raw = stored.read()
    assert raw.startswith(PNG_MAGIC) and len(raw) > 200
    by_tech = {e.to_status for e in wo.events.filter(kind=EventKind.STATUS, actor=tech, on_behalf_of__isnull=True)}
    assert {Status.ACCEPTED, Status.FINISHED, Status.REPORTED} <= by_tech


def test_technician_pages_fit_a_phone_screen(dispatch_world, login, live_server):
    wo = dispatch_world["wo"]
    tech = dispatch_world["tech"]
    dispatch_services.work_order_assign(actor=dispatch_world["operator"], work_order=wo, assignee=tech)
    phone = login("tech1", viewport=(390, 844))

    def overflow(path):
        phone.goto(f"{live_server.url}{path}")
        return phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    assert overflow("/dispatch/my/") <= 0, "/dispatch/my/ is wider than the phone screen"
    job = f"/dispatch/job/{wo.pk}/"
    assert overflow(job) <= 0, "the job page (to accept) is wider than the phone screen"
    # once accepted the page carries the finish form with the signature pad
    dispatch_services.work_order_progress(actor=tech, work_order=wo, to_status=Status.ACCEPTED)
    assert overflow(job) <= 0, "the job page (finish form) is wider than the phone screen"
    assert phone.locator("#signature-pad").is_visible()
