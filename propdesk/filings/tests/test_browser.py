"""In Chromium at 390 and 1280 px: the manager opens a submitted quarterly report from the list, reviews it
(the step button), and its A4 print page shows the center's seal. Screenshots go to /tmp/filings_*.png."""

import datetime as dt
import io
import os
import tempfile

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing
from propdesk.filings.services import filing_open, filing_step, filing_update
from propdesk.org.choices import Role
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import build_world, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]


def _shot(name: str) -> str:
    return os.path.join(tempfile.gettempdir(), name)


def _seal_png() -> bytes:
    image = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 192, 192), outline=(200, 0, 0, 255), width=8)
    draw.polygon([(100, 60), (112, 95), (150, 95), (119, 117), (130, 152), (100, 130), (70, 152), (81, 117),
                  (50, 95), (88, 95)], fill=(200, 0, 0, 255))  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def submitted(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = build_world()
    world.center_a.seal.save("seal.png", ContentFile(_seal_png()), save=True)
    cs = staff_user("cs1", Role.CS_SUPERVISOR, center=world.center_a)
    staff_user("manager1", Role.CENTER_MANAGER, center=world.center_a)
    filing = filing_open(
        actor=cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 8, 1),
    )
    sections = {
        "security": "本季度夜间巡逻 270 次，处理安全隐患 4 处。",
        "cleaning": "公共区域日常保洁，外墙清洗一次。",
        "greening": "补种草坪 200 平方米。",
        "facilities": "电梯年检完成，消防系统维保。",
        "customer_service": "开展客户访谈，满意度 92%。",
        "complaints": "投诉均已在时限内处理。",
        "finance": "收支平衡。",
    }
    filing = filing_update(
        actor=cs, filing=filing, sections=sections, finance=[["物业费收入", "1200000"]], expected_version=None
    )
    return filing_step(actor=cs, filing=filing, step="submit", expected_version=None)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_manager_reviews_a_quarterly_report_and_prints_it_with_the_seal(submitted, browser, live_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "manager1")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/filings/")
    assert page.locator(f"tr[data-filing='{submitted.pk}']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=_shot(f"filings_list_{width}.png"), full_page=True)
    page.click(f"tr[data-filing='{submitted.pk}'] a")
    page.wait_for_selector("#step-button")
    assert page.inner_text("#step-button").strip() == "经理审核"
    page.screenshot(path=_shot(f"filings_detail_{width}.png"), full_page=True)
    page.click("#step-button")
    page.wait_for_selector("#filing-status[data-status='reviewed']")
    assert Filing.objects.get(pk=submitted.pk).status == "reviewed"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server.url}/filings/{submitted.pk}/print/")
    seal = page.locator("#filing-seal")
    assert seal.is_visible()
    assert page.evaluate("document.getElementById('filing-seal').naturalWidth") == 200
    page.screenshot(path=_shot(f"filings_print_{width}.png"), full_page=True)
