"""A center's dispatch through the JSON API: my centers, the board (and its 204 poll), coverage and duty, the
rota, housekeeping arrangements, the weekly approval, a worker's own jobs and sign-off — another center is 404,
field staff get 403 from the center's pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import DutyEvent, DutyStatus, HousekeepingArrangement, RotaEntry, WeeklyApproval
from propdesk.org.choices import Role
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import Kind

from .api_kit import API, as_user, center_url, person
from .helpers import NOW, advance, build_crew, fresh, new_ticket, on18, row_counts, t, work_order_of

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


def staff_row(user, department: str, **fields) -> dict:
    row = {
        "user": person(user),
        "name": user.username,
        "department": department,
        "on_duty": True,
        "radio_ok": True,
        "away_until": None,
        "away_reason": "",
        "reachable": True,
        "on_shift": True,
        "load": 0,
    }
    return row | fields


def test_my_centers(world, crew):
    # when
    operator = as_user(crew.operator).get(f"{API}/dispatch/centers")
    plumber = as_user(crew.plumber).get(f"{API}/dispatch/centers")

    # then
    assert operator.json() == [{"id": world.center_a.pk, "name": "翠湖服务中心"}]
    assert plumber.json() == []


def test_the_board_and_its_poll(world, crew, wo):
    # given
    advance(work_order_of(new_ticket(crew.receptionist, world, content="插座跳闸")), crew, Status.ASSIGNED)
    api = as_user(crew.operator)

    # when
    response = api.get(center_url(world.center_a, "board"))
    unchanged = api.get(center_url(world.center_a, "board"), {"v": response.json()["version"]})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["center"], body["mode"], body["pending"]) == (
        {"id": world.center_a.pk, "name": "翠湖服务中心"},
        "direct",
        1,
    )
    assert [(c["key"], c["title"], c["total"], c["hidden"]) for c in body["columns"]] == [
        ("to_dispatch", "待派单", 1, 0),
        ("not_accepted", "已派未接", 1, 0),
        ("in_progress", "处理中", 0, 0),
        ("to_report", "待报完工", 0, 0),
        ("to_sign_off", "待签认", 0, 0),
        ("to_visit", "待回访", 0, 0),
    ]
    card = body["columns"][0]["cards"][0]
    assert (card["id"], card["number"], card["status"], card["overdue"]) == (wo.pk, wo.number, "pending", False)
    assert card["dispatch_due"] == "2026-11-18T10:05:00+08:00"
    assert body["columns"][1]["cards"][0]["assignee"] == person(crew.plumber)
    assert [s["name"] for s in body["staff"]] == ["electrician", "plumber", "housekeeper"]
    assert unchanged.status_code == 204


def test_a_board_poll_may_leave_the_staff_panel_out(world, crew, wo):
    # given
    api = as_user(crew.operator)
    full = api.get(center_url(world.center_a, "board")).json()
    api.get(center_url(world.center_a, "board"), {"staff": "false"})  # warm up (session)

    # when
    with CaptureQueriesContext(connection) as with_staff:
        api.get(center_url(world.center_a, "board"))
    with CaptureQueriesContext(connection) as without_staff:
        lean = api.get(center_url(world.center_a, "board"), {"staff": "false"})

    # then: the same board, no staff panel, fewer reads
    assert lean.status_code == 200, lean.content
    body = lean.json()
    assert body["staff"] is None
    assert body["columns"] == full["columns"] and body["version"] == full["version"]
    assert len(without_staff) < len(with_staff)


def test_the_board_of_another_center_is_404_and_field_staff_get_403(world, crew):
    # when
    other = as_user(crew.operator).get(center_url(world.center_b, "board"))
    plumber = as_user(crew.plumber).get(center_url(world.center_a, "board"))

    # then
    assert other.status_code == 404
    assert plumber.status_code == 403
    assert plumber.json() == {"detail": "派单台仅限控制中心、客服和维修管理人员使用", "errors": []}


def test_coverage(world, crew, wo):
    # given
    advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    as_user(crew.electrician).post(
        f"{API}/dispatch/duty", {"kind": "leave_coverage", "until": "2026-11-18T11:30:00+08:00", "note": "去五金店"}
    )

    # when
    response = as_user(crew.operator).get(center_url(world.center_a, "coverage"))

    # then
    assert response.status_code == 200, response.content
    assert response.json() == [
        staff_row(
            crew.electrician,
            "工程维修部",
            away_until="2026-11-18T11:30:00+08:00",
            away_reason="去五金店",
            reachable=False,
        ),
        staff_row(crew.plumber, "工程维修部", load=1),
        staff_row(crew.housekeeper, "家政部"),
    ]


def test_set_duty_for_oneself_and_by_the_control_center(crew):
    # when
    own = as_user(crew.plumber).post(f"{API}/dispatch/duty", {"kind": "radio_fault"})
    for_him = as_user(crew.operator).post(f"{API}/dispatch/duty", {"kind": "radio_ok", "user_id": crew.plumber.pk})

    # then
    assert own.status_code == 200, own.content
    assert own.json() == {
        "user": person(crew.plumber),
        "service_center_id": crew.engineering.service_center_id,
        "on_duty": True,
        "radio_ok": False,
        "away_until": None,
        "away_reason": "",
        "reachable": False,
        "updated_at": "2026-11-18T10:00:00+08:00",
    }
    assert (for_him.json()["radio_ok"], for_him.json()["reachable"]) == (True, True)
    assert DutyEvent.objects.filter(user=crew.plumber).latest("at", "pk").actor == crew.operator


def test_a_worker_may_not_set_another_workers_duty(crew):
    # given
    counts = row_counts()

    # when
    response = as_user(crew.electrician).post(f"{API}/dispatch/duty", {"kind": "check_out", "user_id": crew.plumber.pk})

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "只能登记自己或本中心一线人员的在岗状态", "errors": []}
    assert row_counts() == counts
    assert DutyStatus.objects.get(user=crew.plumber).on_duty is True


def test_the_weeks_rota(world, crew):
    # when
    response = as_user(crew.operator).get(center_url(world.center_a, "rota"), {"week": "2026-11-19"})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["week"], body["days"][0], body["days"][-1]) == ("2026-11-16", "2026-11-16", "2026-11-22")
    assert [(r["shift"]["name"], r["shift"]["department"]["name"], r["shift"]["starts"]) for r in body["rows"]] == [
        ("白班", "工程维修部", "08:00:00"),
        ("白班", "家政部", "08:00:00"),
    ]
    wednesday = body["rows"][0]["cells"][2]
    assert wednesday["date"] == "2026-11-18"
    assert sorted(e["user"]["name"] for e in wednesday["entries"]) == ["electrician", "plumber"]
    assert wednesday["entries"][0]["starts_at"] == "2026-11-18T08:00:00+08:00"
    assert body["rows"][0]["cells"][3]["entries"] == []
    assert [u["name"] for u in body["staff"]] == ["electrician", "plumber", "housekeeper"]
    assert body["can_plan"] is True


def test_put_a_worker_on_a_shift_and_replay_it(world, crew):
    # given
    api = as_user(crew.repair_manager)
    body = {"user_id": crew.plumber.pk, "date": "2026-11-19", "shift_id": crew.day_shift.pk}

    # when
    first = api.post(center_url(world.center_a, "rota"), body, headers={"Idempotency-Key": "rota-1"})
    second = api.post(center_url(world.center_a, "rota"), body, headers={"Idempotency-Key": "rota-1"})

    # then
    assert first.status_code == 201, first.content
    entry = RotaEntry.objects.get(user=crew.plumber, date=dt.date(2026, 11, 19))
    assert first.json() == {
        "id": entry.pk,
        "date": "2026-11-19",
        "shift_id": crew.day_shift.pk,
        "user": person(crew.plumber),
        "starts_at": "2026-11-19T08:00:00+08:00",
        "ends_at": "2026-11-19T17:00:00+08:00",
    }
    assert (second.json(), second["Idempotent-Replayed"]) == (first.json(), "true")


def test_a_shift_of_another_center_is_400(world, crew):
    # when
    response = as_user(crew.operator).post(
        center_url(world.center_a, "rota"), {"user_id": crew.plumber.pk, "date": "2026-11-19", "shift_id": 999999}
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "shift_id", "message": "请选择班次、员工和日期"}]


def test_housekeeping_arrangements(world, crew):
    api = as_user(crew.operator)

    # when
    created = api.post(
        center_url(world.center_a, "arrangements"),
        {
            "room": "3-2-1202",
            "weekday": 4,
            "starts": "09:00",
            "ends": "11:00",
            "description": "每周五全屋保洁",
            "worker_id": crew.housekeeper.pk,
        },
        headers={"Idempotency-Key": "hk-1"},
    )
    by_id = api.post(
        center_url(world.center_a, "arrangements"),
        {"household_id": world.household_a.pk, "weekday": 0, "starts": "14:00", "ends": "16:00", "description": "擦窗"},
    )
    listed = api.get(center_url(world.center_a, "arrangements"))

    # then
    assert (created.status_code, by_id.status_code) == (201, 201), created.content
    friday = HousekeepingArrangement.objects.get(weekday=4)
    assert created.json() == {
        "id": friday.pk,
        "household_id": world.household_a.pk,
        "community": {"id": world.community_a.pk, "name": "翠湖花园"},
        "unit": {"id": world.household_a.unit_id, "label": "3栋2单元1202"},
        "weekday": 4,
        "starts": "09:00:00",
        "ends": "11:00:00",
        "description": "每周五全屋保洁",
        "worker": person(crew.housekeeper),
        "is_active": True,
        "generated_until": None,
    }
    assert [(a["weekday"], a["description"], a["worker"]) for a in listed.json()] == [
        (0, "擦窗", None),
        (4, "每周五全屋保洁", person(crew.housekeeper)),
    ]


def test_an_arrangement_for_a_household_of_another_center_is_400(world, crew):
    # when
    response = as_user(crew.operator).post(
        center_url(world.center_a, "arrangements"),
        {"household_id": world.household_b.pk, "weekday": 0, "starts": "14:00", "ends": "16:00", "description": "擦窗"},
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "household_id", "message": "住户不存在或您无权访问"}]
    assert HousekeepingArrangement.objects.count() == 0


@pytest.fixture
def week_orders(world, crew, clock):
    """One repair the week before, two repairs and a special service this week (from Monday 16 November)."""
    clock.move_to(t(2026, 11, 13, 10))
    earlier = work_order_of(new_ticket(crew.receptionist, world, content="上周报修"))
    clock.move_to(NOW)
    repairs = [work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {n}")) for n in (1, 2)]
    work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="家政"))
    return earlier, repairs


def test_the_week_and_its_approval(world, crew, week_orders):
    earlier, repairs = week_orders
    api = as_user(crew.repair_manager)

    # when
    before = api.get(center_url(world.center_a, "weekly"), {"week": "2026-11-18"})
    approved = api.post(
        center_url(world.center_a, "weekly"),
        {"week": "2026-11-18", "decision": "approved", "note": "同意"},
        headers={"Idempotency-Key": "wk-1"},
    )
    after = api.get(center_url(world.center_a, "weekly"), {"week": "2026-11-16"})

    # then
    assert before.status_code == 200, before.content
    assert (before.json()["week"], before.json()["can_decide"], before.json()["decisions"]) == ("2026-11-16", True, [])
    assert [o["id"] for o in before.json()["orders"]] == [w.pk for w in repairs]
    assert approved.status_code == 201, approved.content
    assert approved.json() == {
        "id": WeeklyApproval.objects.get().pk,
        "week_start": "2026-11-16",
        "decision": "approved",
        "decided_by": person(crew.repair_manager),
        "decided_at": "2026-11-18T10:00:00+08:00",
        "note": "同意",
        "order_count": 2,
    }
    assert after.json()["decisions"] == [approved.json()]
    assert [o["week_approved"] for o in after.json()["orders"]] == [True, True]
    assert fresh(earlier).week_approved is False


def test_only_the_repair_manager_approves_the_week(world, crew, week_orders):
    # given
    counts = row_counts()

    # when
    page = as_user(crew.operator).get(center_url(world.center_a, "weekly"))
    response = as_user(crew.operator).post(
        center_url(world.center_a, "weekly"), {"week": "2026-11-18", "decision": "approved"}
    )

    # then
    assert page.json()["can_decide"] is False
    assert response.status_code == 403
    assert response.json() == {"detail": "只有本中心的维修管理员可以审批维修任务单", "errors": []}
    assert row_counts() == counts


def test_another_centers_repair_manager_gets_404(world, crew, week_orders):
    # given
    other = staff_user("repair-b", Role.REPAIR_MANAGER, center=world.center_b)

    # when
    response = as_user(other).post(center_url(world.center_a, "weekly"), {"week": "2026-11-18", "decision": "approved"})

    # then
    assert response.status_code == 404
    assert WeeklyApproval.objects.count() == 0


def test_my_jobs_and_signing_them_all_off(world, crew, wo, clock):
    # given: one job reported, one in hand, the electrician's job elsewhere
    reported = advance(wo, crew, Status.REPORTED, worker=crew.plumber)
    in_hand = advance(work_order_of(new_ticket(crew.receptionist, world, content="马桶堵塞")), crew, Status.ACCEPTED)
    advance(
        work_order_of(new_ticket(crew.receptionist, world, content="插座跳闸")),
        crew,
        Status.ASSIGNED,
        worker=crew.electrician,
    )
    api = as_user(crew.plumber)

    # when
    mine = api.get(f"{API}/dispatch/my-jobs")
    clock.move_to(on18(17))
    signed = api.post(f"{API}/dispatch/my-jobs/sign-off")

    # then
    assert mine.status_code == 200, mine.content
    body = mine.json()
    assert [j["number"] for j in body["jobs"]] == [reported.number, in_hand.number]
    assert [j["number"] for j in body["to_sign_off"]] == [reported.number]
    assert body["offers"] == []
    assert (body["duty"]["on_duty"], body["duty"]["reachable"]) == (True, True)
    assert signed.status_code == 200, signed.content
    assert [(j["number"], j["status"], j["signed_off_at"]) for j in signed.json()] == [
        (reported.number, "signed_off", "2026-11-18T17:00:00+08:00")
    ]
