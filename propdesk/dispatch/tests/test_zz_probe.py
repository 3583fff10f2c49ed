import datetime as dt
import pytest, time_machine, traceback
from propdesk.dispatch import services as s
from propdesk.dispatch.models import *
from propdesk.sla.models import SlaTarget, EscalationStep
from propdesk.sla.services import sweep
from .helpers import *


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(BUILT_AT, tick=False) as tr:
        yield tr


def test_probe(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    ticket = new_ticket(crew.receptionist, world)
    wo = work_order_of(ticket)
    print("wo", wo.number, wo.routing, wo.status, wo.version, ticket.status, ticket.assignee)
    print([(x.policy.code, x.due_at, x.state) for x in SlaTarget.objects.all()])
    s.work_order_offer(actor=crew.operator, work_order=wo)
    try:
        s.work_order_grab(actor=crew.plumber, work_order=wo)
        print("grab ok")
    except Exception as e:
        print("grab failed", repr(e))
    s.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.plumber)
    wo = fresh(wo)
    s.work_order_progress(actor=crew.plumber, work_order=wo, to_status="accepted")
    s.work_order_finish(actor=crew.plumber, work_order=wo, result="换阀芯", signature=signature_data_url())
    s.work_order_report(actor=crew.plumber, work_order=wo)
    print([(x.policy.code, x.due_at, x.warn_at, x.state, x.owner) for x in SlaTarget.objects.all()])
    try:
        s.work_order_sign_off(actor=crew.plumber, work_orders=[fresh(wo)])
        print("signoff ok")
    except Exception as e:
        print("signoff failed", repr(e))
    print(fresh(wo).status, Ticket.objects.get(pk=ticket.pk).status)


def test_probe_arrangement(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    arr = s.arrangement_create(
        actor=crew.operator,
        household=world.household_a,
        weekday=4,
        starts=dt.time(9),
        ends=dt.time(11),
        description="保洁",
        worker=crew.housekeeper,
    )
    print(s.generate_arrangement_orders())
    for wo in WorkOrder.objects.all():
        print(wo.number, wo.status, wo.scheduled_start, wo.ticket.status)
    print([(x.policy.code, x.due_at, x.state) for x in SlaTarget.objects.all()])
    clock.move_to(on18(10, 10))
    print(sweep(now=on18(10, 10)))
    print([(x.policy.code, x.due_at, x.state) for x in SlaTarget.objects.all()])
