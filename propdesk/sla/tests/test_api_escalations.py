"""Deadlines and escalations over the API: a ticket's clocks with their steps (the ticket page's SLA panel),
the escalations the caller was notified of, and their acknowledgement.

A consultation recorded on Wednesday 2026-11-18 at 10:00 starts only first_response (2 h of desk time):
warning 11:36 (L1 → the owner), due 12:00 (L2 → the owner and the CS supervisor).
"""

import datetime as dt

import pytest

from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.sla.services import escalation_acknowledge, sweep
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import EventKind, Kind
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import ticket_create

API = "/api/v1"
ESCALATIONS = f"{API}/escalations"

pytestmark = pytest.mark.usefixtures("clock")


def on18(hour: int, minute: int = 0) -> dt.datetime:
    return t(2026, 11, 18, hour, minute)


RECEIVED, WARN, DUE = on18(10), on18(11, 36), on18(12)


@pytest.fixture
def people(world):
    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程部")
    return {
        "reception": staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a),
        "supervisor": staff_user("supervisor-a", Role.CS_SUPERVISOR, center=world.center_a),
        "manager": staff_user("manager-a", Role.CENTER_MANAGER, center=world.center_a),
        "technician": staff_user("tech-a", Role.TECHNICIAN, center=world.center_a, department=engineering),
        "supervisor_b": staff_user("supervisor-b", Role.CS_SUPERVISOR, center=world.center_b),
    }


def record(clock, world, actor, content="咨询停车月卡办理", at=RECEIVED) -> Ticket:
    clock.move_to(at)
    return ticket_create(
        actor=actor,
        kind=Kind.CONSULTATION,
        content=content,
        channel="phone",
        household=world.household_a,
        create_work_order=False,
    )


def overdue(clock, world, people, content="咨询停车月卡办理") -> Ticket:
    """A consultation nobody answered: at 12:00 both the warning (L1) and the due step (L2) are taken."""
    ticket = record(clock, world, people["reception"], content)
    clock.move_to(DUE)
    sweep(now=DUE)
    return ticket


def person(user) -> dict:
    return {"id": user.pk, "name": user.staff_profile.name}


def step_of(ticket, level: int) -> EscalationStep:
    return EscalationStep.objects.get(target__ticket=ticket, level=level)


# --- a ticket's deadlines ---------------------------------------------------------------------------------------


def test_deadlines_show_the_clocks_and_their_steps(clock, world, people):
    # given an overdue consultation whose warning the receptionist acknowledged at 12:05
    ticket = overdue(clock, world, people)
    warn, due = step_of(ticket, 1), step_of(ticket, 2)
    clock.move_to(on18(12, 5))
    escalation_acknowledge(actor=people["reception"], step=warn, note="正在联系")
    target = SlaTarget.objects.get(ticket=ticket)

    # when
    response = bearer(people["reception"]).get(f"{API}/tickets/{ticket.pk}/deadlines")

    # then
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "id": target.pk,
            "policy": {"code": "first_response", "name": target.policy.name, "requirement": target.policy.requirement},
            "state": "breached",
            "work_order_id": None,
            "started_at": "2026-11-18T10:00:00+08:00",
            "due_at": "2026-11-18T12:00:00+08:00",
            "warn_at": "2026-11-18T11:36:00+08:00",
            "stopped_at": None,
            "breached_at": "2026-11-18T12:00:00+08:00",
            "escalation_level": 2,
            "steps": [
                {
                    "id": warn.pk,
                    "level": 1,
                    "when": "warn",
                    "due_at": "2026-11-18T11:36:00+08:00",
                    "taken_at": "2026-11-18T12:00:00+08:00",
                    "recipient_ids": [people["reception"].pk],
                    "acknowledged": True,
                    "acknowledged_by": person(people["reception"]),
                    "acknowledged_at": "2026-11-18T12:05:00+08:00",
                    "acknowledgement": "正在联系",
                },
                {
                    "id": due.pk,
                    "level": 2,
                    "when": "due",
                    "due_at": "2026-11-18T12:00:00+08:00",
                    "taken_at": "2026-11-18T12:00:00+08:00",
                    "recipient_ids": sorted([people["reception"].pk, people["supervisor"].pk]),
                    "acknowledged": False,
                    "acknowledged_by": None,
                    "acknowledged_at": None,
                    "acknowledgement": "",
                },
            ],
        }
    ]


