"""Dispatching through the JSON API: the eligible staff and the suggestion, assign / reassign (stale → 409,
refused → 403 and nothing changed, another center → 404), auto-dispatch, offer and grab."""

import pytest

from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import DispatchSettings
from propdesk.org.choices import Role
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import Kind

from .api_kit import as_user, person, wo_url
from .helpers import NOW, advance, build_crew, fresh, new_ticket, on18, row_counts, wo_snapshot, work_order_of

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


def test_the_eligible_staff_and_the_suggestion(crew, wo):
    # when
    response = as_user(crew.operator).get(wo_url(wo, "eligible-staff"))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mode"] == "direct"
    electrician = {
        "user": person(crew.electrician),
        "name": "electrician",
        "trades": ["electrical", "general"],
        "trade_ok": True,
        "on_shift": True,
        "reachable": True,
        "away_until": None,
        "load": 0,
        "last_assigned": None,
        "eligible": True,
        "free_slots": [],
    }
    assert body["staff"] == [
        electrician,
        {**electrician, "user": person(crew.plumber), "name": "plumber", "trades": ["plumbing", "general"]},
    ]
    assert body["suggestion"] == electrician


def test_housekeeping_eligibility_lists_todays_free_windows(world, crew):
    # given
    job = work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="保洁"))

    # when
    response = as_user(crew.operator).get(wo_url(job, "eligible-staff"))

    # then
    assert response.status_code == 200
    assert [(s["name"], s["free_slots"]) for s in response.json()["staff"]] == [
        ("housekeeper", [{"start": "2026-11-18T08:00:00+08:00", "end": "2026-11-18T17:00:00+08:00"}])
    ]


def test_eligibility_is_for_dispatchers_only(crew, wo):
    # given
    advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)

    # when
    response = as_user(crew.plumber).get(wo_url(wo, "eligible-staff"))

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "只有控制中心可以派单", "errors": []}


def test_assign(crew, wo):
    # when
    response = as_user(crew.operator).post(
        wo_url(wo, "assign"), {"assignee_id": crew.plumber.pk, "expected_version": 1}
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["assignee"], body["assigned_at"], body["version"]) == (
        "assigned",
        person(crew.plumber),
        "2026-11-18T10:00:00+08:00",
        2,
    )
    assert fresh(wo).ticket.status == "in_progress"


def test_reassign_moves_the_job_to_another_worker(crew, wo, clock):
    # given
    wo = advance(wo, crew, Status.ACCEPTED, worker=crew.plumber)
    clock.move_to(on18(10, 30))

    # when
    response = as_user(crew.operator).post(
        wo_url(wo, "assign"),
        {"assignee_id": crew.electrician.pk, "reason": "水工临时外出", "expected_version": wo.version},
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["assignee"]["name"], body["accepted_at"], body["assigned_at"]) == (
        "assigned",
        "electrician",
        None,
        "2026-11-18T10:30:00+08:00",
    )
    event = fresh(wo).events.latest("at", "pk")
    assert (event.kind, event.reason, event.data) == (
        "assigned",
        "水工临时外出",
        {"from_assignee": crew.plumber.pk, "to_assignee": crew.electrician.pk},
    )


def test_a_stale_assign_is_409_and_changes_nothing(crew, wo):
    # given: another dispatcher was faster
    advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    before = wo_snapshot(wo)

    # when
    response = as_user(crew.operator).post(
        wo_url(wo, "assign"), {"assignee_id": crew.electrician.pk, "expected_version": 1}
    )

    # then
    assert response.status_code == 409
    message = f"工作单 {wo.number} 已被他人处理（已派单待接单），请刷新后再操作"
    assert response.json() == {"detail": message, "errors": [{"field": "expected_version", "message": message}]}
    assert wo_snapshot(wo) == before


def test_a_technician_may_not_assign_is_403_and_changes_nothing(crew, wo):
    # given: the plumber's own job, which he can see
    wo = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    before, counts = wo_snapshot(wo), row_counts()

    # when
    response = as_user(crew.plumber).post(wo_url(wo, "assign"), {"assignee_id": crew.electrician.pk})

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "只有控制中心可以派单", "errors": []}
    assert (wo_snapshot(wo), row_counts()) == (before, counts)


def test_assign_in_another_center_is_404(world, crew, wo):
    # given
    desk_b = staff_user("desk-b", Role.CONTROL_OPERATOR, center=world.center_b)
    before = wo_snapshot(wo)

    # when
    response = as_user(desk_b).post(wo_url(wo, "assign"), {"assignee_id": crew.tech_b.pk})

    # then
    assert response.status_code == 404
    assert wo_snapshot(wo) == before


def test_an_unknown_assignee_is_400(crew, wo):
    # when
    response = as_user(crew.operator).post(wo_url(wo, "assign"), {"assignee_id": 999999})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "assignee_id", "message": "该员工不存在或已停用"}]


def test_an_english_client_gets_english_errors(crew, wo):
    # when
    response = as_user(crew.operator).post(wo_url(wo, "assign"), {"assignee_id": 999999}, HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "assignee_id"
    assert response.json()["errors"][0]["message"].isascii()


def test_auto_dispatch_in_direct_mode_assigns_the_suggestion(crew, wo):
    # when
    response = as_user(crew.operator).post(wo_url(wo, "auto-dispatch"), {"expected_version": 1})

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["assignee"]) == ("assigned", person(crew.electrician))


def test_offer_then_grab(world, crew, wo):
    # when
    offered = as_user(crew.operator).post(wo_url(wo, "offer"))
    grabbed = as_user(crew.plumber).post(wo_url(wo, "grab"))
    late = as_user(crew.electrician).post(wo_url(wo, "grab"))

    # then
    assert offered.status_code == 200, offered.content
    assert (offered.json()["offered"], offered.json()["version"]) == (True, 2)
    assert grabbed.status_code == 200, grabbed.content
    assert (grabbed.json()["status"], grabbed.json()["assignee"], grabbed.json()["offered"]) == (
        "accepted",
        person(crew.plumber),
        False,
    )
    assert late.status_code == 404  # no longer an offer, and not his job


def test_auto_dispatch_in_grab_mode_offers(world, crew, wo):
    # given
    DispatchSettings.objects.create(service_center=world.center_a, mode="grab")

    # when
    response = as_user(crew.operator).post(wo_url(wo, "auto-dispatch"))

    # then
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["offered"]) == ("pending", True)
