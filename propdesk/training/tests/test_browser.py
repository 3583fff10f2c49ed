"""Signing trainees in on a phone (390 px): HR opens the session's sign-in sheet, signs one trainee in with a
quiz score and marks another absent; the sheet shows the sign-in time and "trained", and the untrained list
at 1280 px keeps only the absent one. All under the Content-Security-Policy. Screenshots go to
``PROPDESK_SCREENSHOTS`` (training_*.png) when it is set."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.browser import has_chromium
from propdesk.testing.factories import DepartmentFactory, build_world, staff_user
from propdesk.training import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not has_chromium(), reason="no Chromium"),
]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective); });
"""


def _login(browser, live_server, username: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(10_000)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def _shot(page, name: str) -> None:
    folder = os.environ.get("PROPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"training_{name}.png", full_page=True)


def _person(user, name: str):
    profile = user.staff_profile
    profile.name = name
    profile.save(update_fields=["name"])
    return user


@pytest.fixture
def session(transactional_db):
    world = build_world()
    a = world.center_a
    engineering = DepartmentFactory(service_center=a, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    hr_department = DepartmentFactory(service_center=a, kind=DepartmentKind.HR, name="人事行政部")
    manager = staff_user("manager1", Role.CENTER_MANAGER, center=a)
    head = _person(staff_user("engmanager1", Role.DEPARTMENT_MANAGER, center=a, department=engineering), "吴经理")
    _person(staff_user("hr1", Role.HR_ADMIN, center=a, department=hr_department), "郑人事")
    _person(staff_user("tech1", Role.TECHNICIAN, center=a, department=engineering), "王师傅")
    _person(staff_user("tech2", Role.TECHNICIAN, center=a, department=engineering), "李师傅")
    today = timezone.localdate()
    procedure = services.procedure_register(
        actor=head,
        center=a,
        department_id=engineering.pk,
        title="二次供水水箱清洗规程",
        summary="清洗前停水公告，清洗后取样送检。",
        effective_on=today,
        due_on=today + dt.timedelta(days=20),
        pass_mark=60,
        roles=["technician"],
    )
    procedure = services.procedure_approve(actor=manager, procedure=procedure)
    hr_user = get_user_model().objects.get(username="hr1")
    created = services.session_schedule(
        actor=hr_user,
        procedure=procedure,
        starts_at=timezone.now() + dt.timedelta(minutes=30),
        place="三楼会议室",
        trainer_id=head.pk,
        capacity=10,
    )
    services.session_invite(actor=hr_user, session=created)
    return created


def test_hr_signs_trainees_in_on_a_phone(session, browser, live_server):
    phone = _login(browser, live_server, "hr1", 390)
    phone.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "sheet_before_390")
    row = phone.locator(".sign-row", has_text="王师傅")
    row.locator("input[name=score]").fill("88")
    row.locator("button[value=present]").click()
    phone.wait_for_selector(".sign-row.mark-present")
    signed = phone.locator(".sign-row", has_text="王师傅").inner_text()
    assert "签到" in signed and "88 分" in signed and "已培训" in signed
    phone.locator(".sign-row", has_text="李师傅").locator("button[value=absent]").click()
    phone.wait_for_selector(".sign-row.mark-absent")
    assert "已签到 1 · 名单 2 · 名额 10" in phone.locator("#tally").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "sheet_390")
    assert phone.evaluate("window.__csp") == []

    desk = _login(browser, live_server, "manager1", 1280)
    desk.goto(f"{live_server.url}/training/untrained/")
    listed = desk.locator("#untrained-list").inner_text()
    assert "李师傅" in listed and "王师傅" not in listed
    _shot(desk, "untrained_1280")
    desk.goto(f"{live_server.url}/training/{session.procedure_id}/")
    _shot(desk, "procedure_1280")
    wide = _login(browser, live_server, "hr1", 1280)
    wide.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    _shot(wide, "sheet_1280")
    mine = _login(browser, live_server, "tech2", 390)
    mine.goto(f"{live_server.url}/training/mine/")
    assert "二次供水水箱清洗规程" in mine.inner_text("body")
    _shot(mine, "mine_390")
    for page in (desk, wide, mine):
        assert page.evaluate("window.__csp") == []
