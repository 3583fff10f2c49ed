"""The suggestion boxes and regular contacts page on a phone (390 px) and a desk (1280 px): a missed opening is
flagged, the box's owner records an opening whose item becomes a ticket. ``PROPDESK_SCREENSHOTS=<folder>`` saves
the page there (en_contacts_*.png)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from propdesk.communities.models import SpecialCustomer
from propdesk.engagement import services
from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user
from propdesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def boxes(transactional_db):
    world = build_world()
    supervisor = staff_user("cs-sup", Role.CS_SUPERVISOR, center=world.center_a)
    services.box_save(
        actor=supervisor,
        community=world.community_a,
        place="南门岗亭",
        owner=supervisor,
        starts_on=timezone.localdate() - dt.timedelta(days=3),
    )
    SpecialCustomer.objects.create(community=world.community_a, kind="kindergarten", name="翠湖幼儿园")
    return world


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"en_{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_contacts_page(boxes, live_server, login, width):
    page = login("cs-sup", viewport=(width, 900))
    page.goto(f"{live_server.url}/engagement/contacts/")
    assert "逾期未开启" in page.inner_text("#boxes")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("#boxes summary")
    page.fill("input[name=item_text_1]", "南门道闸抬杆慢")
    _shot(page, f"contacts_{width}")
    page.click("#boxes button.en-submit")
    page.wait_for_selector(".msg")
    assert Ticket.objects.get().channel == "suggestion_box"
    assert "逾期未开启" not in page.inner_text("#boxes")
