"""A CS assistant on a phone (390 px) opens this month's households, records a home-visit interview of one of
them and turns a finding into a repair ticket in the same step; the page fits the screen and breaks no
Content-Security-Policy rule. ``PROPDESK_SCREENSHOTS=<folder>`` saves the planner and the form at 390 and 1280 px
there (en_*.png)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from propdesk.engagement import services
from propdesk.engagement.models import Interview
from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def planned(transactional_db):
    world = build_world()
    supervisor = staff_user("cs-sup", Role.CS_SUPERVISOR, center=world.center_a)
    assistant = staff_user("cs-assistant", Role.CS_ASSISTANT, center=world.center_a)
    staff_user("manager", Role.CENTER_MANAGER, center=world.center_a)
    services.plan_make(
        actor=supervisor, community=world.community_a, year=timezone.localdate().year, members=[assistant]
    )
    return world


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"en_{name}.png", full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_home_visit_on_a_phone_becomes_a_repair_ticket(planned, live_server, login):
    page = login("cs-assistant", viewport=(390, 844))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/engagement/")
    assert "3栋2单元1202" in page.inner_text("#mine")
    assert _fits(page)
    _shot(page, "planner_390")
    page.click("#mine a.en-btn")
    page.wait_for_url("**/engagement/interviews/new/**")
    assert page.is_checked("input[name=kind][value=home_visit]")
    assert _fits(page)
    page.fill("#i_interviewee", "张伟")
    page.check("input[name=satisfaction][value='4']")
    page.fill("#i_opinions", "希望加强楼道保洁")
    page.select_option("select[name=finding_kind_1]", "repair")
    page.fill("#finding_text_1", "卫生间天花板渗水")
    _shot(page, "form_390")
    page.click("button.en-submit")
    page.wait_for_url("**/engagement/interviews/*/")
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.channel, ticket.household_id) == ("repair", "interview", planned.household_a.pk)
    interview = Interview.objects.get()
    assert interview.kind == "home_visit" and interview.findings.get().ticket == ticket
    assert ticket.number in page.inner_text("main")
    assert _fits(page)
    _shot(page, "detail_390")
    page.goto(f"{live_server.url}/engagement/")
    assert "已访谈" in page.inner_text("#mine")
    assert page.evaluate("window.__csp") == []


def test_the_planner_at_1280(planned, live_server, login):
    page = login("cs-sup", viewport=(1280, 900))
    page.goto(f"{live_server.url}/engagement/?community={planned.community_a.pk}")
    assert "访谈进度" in page.inner_text("main")
    _shot(page, "planner_1280")
    page.goto(f"{live_server.url}/engagement/interviews/new/?household={planned.household_a.pk}")
    _shot(page, "form_1280")
