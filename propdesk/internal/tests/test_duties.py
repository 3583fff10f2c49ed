"""The manager's duty calendar (R-RP-6, 002 §五): every monthly and weekly duty's due day, moved forward
(attendance by the 5th) or back (month-end, "before the 26th") when it falls on a weekend or a statutory
holiday; planned for every center and department manager; done once; overdue flagged once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import inbox
from propdesk.internal import selectors, services
from propdesk.internal.duties import BY_CODE, CATALOGUE, due_day, nominal_day
from propdesk.internal.models import DutyTask
from propdesk.sla.rules import day_rules
from propdesk.testing.clock import shanghai_time

D = dt.date
MONTH_END = (
    "archiving",
    "plan_review",
    "training",
    "stock_check",
    "materials_feedback",
    "complaint_summary",
    "energy_review",
)


@pytest.fixture
def workday(db):
    return day_rules().is_workday


def due(code, period, workday):
    return due_day(BY_CODE[code], period, workday)


def test_the_catalogue_is_the_whole_002_calendar():
    assert sorted(d.code for d in CATALOGUE) == sorted(
        ["attendance", "quality_records", *MONTH_END, "repair_sheets", "weekly_summary", "assessments"]
    )


def test_an_ordinary_month_november_2026(workday):
    first = D(2026, 11, 1)
    assert due("attendance", first, workday) == D(2026, 11, 5)  # Thursday
    assert due("quality_records", first, workday) == D(2026, 11, 26)  # Thursday
    for code in MONTH_END:  # 30 November is a Monday
        assert due(code, first, workday) == D(2026, 11, 30), code


def test_october_2026_attendance_falls_in_the_national_day_holiday_and_moves_forward(workday):
    first = D(2026, 10, 1)
    assert nominal_day(BY_CODE["attendance"], first) == D(2026, 10, 5)
    assert due("attendance", first, workday) == D(2026, 10, 8)  # the first working day after 1–7 October
    assert due("quality_records", first, workday) == D(2026, 10, 26)  # a Monday
    for code in MONTH_END:  # 31 October is a Saturday: back to Friday the 30th
        assert due(code, first, workday) == D(2026, 10, 30), code


def test_may_2026_labour_day_holiday_and_a_weekend_month_end(workday):
    first = D(2026, 5, 1)
    assert due("attendance", first, workday) == D(2026, 5, 6)  # 1–5 May holiday
    for code in MONTH_END:  # 31 May is a Sunday
        assert due(code, first, workday) == D(2026, 5, 29), code


def test_february_2026_the_26th_after_spring_festival_and_a_short_month(workday):
    first = D(2026, 2, 1)
    assert due("attendance", first, workday) == D(2026, 2, 5)
    assert due("quality_records", first, workday) == D(2026, 2, 26)
    for code in MONTH_END:  # 28 February 2026 is a make-up working Saturday
        assert due(code, first, workday) == (D(2026, 2, 28) if workday(D(2026, 2, 28)) else D(2026, 2, 27)), code


def test_quality_records_on_a_sunday_move_back(workday):
    assert due("quality_records", D(2026, 4, 1), workday) == D(2026, 4, 24)  # 26 April 2026 is a Sunday


def test_weekly_duties(workday):
    monday = D(2026, 11, 16)
    assert due("repair_sheets", monday, workday) == D(2026, 11, 16)
    assert due("weekly_summary", monday, workday) == D(2026, 11, 20)  # Sunday → Friday
    assert due("assessments", monday, workday) == D(2026, 11, 20)
    # The National Day week: Monday 5 October is a holiday, the repair sheets move to Thursday the 8th.
    assert due("repair_sheets", D(2026, 10, 5), workday) == D(2026, 10, 8)


def test_planning_is_for_managers_and_idempotent(office, world):
    assert services.plan_duties() == 2 * len(CATALOGUE)  # the center manager and the department manager
    assert services.plan_duties() == 0
    mine = DutyTask.objects.filter(user=office.crew.manager)
    assert mine.get(code="attendance").due_on == D(2026, 11, 5)
    assert mine.get(code="weekly_summary").period == D(2026, 11, 16)
    assert not DutyTask.objects.filter(user=office.crew.plumber).exists()


def test_done_once_by_the_owner_overdue_flagged_once(office, clock):
    services.plan_duties()
    manager = office.crew.manager
    task = DutyTask.objects.get(user=manager, code="attendance")
    with pytest.raises(PermissionDenied):
        services.duty_complete(actor=office.dept_manager, task=task)
    assert services.flag_overdue_duties() >= 1  # the 5th has passed on the 18th
    assert services.flag_overdue_duties() == 0
    assert "例行工作逾期：审核本部门考勤（11-05 到期）" in inbox(manager, "internal.duty_overdue")
    assert [d.code for d in selectors.overdue_duties(user=manager, center_id=task.service_center_id)].count(
        "attendance"
    ) == 2
    done = services.duty_complete(actor=manager, task=task, note="考勤表已签", expected_version=0)
    assert done.events.filter(kind="done", data__late=True).exists()
    with pytest.raises(ValidationError):
        services.duty_complete(actor=manager, task=task)
    clock.move_to(shanghai_time(2026, 11, 30, 9))
    quality = DutyTask.objects.get(user=manager, code="quality_records")
    assert quality.is_overdue(D(2026, 11, 30)) and not quality.is_overdue(D(2026, 11, 26))


def test_duties_over_the_api(office):
    services.plan_duties()
    api = bearer(office.crew.manager)
    rows = api.get("/api/v1/internal/duties").json()
    attendance = next(r for r in rows if r["code"] == "attendance")
    assert (attendance["title"], attendance["overdue"]) == ("审核本部门考勤", True)
    url = f"/api/v1/internal/duties/{attendance['id']}/complete"
    assert bearer(office.dept_manager).post(url, {}).status_code == 404
    assert api.post(url, {"expected_version": 5}).status_code == 409
    assert api.post(url, {"note": "ok"}).json()["done_at"]
