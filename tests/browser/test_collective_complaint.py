"""A receptionist records five similar complaints from five households at the front desk; the fifth opens a
collective complaint (R-CP-4) and the center manager, logging in, finds it in the inbox and on its page, and
prints the special-event report. Screenshots at 1280 and 390 px (c3_*.png) into $PROPDESK_SCREENSHOTS when set."""

import os
from pathlib import Path

import pytest

from propdesk.complaints.models import CollectiveComplaint, Complaint
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.testing.factories import HouseholdFactory, UnitFactory, build_world, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALLS = [
    ("3-2-1202", "3栋电梯坏了，困了半天没人修"),
    ("3-1-201", "我们3栋的电梯又停了，走楼梯上20楼"),
    ("3-1-301", "3栋电梯故障停运，老人下不了楼"),
    ("3-1-401", "三栋电梯坏了一上午了，物业什么时候修"),
    ("3-1-501", "3号楼电梯不能用了，赶紧派人来修"),
]


@pytest.fixture
def world(transactional_db):
    world = build_world()
    Department.objects.create(
        company=world.company, service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心"
    )
    building = world.household_a.unit.building
    for n in range(2, 6):
        HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number=f"{n}01"))
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    staff_user("boss1", Role.CENTER_MANAGER, center=world.center_a)
    return world


def _shot(name: str) -> Path | None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    return Path(folder) / f"c3_{name}.png" if folder else None


def _record(page, base: str, room: str, text: str) -> None:
    page.goto(f"{base}/desk/")
    page.fill("#desk-q", room)
    page.wait_for_selector(".household-card")
    page.check("input[name=kind][value=complaint]")
    page.fill("#id_content", text)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#record .msg.success")


def test_five_households_at_the_desk_open_a_collective_complaint_the_manager_sees(world, login, live_server):
    desk = login("desk1")
    for room, text in CALLS[:4]:
        _record(desk, live_server.url, room, text)
    assert CollectiveComplaint.objects.count() == 0
    # The fourth complaint's page already says it looks like the 4th about the same thing.
    fourth = Complaint.objects.order_by("-id").first()
    desk.goto(f"{live_server.url}/complaints/{fourth.pk}/")
    assert "第 4 宗" in desk.inner_text("#similar")
    _record(desk, live_server.url, *CALLS[4])
    collective = CollectiveComplaint.objects.get()
    assert Complaint.objects.filter(collective=collective).count() == 5

    boss = login("boss1")
    boss.goto(f"{live_server.url}/inbox/")
    inbox = boss.inner_text("main")
    assert "集体投诉" in inbox and "5 户" in inbox
    boss.click(f"a[href$='/complaints/collectives/{collective.pk}/']")
    boss.wait_for_selector("#households")
    assert boss.locator("#households > ol > li").count() == 5
    boss.screenshot(path=_shot("collective_1280"), full_page=True)
    boss.check("input[name=notify_general_manager][value=yes]")
    boss.check("input[name=notify_developer][value=no]")
    boss.fill("textarea[name=note]", "影响 5 户，已电话报告总经理")
    boss.click("form[action$='/decide/'] button[type=submit]")
    boss.wait_for_selector(".msg.success")
    assert "待经理决定" not in boss.inner_text("main")

    phone = login("boss1", viewport=(390, 844))
    phone.goto(f"{live_server.url}/complaints/collectives/{collective.pk}/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    phone.screenshot(path=_shot("collective_390"), full_page=True)
    assert overflow <= 0, f"the collective page is {overflow}px wider than the phone"
    report_url = f"{live_server.url}/complaints/collectives/{collective.pk}/report/"
    phone.goto(report_url)
    phone.screenshot(path=_shot("report_390"), full_page=True)
    boss.goto(report_url)
    report = boss.inner_text("body")
    for fact in ("特别事件报告", "翠湖花园", "共 5 户", "已电话报告总经理", "服务中心经理签字"):
        assert fact in report
    boss.screenshot(path=_shot("report_1280"), full_page=True)
