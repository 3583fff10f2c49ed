"""In Chromium at 390 and 1280 px: the center manager opens the dashboard, sees every chart drawn (a canvas,
``data-chart-ready``) with its table, and downloads the month's statistics as xlsx, whose figures are the
fixture month's. Screenshots go to /tmp/reports_dashboard_<width>.png (or ``PROPDESK_SCREENSHOTS``)."""

import io
import os
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from propdesk.testing.browser import has_chromium
from propdesk.testing.concurrency import seed_default_policies
from propdesk.tickets.tests.helpers import local

from .fixture_month import build_month

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]


@pytest.fixture
def november(transactional_db, world, clock):
    seed_default_policies()  # an earlier transactional test may have flushed what the data migrations wrote
    month = build_month(world, clock)
    clock.move_to(local(2026, 11, 25, 9, 0))
    return month


def test_the_manager_sees_the_charts_and_downloads_the_months_statistics(november, browser, live_server):
    for width in (1280, 390):
        _check_at(browser, live_server, width)


def _check_at(browser, live_server, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.set_default_timeout(90_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "mgr-a")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/dashboard/")
    charts = page.locator("[data-chart]").count()
    assert charts >= 8
    page.wait_for_function(f"document.querySelectorAll('[data-chart-ready]').length === {charts}")
    assert page.locator("[data-chart] canvas").count() >= charts
    heat_rows = page.locator("table[data-table=heat] tbody tr").all_inner_texts()
    assert any(row.startswith("5栋") for row in heat_rows)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    folder = Path(os.environ.get("PROPDESK_SCREENSHOTS", tempfile.gettempdir()))
    page.screenshot(path=folder / f"reports_dashboard_{width}.png", full_page=True)

    with page.expect_download() as info:
        page.click("a[data-download=monthly-xlsx]")
    content = Path(info.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r}
    assert rows["报修"][:3] == (4, 1, 2)
    assert rows["受理合计"][:3] == (10, 2, 2)

    page.goto(f"{live_server.url}/reports/monthly/?month=2026-11")
    assert page.locator("table[data-section=kinds] tr[data-key=repair] td[data-column=this]").inner_text() == "4"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=folder / f"reports_monthly_{width}.png", full_page=True)
