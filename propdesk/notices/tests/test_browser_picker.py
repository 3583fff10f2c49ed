"""The editor's unit picker in Chromium at 390 and 1280 px: choosing "指定房号" shows the chosen community's
buildings and units (not another community's), a search narrows them, the picked units are saved.
``PROPDESK_SCREENSHOTS=<folder>`` saves the pages there (notices_picker_*.png)."""

import os
from pathlib import Path

import pytest

from propdesk.communities.models import Building, Community, Unit
from propdesk.notices.models import Notice
from propdesk.org.choices import Role
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import build_world, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    staff_user("info1", Role.INFO_MANAGER, center=world.center_a)
    building = Building.objects.get(community=world.community_a)
    for number in ("1201", "1203", "1501"):
        Unit.objects.create(building=building, entrance="2单元", number=number)
    second = Building.objects.create(community=world.community_a, name="5栋")
    Unit.objects.create(building=second, entrance="1单元", number="0301")
    other = Community.objects.create(service_center=world.center_a, name="翠湖二期", code="cuihu2")
    Unit.objects.create(building=Building.objects.create(community=other, name="9栋"), entrance="", number="901")
    return world


@pytest.mark.parametrize("width", [390, 1280])
def test_the_unit_picker_shows_the_communitys_units_and_searches(world, browser, live_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "info1")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/notices/new/")
    assert page.locator("#unit-picker").is_hidden()
    page.select_option("#id_audience", "units")
    page.select_option("#id_community", str(world.community_a.pk))
    assert page.locator("#unit-picker").is_visible()
    visible = page.locator("#unit-picker .nt-pick-group:visible summary").all_inner_texts()
    assert any("3栋" in t for t in visible) and any("5栋" in t for t in visible)
    assert not any("9栋" in t for t in visible)  # another community's building
    page.fill("#unit-picker [data-find]", "3栋 120")
    shown = page.locator("#unit-picker .nt-pick:visible").all_inner_texts()
    assert sorted(s.strip() for s in shown) == ["3栋2单元1201", "3栋2单元1202", "3栋2单元1203"]
    page.check("#unit-picker .nt-pick:visible >> nth=0")
    page.check("#unit-picker .nt-pick:visible >> nth=2")
    assert page.inner_text("#unit-picker [data-picked]") == "(2)"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=Path(folder) / f"notices_picker_{width}.png", full_page=True)
    page.fill("#id_title", "3栋部分房号停水通知")
    page.fill("#id_body", "各位住户：请提前储水。")
    page.fill("input[name=valid_from]", "2026-12-01T09:00")
    page.fill("input[name=valid_until]", "2026-12-05T09:00")
    page.click("#notice-editor button[type=submit]")
    page.wait_for_selector("#notice-status")
    notice = Notice.objects.get()
    assert sorted(u.number for u in notice.units.all()) == ["1201", "1203"]
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_public_board_shows_fees_and_contacts_on_a_phone(world, browser, live_server, width):
    from django.contrib.auth import get_user_model

    from propdesk.notices.services import board

    info = get_user_model().objects.get(username="info1")
    board.fee_item_save(
        actor=info, service_center=world.center_a,
        data={"community_id": world.community_a.pk, "item": "物业服务费（住宅）", "payer": "住宅业主",
              "service_content": "公共区域清洁、秩序维护、绿化养护", "service_standard": "二级服务标准",
              "price": "2.50", "unit": "元/㎡·月", "billing_method": "按建筑面积按月计收",
              "billing_start": "自交房之日起", "price_regime": "gov_guided",
              "basis": "《深圳市物业服务收费管理办法》", "authority": "深圳市发展和改革委员会",
              "approval_no": "深发改〔2025〕12号", "effective_from": "2026-01-01"},
    )  # fmt: skip
    board.contact_save(
        actor=info, service_center=world.center_a,
        data={"community_id": world.community_a.pk, "kind": "water", "name": "深圳水务集团客服",
              "phone": "0755-95599", "hours": "24 小时"},
    )  # fmt: skip
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/notices/board/cuihu/")
    assert "深发改〔2025〕12号" in page.inner_text("#board-fees")
    assert "0755-95599" in page.inner_text("#board-service-contacts")
    assert "12358" in page.inner_text("#price-complaint")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=Path(folder) / f"notices_board_{width}.png", full_page=True)
    page.close()


def test_the_management_page_adds_a_contact_on_a_phone(world, browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "info1")
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/notices/board-admin/?community={world.community_a.pk}")
    page.click("#contact-section summary")
    page.select_option("#contact-form select[name=kind]", "power")
    page.fill("#contact-form input[name=name]", "南方电网供电服务热线")
    page.fill("#contact-form input[name=phone]", "95598")
    page.fill("#contact-form input[name=hours]", "24 小时")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contact-table tr[data-contact]")
    assert "95598" in page.inner_text("#contact-table")
    page.click("#fee-section summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if folder := os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=Path(folder) / "notices_board_admin_390.png", full_page=True)
    page.close()
