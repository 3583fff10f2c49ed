"""A planned outage from draft to the front desk: the information manager drafts a water outage for 3栋 more
than 72 hours ahead and submits it, the center manager approves it from the approval queue, the information
manager seals it and the printed A4 page carries the center's seal; on the day, a receptionist looking up a
caller from 3栋 at the desk sees the outage with the answer to read out — and a caller from another building
does not. All under the Content-Security-Policy. ``PROPDESK_SCREENSHOTS=<folder>`` saves the pages at 1280 and
390 px there (ntc_*.png)."""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from propdesk.demo.seal import give_seal
from propdesk.notices.models import Notice
from propdesk.org.choices import Role
from propdesk.testing.factories import (
    BuildingFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
    build_world,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


@pytest.fixture
def world(transactional_db):
    world = build_world()
    give_seal(world.center_a)
    world.center_a.phone = "0755-86001234"
    world.center_a.save(update_fields=["phone"])
    staff_user("info1", Role.INFO_MANAGER, center=world.center_a)
    staff_user("boss1", Role.CENTER_MANAGER, center=world.center_a)
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    other = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="5栋"), entrance="1单元", number="501"
    )
    ResidentFactory(household=HouseholdFactory(unit=other), name="赵敏", phone="13700001111")
    return world


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"ntc_{name}.png", full_page=True)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _draft(page, live_server, starts: dt.datetime) -> None:
    page.goto(f"{live_server.url}/notices/new/?kind=outage_planned")
    page.fill("#id_title", "3栋二次供水水箱清洗停水通知")
    page.fill("#id_body", "<p>各位业主：因二次供水水箱清洗，3栋将暂停供水，请提前储水。</p><script>alert(1)</script>")
    page.wait_for_selector("#notice-preview .nt-body")
    assert "请提前储水" in page.inner_text("#notice-preview")
    page.fill("input[name=valid_from]", _local(timezone.now()))
    page.fill("input[name=valid_until]", _local(starts + dt.timedelta(days=1)))
    page.select_option("#id_utility", "water")
    page.fill("#id_starts_at", _local(starts))
    page.fill("#id_ends_at", _local(starts + dt.timedelta(hours=4)))
    page.fill("#id_answer_text", "3栋今天 14:00–18:00 水箱清洗停水，18:00 恢复供水，请提前储水。")
    page.select_option("#id_audience", "buildings")
    page.select_option("#id_community", label="翠湖花园")
    page.check("label:has-text('翠湖花园 3栋') input")
    _shot(page, "editor_1280")
    page.click("#notice-editor button.primary")
    page.wait_for_selector("#submit-notice")
    page.click("#submit-notice")
    page.wait_for_selector("#notice-status:has-text('待审批')")


def test_outage_from_draft_to_the_desk(world, login, live_server):
    starts = (timezone.localtime() + dt.timedelta(days=4)).replace(hour=14, minute=0, second=0, microsecond=0)
    info = login("info1")
    info.add_init_script(RECORD_VIOLATIONS)
    _draft(info, live_server, starts)
    notice = Notice.objects.get()
    assert notice.status == "submitted" and "<script>" not in notice.body

    boss = login("boss1", viewport=(390, 844))
    boss.goto(f"{live_server.url}/notices/approvals/")
    assert "3栋二次供水水箱清洗停水通知" in boss.inner_text("#approval-queue")
    assert boss.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(boss, "approvals_390")
    boss.click("#approval-queue button.primary")
    boss.wait_for_selector("text=没有待审批的公告")

    info.goto(f"{live_server.url}/notices/{notice.pk}/")
    info.click("#seal-notice")
    info.wait_for_selector("#notice-status:has-text('已盖章')")
    info.click("#schedule-notice")
    info.wait_for_selector("#notice-status:has-text('已发布')")
    _shot(info, "detail_1280")
    info.goto(f"{live_server.url}/notices/{notice.pk}/print/")
    seal = info.locator("#notice-seal")
    assert seal.get_attribute("src").startswith("data:image/png;base64,")
    assert info.evaluate("document.getElementById('notice-seal').naturalWidth") > 0
    _shot(info, "print_1280")
    assert info.evaluate("window.__csp") == []

    # On the day of the outage, at 15:00, a caller from 3栋 rings the desk.
    with time_machine.travel(starts + dt.timedelta(hours=1), tick=True):
        desk = login("desk1")
        desk.add_init_script(RECORD_VIOLATIONS)
        desk.goto(f"{live_server.url}/desk/")
        desk.fill("#desk-q", "13812345678")
        desk.wait_for_selector(".household-card")
        note = desk.locator(".desk-note[data-kind=outage]")
        assert "3栋二次供水水箱清洗停水通知" in note.inner_text()
        assert "18:00 恢复供水" in note.inner_text()
        _shot(desk, "desk_1280")
        desk.fill("#desk-q", "13700001111")
        desk.wait_for_selector(".household-card:has-text('5栋')")
        assert desk.locator(".desk-note[data-kind=outage]").count() == 0
        assert desk.evaluate("window.__csp") == []
