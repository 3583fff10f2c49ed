"""The work-order state machine (R-WO-1 … R-WO-3), written out here by hand and checked three ways:

- the table in dispatch/choices.py must be exactly this one;
- the move every work-order service goes through (``services.common.move``, the only place a work order's
  status changes) must accept exactly these pairs: every one of the 10 × 10 (from, to) pairs is driven on a real work
  order in the ``from`` state;
- each public entry point that moves an order (dispatch, grab, accept, on the way, arrive, finish, report,
  sign off, close, a dissatisfied return visit, decline, cancel) is called on an order in each of the 10 states:
  it succeeds from exactly the states listed here and is refused from every other, leaving the order as it was.

The expected tables are literals on purpose: a change to the production table has to be made here too.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.dispatch import services
from propdesk.dispatch.choices import ALLOWED_TRANSITIONS, EventKind, Status
from propdesk.dispatch.models import WorkOrder

from .helpers import NOW, build_crew, error_codes, fresh, new_ticket, row_counts, signature_data_url, wo_snapshot

try:  # the services package: the move is services.common.move
    from propdesk.dispatch.services.common import move
except ImportError:  # the single services module it was split from
    move = services._move

STATES = {
    "pending",
    "assigned",
    "accepted",
    "on_the_way",
    "arrived",
    "finished",
    "reported",
    "signed_off",
    "closed",
    "cancelled",
}

ALLOWED = {
    ("pending", "assigned"),
    ("pending", "accepted"),  # grab mode: the worker who grabs the job has accepted it
    ("pending", "cancelled"),
    ("assigned", "accepted"),
    ("assigned", "pending"),  # declined
    ("assigned", "assigned"),  # re-dispatched to another worker
    ("assigned", "cancelled"),
    ("accepted", "on_the_way"),
    ("accepted", "arrived"),
    ("accepted", "finished"),
    ("accepted", "pending"),
    ("accepted", "assigned"),
    ("accepted", "cancelled"),
    ("on_the_way", "arrived"),
    ("on_the_way", "pending"),
    ("on_the_way", "assigned"),
    ("on_the_way", "cancelled"),
    ("arrived", "finished"),
    ("arrived", "pending"),
    ("arrived", "assigned"),
    ("arrived", "cancelled"),
    ("finished", "reported"),
    ("reported", "signed_off"),
    ("signed_off", "closed"),
    ("signed_off", "pending"),  # reopened after a dissatisfied return visit
    ("closed", "pending"),
    # cancelled is final
}

LABELS = {
    "pending": "待派单",
    "assigned": "已派单待接单",
    "accepted": "已接单",
    "on_the_way": "在途",
    "arrived": "已到场",
    "finished": "已完工待报",
    "reported": "已报完工待签认",
    "signed_off": "已签认待回访",
    "closed": "已销单",
    "cancelled": "已取消",
}

PAIRS = sorted((a, b) for a in STATES for b in STATES)


def pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


def order_in(status: str, crew, world, **fields) -> WorkOrder:
    """The work order of a repair recorded at the front desk, put straight into ``status``: with the plumber as
    its assignee unless it is pending, and no return visit owed (so a signed-off order can be closed)."""
    wo = WorkOrder.objects.get(ticket=new_ticket(crew.receptionist, world))
    fields = {"assignee": None if status == "pending" else crew.plumber, "return_visit_required": False, **fields}
    WorkOrder.objects.filter(pk=wo.pk).update(status=status, **fields)
    wo = fresh(wo)
    assert (wo.status, wo.version) == (status, 1)
    return wo


# --- the table ------------------------------------------------------------------------------------------


def test_the_states_are_the_expected_ones():
    assert set(Status.values) == STATES
    assert {s.value: str(s.label) for s in Status} == LABELS


def test_the_production_table_is_exactly_the_literal_one():
    production = {(str(a), str(b)) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}

    assert set(ALLOWED_TRANSITIONS) == STATES
    assert production == ALLOWED
    assert (len(ALLOWED), len(PAIRS) - len(ALLOWED)) == (26, 74)


# --- every pair through the move ------------------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=[pair_id(p) for p in PAIRS])
def test_the_move_follows_the_table(world, crew, from_status, to_status):
    # given a work order of center A in the source state
    wo = order_in(from_status, crew, world)
    before, rows = wo_snapshot(wo), row_counts()

    if (from_status, to_status) not in ALLOWED:
        # when a forbidden move is asked for, then it is refused and nothing changes
        with pytest.raises(ValidationError) as excinfo:
            move(wo, to_status, crew.operator, reason="按流程处理")
        assert excinfo.value.message_dict == {
            "status": [f"工作单状态不能从“{LABELS[from_status]}”变为“{LABELS[to_status]}”"]
        }
        assert error_codes(excinfo.value) == {"illegal_transition"}
        assert (wo_snapshot(wo), row_counts()) == (before, rows)
        return

    # when an allowed move is asked for
    result = move(wo, to_status, crew.operator, reason="按流程处理")

    # then the order is in the target state, one version on, with one event saying so
    after = fresh(wo)
    assert (result.status, after.status, after.version) == (to_status, to_status, 2)
    event = after.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status, event.actor, event.reason) == (
        EventKind.STATUS,
        from_status,
        to_status,
        crew.operator,
        "按流程处理",
    )
    assert after.events.count() == before[-1] + 1


# --- every public entry point from every state ----------------------------------------------------------


def dispatch(crew, wo):
    return services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.electrician)


def grab(crew, wo):
    return services.work_order_grab(actor=crew.electrician, work_order=wo)


def accept(crew, wo):
    return services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=Status.ACCEPTED)


def on_the_way(crew, wo):
    return services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=Status.ON_THE_WAY)


def arrive(crew, wo):
    return services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=Status.ARRIVED)


def finish(crew, wo):
    return services.work_order_finish(
        actor=crew.plumber, work_order=wo, result="已更换水龙头阀芯", signature=signature_data_url()
    )


def report(crew, wo):
    return services.work_order_report(actor=crew.plumber, work_order=wo)


def sign_off(crew, wo):
    return services.work_order_sign_off(actor=crew.operator, work_orders=[wo])[0]


def close(crew, wo):
    return services.work_order_close(actor=crew.operator, work_order=wo)


def dissatisfied_visit(crew, wo):
    services.return_visit_record(actor=crew.operator, work_order=wo, reached=True, quality=1, on_time=True)
    return fresh(wo)


def decline(crew, wo):
    return services.work_order_decline(actor=crew.plumber, work_order=wo, reason="工具不全，无法处理")


def cancel(crew, wo):
    return services.work_order_cancel(actor=crew.operator, work_order=wo, reason="业主已自行修好")


# entry point → (the states it succeeds from, the state it leaves the order in)
ENTRY_POINTS = {
    dispatch: ({"pending", "assigned", "accepted", "on_the_way", "arrived"}, "assigned"),
    grab: ({"pending"}, "accepted"),
    accept: ({"assigned"}, "accepted"),
    on_the_way: ({"accepted"}, "on_the_way"),
    arrive: ({"accepted", "on_the_way"}, "arrived"),
    finish: ({"accepted", "arrived"}, "finished"),
    report: ({"finished"}, "reported"),
    sign_off: ({"reported"}, "signed_off"),
    close: ({"signed_off"}, "closed"),
    dissatisfied_visit: ({"signed_off"}, "pending"),
    decline: ({"assigned", "accepted", "on_the_way"}, "pending"),
    cancel: ({"pending", "assigned", "accepted", "on_the_way", "arrived"}, "cancelled"),
}
# Pairs of the table that no entry point takes: an arrived worker cannot decline, and a closed order is
# never reopened by a service.
NO_ENTRY_POINT = {("arrived", "pending"), ("closed", "pending")}

CALLS = [(service, state) for service in ENTRY_POINTS for state in sorted(STATES)]


def test_the_entry_points_take_every_pair_of_the_table_but_the_listed_ones():
    taken = {(state, target) for states, target in ENTRY_POINTS.values() for state in states}

    assert taken <= ALLOWED
    assert ALLOWED - taken == NO_ENTRY_POINT


@pytest.mark.parametrize(("service", "from_status"), CALLS, ids=[f"{s.__name__}-from-{st}" for s, st in CALLS])
def test_each_entry_point_moves_only_from_its_states(world, crew, service, from_status):
    # given a work order in the source state (offered to the workers, for grab mode)
    wo = order_in(from_status, crew, world, offered=service is grab)
    before, rows = wo_snapshot(wo), row_counts()
    succeeds_from, target = ENTRY_POINTS[service]

    if from_status not in succeeds_from:
        # when the entry point is used from another state, then it is refused and nothing changes
        with pytest.raises((ValidationError, PermissionDenied)):
            service(crew, fresh(wo))
        assert (wo_snapshot(wo), row_counts()) == (before, rows)
        return

    # when
    service(crew, fresh(wo))

    # then the order moved from the source to the target state, in one step of the table
    after = fresh(wo)
    assert (after.status, after.version) == (target, 2)
    event = after.events.order_by("pk").last()
    assert (event.from_status, event.to_status) == (from_status, target)
    assert (from_status, target) in ALLOWED


def test_a_dispatcher_cannot_accept_a_pending_order_for_nobody(world, crew):
    # given an order on the board, not dispatched to anyone
    wo = order_in("pending", crew, world)
    before, rows = wo_snapshot(wo), row_counts()

    # when the control operator records "accepted" for its (missing) worker, then that is refused
    with pytest.raises((ValidationError, PermissionDenied)):
        services.work_order_progress(actor=crew.operator, work_order=wo, to_status=Status.ACCEPTED)
    assert (wo_snapshot(wo), row_counts()) == (before, rows)
