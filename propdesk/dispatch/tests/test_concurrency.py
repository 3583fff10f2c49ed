"""Races on one work order (PostgreSQL only: SQLite serialises every writer on one database lock, so there
is no row-level race to test there). Each thread opens its own connection, reads its own copies of the users
and the order, waits at a barrier, then calls the service; connections are closed when a thread ends.

- two dispatchers dispatch the same PENDING order from the same version: one wins, the other is told the order
  is stale, and there is exactly one ASSIGNED event;
- a reassignment racing the worker's finish: either the worker finished (still the assignee) and the
  reassignment is refused, or the order was reassigned and the finish is refused — never finished by a worker
  who is no longer the assignee;
- five workers grab the same offered order: exactly one gets it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.dispatch import services
from propdesk.dispatch.choices import EventKind, Status
from propdesk.dispatch.models import WorkOrder, WorkOrderEvent
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.sla.models import SlaTarget
from propdesk.testing.concurrency import outcome, postgresql_only, run_together, seed_default_policies
from propdesk.testing.factories import staff_user
from propdesk.tickets.choices import Status as TicketStatus

from .helpers import (
    NOW,
    advance,
    build_crew,
    error_codes,
    fresh,
    new_ticket,
    set_trades,
    signature_data_url,
    work_order_of,
)

pytestmark = [
    postgresql_only(),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clock"),
]

User = get_user_model()


@pytest.fixture
def crew(world, clock):
    # an earlier transactional test's flush may have removed the seeded policies
    seed_default_policies()
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


def test_two_dispatchers_with_the_same_version_one_wins(world, crew):
    # given a PENDING order at version 1, on the boards of the operator and the supervisor
    wo = work_order_of(new_ticket(crew.receptionist, world))
    choices = [(crew.operator.pk, crew.plumber.pk), (crew.supervisor.pk, crew.electrician.pk)]

    def assign(i: int) -> str:
        actor_pk, worker_pk = choices[i]
        services.work_order_assign(
            actor=User.objects.get(pk=actor_pk),
            work_order=WorkOrder.objects.get(pk=wo.pk),
            assignee=User.objects.get(pk=worker_pk),
            expected_version=1,
        )
        return "ok"

    # when both dispatch at the same moment
    results = run_together(2, assign)

    # then one wins and the other is told the order is stale
    assert sorted(map(outcome, results)) == ["StaleWorkOrder", "ok"]
    loser = next(r for r in results if isinstance(r, Exception))
    assert loser.code == "stale_version"
    winner = results.index("ok")
    wo = fresh(wo)
    assert (wo.status, wo.version, wo.assignee_id) == (Status.ASSIGNED, 2, choices[winner][1])
    assert list(WorkOrderEvent.objects.filter(work_order=wo).values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.ASSIGNED,
    ]
    assert list(Notification.objects.filter(kind="dispatch.assigned").values_list("recipient", flat=True)) == [
        choices[winner][1]
    ]
    assert wo.ticket.status == TicketStatus.IN_PROGRESS


@pytest.mark.parametrize("attempt", range(4))
def test_a_reassignment_racing_the_finish_ends_consistent(world, crew, attempt):
    # given the plumber on site (ARRIVED), the operator looking at that version; the plumber's phone sends the
    # version it shows on even attempts and none on odd ones (then only the assignee check can refuse him)
    wo = advance(work_order_of(new_ticket(crew.receptionist, world)), crew, Status.ARRIVED)
    seen = wo.version
    finish_version = seen if attempt % 2 == 0 else None

    def act(i: int) -> str:
        shown = WorkOrder.objects.get(pk=wo.pk)
        if i == 0:
            services.work_order_finish(
                actor=User.objects.get(pk=crew.plumber.pk),
                work_order=shown,
                result="已更换阀芯",
                signature=signature_data_url(),
                expected_version=finish_version,
            )
            return "finished"
        services.work_order_assign(
            actor=User.objects.get(pk=crew.operator.pk),
            work_order=shown,
            assignee=User.objects.get(pk=crew.electrician.pk),
            expected_version=seen,
            reason="改派电工",
        )
        return "reassigned"

    # when the plumber finishes while the operator reassigns
    finish, reassign = run_together(2, act)

    # then exactly one of them happened, and the order agrees with it
    wo = fresh(wo)
    if finish == "finished":
        assert isinstance(reassign, ValidationError)
        assert error_codes(reassign) <= {"stale_version", "illegal_transition"}
        assert (wo.status, wo.assignee_id, wo.version) == (Status.FINISHED, crew.plumber.pk, seen + 1)
        assert wo.finished_at is not None
        assert SlaTarget.objects.filter(work_order=wo, policy__code="completion_report").count() == 1
    else:
        assert reassign == "reassigned"
        assert isinstance(finish, services.StaleWorkOrder if finish_version else PermissionDenied)
        assert (wo.status, wo.assignee_id, wo.version) == (Status.ASSIGNED, crew.electrician.pk, seen + 1)
        assert (wo.finished_at, wo.result, bool(wo.signature)) == (None, "", False)
        assert SlaTarget.objects.filter(work_order=wo).count() == 0
    # never finished by someone who is no longer the assignee
    assert not (wo.status == Status.FINISHED and wo.assignee_id != crew.plumber.pk)
    assert WorkOrderEvent.objects.filter(work_order=wo, to_status=Status.FINISHED).count() == (
        1 if finish == "finished" else 0
    )


def test_five_workers_grab_the_same_offer_and_exactly_one_gets_it(world, crew):
    # given three more technicians on duty: five in all
    extra = []
    for n in range(1, 4):
        worker = staff_user(f"tech-{n}", Role.TECHNICIAN, center=world.center_a, department=crew.engineering)
        set_trades(worker, ["general"])
        services.duty_update(actor=worker, user=worker, kind="check_in")
        extra.append(worker)
    workers = [crew.plumber, crew.electrician, *extra]
    # and the job of a fresh ticket offered to them
    ticket = new_ticket(crew.receptionist, world)
    wo = services.work_order_offer(actor=crew.operator, work_order=work_order_of(ticket))
    assert Notification.objects.filter(kind="dispatch.offered").count() == 5

    def grab(i: int) -> str:
        services.work_order_grab(actor=User.objects.get(pk=workers[i].pk), work_order=WorkOrder.objects.get(pk=wo.pk))
        return "ok"

    # when all five grab at the same moment
    results = run_together(5, grab)

    # then one gets it; the other four are told it is taken
    assert sorted(map(outcome, results)) == ["ValidationError"] * 4 + ["ok"]
    assert all(error_codes(r) == {"taken"} for r in results if isinstance(r, Exception))
    winner = workers[results.index("ok")]
    wo = fresh(wo)
    assert (wo.status, wo.assignee_id, wo.offered, wo.version) == (Status.ACCEPTED, winner.pk, False, 3)
    assert list(WorkOrderEvent.objects.filter(work_order=wo, kind=EventKind.ASSIGNED).values_list("actor", "data")) == [
        (winner.pk, {"grabbed": True, "to_assignee": winner.pk})
    ]