def test_deadlines_of_a_ticket_out_of_reach_are_404_and_refused_to_residents(clock, world, people, resident_user_a):
    # given
    ticket = overdue(clock, world, people)
    resident = ApiClient()
    resident.client.force_login(resident_user_a)
    url = f"{API}/tickets/{ticket.pk}/deadlines"

    # then: another center and a technician the ticket is not assigned to do not see the ticket at all
    assert bearer(people["supervisor_b"]).get(url).status_code == 404
    assert bearer(people["technician"]).get(url).status_code == 404
    assert bearer(people["reception"]).get(f"{API}/tickets/999999/deadlines").status_code == 404
    # then: the resident sees the ticket but not its internal clocks
    refused = resident.get(url)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "仅限物业员工查询", "errors": []}


def test_deadlines_query_count_does_not_depend_on_the_number_of_steps(clock, world, people, django_assert_num_queries):
    # given a ticket with two steps, one of them acknowledged, and a ticket received since (no step yet)
    busy = overdue(clock, world, people, "咨询二")
    quiet = record(clock, world, people["reception"], "咨询一", at=DUE)
    escalation_acknowledge(actor=people["supervisor"], step=step_of(busy, 2))
    api = bearer(people["reception"])
    assert api.get(f"{API}/tickets/{quiet.pk}/deadlines").status_code == 200  # token's last_used_at written once

    # when / then: token, scope (4), ticket, targets, steps
    with django_assert_num_queries(8):
        assert len(api.get(f"{API}/tickets/{quiet.pk}/deadlines").json()[0]["steps"]) == 0
    with django_assert_num_queries(8):
        assert len(api.get(f"{API}/tickets/{busy.pk}/deadlines").json()[0]["steps"]) == 2


# --- the escalations I was notified of -------------------------------------------------------------------------


def test_escalations_lists_the_steps_i_was_notified_of_newest_first(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    warn, due = step_of(ticket, 1), step_of(ticket, 2)

    # when
    reception = bearer(people["reception"]).get(ESCALATIONS).json()
    supervisor = bearer(people["supervisor"]).get(ESCALATIONS).json()

    # then: the owner got both steps, the supervisor only the due one
    assert (reception["count"], [s["id"] for s in reception["items"]]) == (2, [due.pk, warn.pk])
    assert supervisor["count"] == 1
    assert supervisor["items"] == [
        {
            "id": due.pk,
            "level": 2,
            "when": "due",
            "due_at": "2026-11-18T12:00:00+08:00",
            "taken_at": "2026-11-18T12:00:00+08:00",
            "recipient_ids": sorted([people["reception"].pk, people["supervisor"].pk]),
            "acknowledged": False,
            "acknowledged_by": None,
            "acknowledged_at": None,
            "acknowledgement": "",
            "ticket": {"id": ticket.pk, "number": ticket.number, "title": "咨询停车月卡办理"},
            "deadline": {
                "id": due.target_id,
                "policy": {
                    "code": "first_response",
                    "name": due.target.policy.name,
                    "requirement": due.target.policy.requirement,
                },
                "state": "breached",
                "due_at": "2026-11-18T12:00:00+08:00",
            },
        }
    ]


def test_escalations_filter_by_acknowledgement(clock, world, people):
    # given the warning acknowledged, the due step not
    ticket = overdue(clock, world, people)
    warn, due = step_of(ticket, 1), step_of(ticket, 2)
    escalation_acknowledge(actor=people["reception"], step=warn)
    api = bearer(people["reception"])

    # then
    assert [s["id"] for s in api.get(ESCALATIONS, {"acknowledged": "false"}).json()["items"]] == [due.pk]
    assert [s["id"] for s in api.get(ESCALATIONS, {"acknowledged": "true"}).json()["items"]] == [warn.pk]
    assert api.get(ESCALATIONS, {"acknowledged": "maybe"}).status_code == 422


def test_escalations_are_only_mine_and_only_in_my_scope(clock, world, people):
    # given
    overdue(clock, world, people)

    # then: the manager oversees the ticket but was not notified; center B's supervisor sees nothing
    assert bearer(people["manager"]).get(ESCALATIONS).json() == {"count": 0, "count_exact": True, "items": []}
    assert bearer(people["supervisor_b"]).get(ESCALATIONS).json()["count"] == 0


def test_escalations_query_count_does_not_depend_on_page_size(clock, world, people, django_assert_num_queries):
    # given three overdue tickets: six steps for the receptionist
    for i in range(3):
        overdue(clock, world, people, f"咨询{i}")
    api = bearer(people["reception"])
    assert api.get(ESCALATIONS).status_code == 200

    # when / then: token, scope (4), count, page
    with django_assert_num_queries(7):
        small = api.get(ESCALATIONS, {"limit": 1}).json()
    with django_assert_num_queries(7):
        large = api.get(ESCALATIONS, {"limit": 50}).json()
    assert (small["count"], len(small["items"]), len(large["items"])) == (6, 1, 6)


# --- acknowledge -----------------------------------------------------------------------------------------------


def test_acknowledge_an_escalation(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    due = step_of(ticket, 2)
    clock.move_to(on18(12, 5))

    # when
    response = bearer(people["supervisor"]).post(f"{ESCALATIONS}/{due.pk}/acknowledge", {"note": "已安排专人回电"})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["acknowledged"], body["acknowledged_at"], body["acknowledgement"]) == (
        due.pk,
        True,
        "2026-11-18T12:05:00+08:00",
        "已安排专人回电",
    )
    assert body["acknowledged_by"] == person(people["supervisor"])
    due.refresh_from_db()
    assert (due.acknowledged_by, due.acknowledged_at, due.acknowledgement) == (
        people["supervisor"],
        on18(12, 5),
        "已安排专人回电",
    )
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).latest("pk")
    assert (event.actor, event.data) == (people["supervisor"], {"acknowledged_step": due.pk})


