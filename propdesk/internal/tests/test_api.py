"""The internal API: going out and back, the board, leave through its decision, return and confirmation, "my
day" and the dashboard — with clear 4xx answers for bad input, a stale version, someone else's records and the
wrong role."""

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import on18

API = "/api/v1/internal"


def outing(**overrides) -> dict:
    body = {"reason": "银行办事", "place": "招商银行", "phone": "13900001111", "expected_back": "2026-11-18T11:30"}
    return {**body, **overrides}


def test_going_out_and_back_over_the_api(office):
    me = bearer(office.crew.plumber)
    response = me.post(f"{API}/outings", outing())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["place"], body["overdue"], body["user"]["name"]) == ("招商银行", False, "plumber")
    board = bearer(office.crew.operator).get(f"{API}/board").json()
    assert [o["id"] for o in board] == [body["id"]]
    assert me.post(f"{API}/outings/{body['id']}/return", {"expected_version": 3}).status_code == 409
    back = me.post(f"{API}/outings/{body['id']}/return", {"expected_version": 0})
    assert back.status_code == 200 and back.json()["back_at"]
    assert bearer(office.crew.operator).get(f"{API}/board").json() == []


def test_bad_outings_are_4xx(office):
    me = bearer(office.crew.plumber)
    assert me.post(f"{API}/outings", outing(expected_back="2026-11-18T08:00")).status_code == 400
    assert me.post(f"{API}/outings", outing(expected_back="1999-01-01T08:00")).status_code == 422
    assert me.post(f"{API}/outings", outing(reason="x" * 101)).status_code == 422
    assert bearer(office.crew.quality).post(f"{API}/outings", outing()).status_code == 403


def test_someone_elses_outing_cannot_be_returned(office):
    created = bearer(office.crew.plumber).post(f"{API}/outings", outing()).json()
    other = bearer(office.crew.electrician).post(f"{API}/outings/{created['id']}/return", {})
    assert other.status_code == 403
    assert bearer(office.crew.tech_b).post(f"{API}/outings/{created['id']}/return", {}).status_code == 404


def test_leave_through_its_life_over_the_api(office, clock):
    me = bearer(office.crew.electrician)
    response = me.post(
        f"{API}/leave", {"kind": "personal", "starts_on": "2026-11-19", "ends_on": "2026-11-19", "reason": "搬家"}
    )
    assert response.status_code == 201, response.content
    leave = response.json()
    assert (leave["status"], leave["days"], leave["kind_label"]) == ("pending", 1, "事假")
    manager = bearer(office.dept_manager)
    waiting = manager.get(f"{API}/my-day").json()["approvals_waiting"]
    assert [x["id"] for x in waiting] == [leave["id"]]
    assert bearer(office.crew.plumber).get(f"{API}/leave/{leave['id']}").status_code == 404
    assert bearer(office.crew.plumber).post(f"{API}/leave/{leave['id']}/decide", {"approve": True}).status_code == 404
    decided = manager.post(f"{API}/leave/{leave['id']}/decide", {"approve": True, "expected_version": 0})
    assert decided.json()["status"] == "approved"
    clock.move_to(on18(10).replace(day=19))
    assert me.post(f"{API}/leave/{leave['id']}/return", {}).json()["status"] == "returned"
    assert bearer(office.hr).post(f"{API}/leave/{leave['id']}/confirm", {}).json()["status"] == "confirmed"
    mine = me.get(f"{API}/leave", {"mine": True}).json()
    assert [x["status"] for x in mine["items"]] == ["confirmed"]


def test_bad_leave_requests_are_4xx(office):
    me = bearer(office.crew.electrician)
    body = {"kind": "annual", "starts_on": "2026-11-20", "ends_on": "2026-11-19", "reason": "x"}
    assert me.post(f"{API}/leave", body).status_code == 400
    assert me.post(f"{API}/leave", {**body, "kind": "holiday"}).status_code == 422
    assert me.post(f"{API}/leave", {**body, "starts_on": "2100-01-01"}).status_code == 422


def test_dashboard_for_managers_and_hr_only(office):
    bearer(office.crew.plumber).post(f"{API}/outings", outing())
    body = bearer(office.crew.manager).get(f"{API}/dashboard").json()
    assert [o["user"]["name"] for o in body["out"]] == ["plumber"]
    assert bearer(office.hr).get(f"{API}/dashboard").status_code == 200
    assert bearer(office.crew.plumber).get(f"{API}/dashboard").status_code == 403
    assert bearer(office.crew.manager).get(f"{API}/dashboard", {"center_id": 999999}).status_code == 404
