"""The control-center board on a phone (390 px): an overdue card counts how late it is ("已超时 m:ss", never a
negative time left); the six columns, of which a phone shows one at a time, are named above the board with
their counts, tapping one brings it into view, and the board keeps its place when it refreshes. All under
the Content-Security-Policy (no inline script or style)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from propdesk.dispatch.models import WorkOrder
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.concurrency import seed_default_policies
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def late_card(transactional_db):
    seed_default_policies()
    world = build_world()
    control = Department.objects.create(
        company=world.company, service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )
    operator = staff_user("ctl1", Role.CONTROL_OPERATOR, center=world.center_a, department=control)
    # a paper record of a repair received 12 minutes ago: its 5-minute dispatch deadline passed 7 minutes ago
    ticket = ticket_create(
        actor=operator,
        kind=Kind.REPAIR,
        content="地库 B2 照明灯不亮",
        channel=Channel.PHONE,
        community=world.community_a,
        location="地库 B2",
        received_at=timezone.now() - dt.timedelta(minutes=12),
    )
    return WorkOrder.objects.get(ticket=ticket)


def test_the_board_on_a_phone(late_card, login, live_server):
    phone = login("ctl1", viewport=(390, 844))
    phone.add_init_script(RECORD_VIOLATIONS)
    phone.goto(f"{live_server.url}/dispatch/")
    card = f'article.wo-card[data-wo="{late_card.pk}"]'
    phone.wait_for_selector(card)

    # the overdue card says how late it is, and keeps counting up
    phone.wait_for_function(
        "sel => /^已超时 \\d+:\\d\\d$/.test(document.querySelector(sel + ' .countdown').textContent.trim())",
        arg=card,
    )
    text = phone.inner_text(f"{card} .countdown").strip()
    minutes = int(re.match(r"已超时 (\d+):", text).group(1))
    assert 6 <= minutes <= 8, text
    assert "-" not in text
    assert "地库 B2" in phone.inner_text(card)

    # the six columns are named above the board, with a hint that there is more to the side
    nav = phone.locator(".board-nav")
    assert nav.is_visible()
    assert "左右滑动" in nav.inner_text()
    chips = nav.locator("[data-board-jump]")
    assert chips.count() == 6
    for i in range(6):
        assert chips.nth(i).is_visible()
    assert chips.nth(0).get_attribute("class") == "current"
    # the right edge fades while columns lie beyond it
    assert "at-end" not in phone.get_attribute(".board-wrap", "class")

    # tapping the last column brings it into view and marks it
    chips.nth(5).click()
    phone.wait_for_function(
        "() => { const b = document.querySelector('[data-board-scroll]');"
        " const c = document.querySelector('[data-column=\"to_visit\"]');"
        " return c.getBoundingClientRect().left >= b.getBoundingClientRect().left - 2"
        " && c.getBoundingClientRect().right <= b.getBoundingClientRect().right + 2; }"
    )
    phone.wait_for_function("() => document.querySelector('[data-board-jump=\"to_visit\"]').className === 'current'")
    phone.wait_for_function("() => document.querySelector('.board-wrap').classList.contains('at-end')")

    # a refresh of the board (a new card arrives) keeps the place the dispatcher scrolled to
    position = "document.querySelector('[data-board-scroll]').scrollLeft"
    phone.wait_for_timeout(600)  # the smooth scroll has settled
    scrolled = phone.evaluate(position)
    assert scrolled > 0
    phone.evaluate("htmx.ajax('GET', document.getElementById('board-live').dataset.url, '#board-live')")
    phone.wait_for_timeout(500)
    assert abs(phone.evaluate(position) - scrolled) <= 2
    assert phone.evaluate("window.__csp") == []