def test_acknowledge_without_a_note(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    warn = step_of(ticket, 1)

    # when
    response = bearer(people["reception"]).post(f"{ESCALATIONS}/{warn.pk}/acknowledge", "")

    # then
    assert response.status_code == 200
    assert (response.json()["acknowledged"], response.json()["acknowledgement"]) == (True, "")


def test_acknowledge_refusals_change_nothing(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    due = step_of(ticket, 2)
    url = f"{ESCALATIONS}/{due.pk}/acknowledge"
    events = TicketEvent.objects.count()

    # when / then: center B does not see the step at all
    assert bearer(people["supervisor_b"]).post(url, {"note": "x"}).status_code == 404
    assert bearer(people["reception"]).post(f"{ESCALATIONS}/999999/acknowledge", {}).status_code == 404
    # when / then: a technician of the community, neither notified nor able to see the ticket, is refused
    denied = bearer(people["technician"]).post(url, {"note": "x"})
    assert denied.status_code == 403
    assert denied.json() == {"detail": "您无权确认该升级", "errors": []}
    due.refresh_from_db()
    assert (due.acknowledged_by, due.acknowledged_at) == (None, None)
    assert TicketEvent.objects.count() == events


def test_a_second_acknowledgement_is_400_and_keeps_the_first(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    due = step_of(ticket, 2)
    escalation_acknowledge(actor=people["supervisor"], step=due, note="我来处理")

    # when
    response = bearer(people["reception"]).post(f"{ESCALATIONS}/{due.pk}/acknowledge", {"note": "我也确认"})

    # then
    assert response.status_code == 400
    assert response.json()["detail"] == "该升级已由 supervisor-a 确认"
    due.refresh_from_db()
    assert (due.acknowledged_by, due.acknowledgement) == (people["supervisor"], "我来处理")


def test_an_overlong_note_is_422(clock, world, people):
    # given
    ticket = overdue(clock, world, people)
    due = step_of(ticket, 2)

    # when
    response = bearer(people["supervisor"]).post(f"{ESCALATIONS}/{due.pk}/acknowledge", {"note": "长" * 201})

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "note", "message": "不能超过 200 个字符"}]
    due.refresh_from_db()
    assert due.acknowledged_at is None
