"""Dispatch services (SPEC §3, R-WO-1 … R-WO-7): work orders from creation to closing, routing classes,
eligibility and the three dispatch modes, the worker's progress, finishing with the customer's signature,
reporting and signing off with their SLA clocks, return visits, contact sheets, vendor chasing, the
engineering follow-up register, duty and reachability, free slots, long-term housekeeping arrangements and
the weekly approval.

Every test acts on Wednesday 18 November 2026 from 10:00 (the clock is pinned); the crew of center A is
checked in and on the 08:00–17:00 day shift."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.communities.models import Household
from propdesk.core.texts import render
from propdesk.dispatch import services
from propdesk.dispatch.choices import (
    ContactSheetStep,
    DispatchMode,
    DutyEventKind,
    EventKind,
    ReturnVisitPolicy,
    Routing,
    Status,
    Trade,
)
from propdesk.dispatch.models import (
    ContactSheet,
    DispatchSettings,
    DutyEvent,
    DutyStatus,
    FollowUp,
    ReturnVisit,
    WeeklyApproval,
    WorkOrder,
    WorkOrderEvent,
)
from propdesk.org.choices import Role
from propdesk.sla.choices import TargetState
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.testing.factories import (
    BuildingFactory,
    DeveloperFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
    VendorFactory,
    staff_user,
)
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.choices import Status as TicketStatus
from propdesk.tickets.models import Reply, Ticket
from propdesk.tickets.services import ticket_create

from .helpers import (
    DAY,
    NOW,
    SHIFT_END,
    advance,
    build_crew,
    error_codes,
    fresh,
    inbox,
    new_ticket,
    on18,
    png_bytes,
    row_counts,
    signature_data_url,
    t,
    target,
    wo_snapshot,
    work_order_of,
)

NUMBER = "BX-20261118-0001-1"  # the first repair of the day in center A, its first work order


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def ticket(world, crew):
    return new_ticket(crew.receptionist, world)


@pytest.fixture
def wo(ticket):
    return work_order_of(ticket)


def unchanged(wo):
    """What a refused action must leave as it was: the order and every dispatch-related table."""
    return wo_snapshot(wo), row_counts()


def config(world, **fields) -> DispatchSettings:
    """The center's dispatch settings (master data)."""
    return DispatchSettings.objects.create(service_center=world.center_a, **fields)


def warranty_household(world, *, unit_end=None, building_end=None, developer=True) -> Household:
    """A household of 翠湖花园 5栋 with the given warranty ends (and a developer for contact sheets)."""
    building = BuildingFactory(
        community=world.community_a,
        name="5栋",
        developer=DeveloperFactory(company=world.company, name="华建地产") if developer else None,
        warranty_end=building_end,
    )
    unit = UnitFactory(building=building, entrance="1单元", number="601", warranty_end=unit_end)
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name="王芳", phone="13700001111")
    return household


# ----------------------------------------------------------------------------- creation and routing


def test_a_repair_ticket_comes_with_a_pending_engineering_work_order(crew, ticket):
    # given a repair recorded at the front desk (fixture)
    # then the ticket has exactly one work order, waiting on the board
    wo = work_order_of(ticket)
    assert (wo.number, wo.status, wo.routing, wo.trade, wo.version) == (
        NUMBER,
        Status.PENDING,
        Routing.ENGINEERING,
        Trade.GENERAL,
        1,
    )
    assert (wo.service_center_id, wo.community_id, wo.description) == (
        ticket.service_center_id,
        ticket.community_id,
        "厨房水龙头漏水",
    )
    assert (wo.created_by, wo.created_at, wo.assignee, wo.offered) == (crew.receptionist, NOW, None, False)
    assert list(wo.events.values_list("kind", "actor", "to_status", "data")) == [
        (EventKind.CREATED, None, Status.PENDING, {"trade": Trade.GENERAL, "routing": Routing.ENGINEERING})
    ]


def test_a_special_service_ticket_comes_with_a_housekeeping_work_order(world, crew):
    ticket = new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="周五上午家政保洁")
    wo = work_order_of(ticket)
    assert (wo.number, wo.status, wo.routing, wo.trade) == (
        "TY-20261118-0001-1",
        Status.PENDING,
        Routing.HOUSEKEEPING,
        Trade.HOUSEKEEPING,
    )


def test_a_consultation_gets_no_work_order_and_cannot_be_given_one(world, crew):
    ticket = new_ticket(crew.receptionist, world, kind=Kind.CONSULTATION, content="咨询停车月卡")
    assert WorkOrder.objects.filter(ticket=ticket).count() == 0
    before = row_counts()

    with pytest.raises(ValidationError) as exc:
        services.work_order_create(actor=crew.operator, ticket=ticket, trade=Trade.PLUMBING)

    assert error_codes(exc.value) == {"wrong_kind"}
    assert row_counts() == before


def test_a_second_trade_for_the_same_ticket_is_numbered_2(crew, ticket):
    wo = services.work_order_create(actor=crew.operator, ticket=ticket, trade=Trade.ELECTRICAL, description="插座跳闸")
    assert (wo.number, wo.trade, wo.description, wo.created_by) == (
        "BX-20261118-0001-2",
        Trade.ELECTRICAL,
        "插座跳闸",
        crew.operator,
    )
    assert list(WorkOrder.objects.filter(ticket=ticket).order_by("pk").values_list("number", flat=True)) == [
        NUMBER,
        "BX-20261118-0001-2",
    ]


def test_a_technician_cannot_create_work_orders(crew, ticket):
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.work_order_create(actor=crew.plumber, ticket=ticket, trade=Trade.PLUMBING)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("unit_end", "building_end", "expected"),
    [
        (dt.date(2027, 6, 30), None, Routing.RECTIFICATION),  # the unit's own warranty runs
        (None, dt.date(2027, 6, 30), Routing.RECTIFICATION),  # the building's warranty runs
        (DAY, None, Routing.RECTIFICATION),  # the last day of the warranty still counts
        (None, dt.date(2026, 11, 17), Routing.ENGINEERING),  # expired yesterday
        (dt.date(2026, 11, 17), dt.date(2027, 6, 30), Routing.ENGINEERING),  # the unit's date overrides
        (None, None, Routing.ENGINEERING),  # no warranty recorded
    ],
)
def test_routing_follows_the_warranty_of_the_unit_or_building(world, crew, unit_end, building_end, expected):
    household = warranty_household(world, unit_end=unit_end, building_end=building_end)
    ticket = new_ticket(crew.receptionist, world, household=household, content="外墙渗水")
    assert work_order_of(ticket).routing == expected


def test_vendor_routing_requires_a_vendor(crew, ticket):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.work_order_create(actor=crew.operator, ticket=ticket, routing=Routing.VENDOR)
    assert error_codes(exc.value) == {"required"}
    assert set(exc.value.message_dict) == {"vendor"}
    assert row_counts() == before


def test_vendor_routing_records_the_promised_time(world, crew, ticket):
    vendor = VendorFactory(company=world.company, name="宽带公司", promised_response_hours=4)
    wo = services.work_order_create(
        actor=crew.operator, ticket=ticket, routing=Routing.VENDOR, vendor=vendor, description="宽带不通"
    )
    wo = fresh(wo)
    assert (wo.number, wo.routing, wo.vendor, wo.vendor_notified_at, wo.vendor_due_at, wo.version) == (
        "BX-20261118-0001-2",
        Routing.VENDOR,
        vendor,
        NOW,
        on18(14),
        2,
    )
    assert [(e.kind, render(e.reason)) for e in wo.events.all()] == [
        (EventKind.CREATED, ""),
        (EventKind.VENDOR, "已通知外联单位 宽带公司，承诺 4 小时内处理"),
    ]


# ----------------------------------------------------------------------------- eligibility (R-WO-7)


def rows_of(wo, now=None) -> list[tuple]:
    return [
        (r["name"], r["eligible"], r["trade_ok"], r["reachable"], r["on_shift"], r["load"])
        for r in services.eligible_staff(work_order=wo, now=now)
    ]


def test_both_technicians_on_duty_are_eligible_for_a_general_repair(crew, wo):
    assert rows_of(wo) == [
        ("electrician", True, True, True, True, 0),
        ("plumber", True, True, True, True, 0),
    ]


def test_a_technician_without_the_trade_is_not_eligible(crew, ticket):
    wo = services.work_order_create(actor=crew.operator, ticket=ticket, trade=Trade.PLUMBING)
    assert rows_of(wo) == [
        ("plumber", True, True, True, True, 0),
        ("electrician", False, False, True, True, 0),
    ]


@pytest.mark.parametrize(
    ("kind", "until"),
    [(DutyEventKind.CHECK_OUT, None), (DutyEventKind.RADIO_FAULT, None), (DutyEventKind.LEAVE_COVERAGE, on18(11))],
)
def test_an_unreachable_technician_is_not_eligible(crew, wo, kind, until):
    services.duty_update(actor=crew.plumber, user=crew.plumber, kind=kind, until=until)
    assert rows_of(wo) == [
        ("electrician", True, True, True, True, 0),
        ("plumber", False, True, False, True, 0),
    ]
    assert services.suggest(work_order=wo)["user"] == crew.electrician


def test_a_technician_away_is_eligible_again_once_the_announced_time_has_passed(crew, wo):
    services.duty_update(actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.LEAVE_COVERAGE, until=on18(11))
    assert rows_of(wo, now=on18(10, 59))[1] == ("plumber", False, True, False, True, 0)
    assert rows_of(wo, now=on18(11))[1] == ("plumber", True, True, True, True, 0)


def test_the_suggestion_is_the_least_loaded_technician(world, crew, wo):
    # given the electrician (first by name) already busy with another job
    other = work_order_of(new_ticket(crew.receptionist, world, content="卫生间灯不亮"))
    services.work_order_assign(actor=crew.operator, work_order=other, assignee=crew.electrician)
    # then the plumber, idle, is suggested
    assert rows_of(wo) == [
        ("plumber", True, True, True, True, 0),
        ("electrician", True, True, True, True, 1),
    ]
    assert services.suggest(work_order=wo)["user"] == crew.plumber


def test_a_worker_of_another_center_never_appears(crew, ticket):
    # given a plumbing job: the plumber of center B is on duty and has the trade
    wo = services.work_order_create(actor=crew.operator, ticket=ticket, trade=Trade.PLUMBING)
    names = [r["name"] for r in services.eligible_staff(work_order=wo)]
    assert names == ["plumber", "electrician"]


def test_housekeeping_jobs_go_to_housekeepers_only(world, crew):
    wo = work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="家政保洁"))
    assert rows_of(wo) == [("housekeeper", True, True, True, True, 0)]


# ----------------------------------------------------------------------------- direct dispatch (R-WO-1)


def test_assigning_dispatches_notifies_the_worker_and_meets_the_dispatch_clock(crew, ticket, wo, clock):
    # given the dispatch clock started at 10:00 (due 10:05)
    assert (target(ticket, "dispatch").state, target(ticket, "dispatch").due_at) == (TargetState.RUNNING, on18(10, 5))
    clock.move_to(on18(10, 3))

    # when the control operator dispatches to the plumber at 10:03
    services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.plumber, expected_version=1)

    # then
    wo = fresh(wo)
    assert (wo.status, wo.assignee, wo.assigned_at, wo.version) == (Status.ASSIGNED, crew.plumber, on18(10, 3), 2)
    assert list(wo.events.filter(kind=EventKind.ASSIGNED).values_list("actor", "from_status", "to_status", "data")) == [
        (crew.operator.pk, Status.PENDING, Status.ASSIGNED, {"from_assignee": None, "to_assignee": crew.plumber.pk})
    ]
    assert inbox(crew.plumber) == [f"新工作单 {NUMBER}：翠湖花园 3栋2单元1202"]
    dispatch = target(ticket, "dispatch")
    assert (dispatch.state, dispatch.stopped_at) == (TargetState.MET, on18(10, 3))
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_an_unreachable_worker_is_refused_and_nothing_changes(crew, wo):
    services.duty_update(actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.RADIO_FAULT)
    before = unchanged(wo)

    with pytest.raises(ValidationError) as exc:
        services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.plumber)

    assert error_codes(exc.value) == {"unreachable"}
    assert unchanged(wo) == before


def test_a_worker_of_another_center_cannot_be_assigned(crew, wo):
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.tech_b)
    assert error_codes(exc.value) == {"not_worker"}
    assert unchanged(wo) == before


@pytest.mark.parametrize("who", ["electrician", "housekeeper"])
def test_field_staff_cannot_dispatch(crew, wo, who):
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=getattr(crew, who), work_order=wo, assignee=crew.plumber)
    assert unchanged(wo) == before


def test_a_dispatcher_of_another_center_cannot_dispatch(world, crew, wo):
    operator_b = staff_user("operator-b", Role.CONTROL_OPERATOR, center=world.center_b)
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.work_order_assign(actor=operator_b, work_order=wo, assignee=crew.plumber)
    assert unchanged(wo) == before


def test_a_stale_version_is_refused_with_stale_work_order(crew, wo):
    # given the supervisor dispatched first (version 1 → 2)
    services.work_order_assign(actor=crew.supervisor, work_order=wo, assignee=crew.electrician, expected_version=1)
    before = unchanged(wo)

    # when the operator, still looking at version 1, dispatches to the plumber
    with pytest.raises(services.StaleWorkOrder) as exc:
        services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.plumber, expected_version=1)

    # then
    assert exc.value.code == "stale_version"
    assert exc.value.messages == [f"工作单 {NUMBER} 已被他人处理（已派单待接单），请刷新后再操作"]
    assert unchanged(wo) == before
    assert fresh(wo).assignee == crew.electrician


def test_reassigning_moves_the_job_to_the_new_worker(crew, wo, clock):
    wo = advance(wo, crew, Status.ACCEPTED)
    clock.move_to(on18(10, 20))

    services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.electrician, reason="水工另有急修")

    wo = fresh(wo)
    assert (wo.status, wo.assignee, wo.assigned_at, wo.accepted_at) == (
        Status.ASSIGNED,
        crew.electrician,
        on18(10, 20),
        None,
    )
    assert wo.events.last().data == {"from_assignee": crew.plumber.pk, "to_assignee": crew.electrician.pk}
    assert inbox(crew.electrician) == [f"新工作单 {NUMBER}：翠湖花园 3栋2单元1202"]


# ----------------------------------------------------------------------------- grab mode and round robin


def test_an_offer_is_sent_to_eligible_workers_and_the_first_grab_wins(crew, ticket, wo):
    # given the job of a fresh ticket offered (grab mode)
    services.work_order_offer(actor=crew.operator, work_order=wo, expected_version=1)
    offered = fresh(wo)
    assert (offered.status, offered.offered, offered.version) == (Status.PENDING, True, 2)
    assert inbox(crew.plumber) == inbox(crew.electrician) == [f"抢单：{NUMBER} 翠湖花园 3栋2单元1202"]
    assert inbox(crew.housekeeper) == inbox(crew.tech_b) == []

    # when the plumber grabs it
    services.work_order_grab(actor=crew.plumber, work_order=wo)

    # then it is his, accepted
    wo = fresh(wo)
    assert (wo.status, wo.assignee, wo.offered, wo.assigned_at, wo.accepted_at) == (
        Status.ACCEPTED,
        crew.plumber,
        False,
        NOW,
        NOW,
    )
    assert wo.events.last().data == {"grabbed": True, "to_assignee": crew.plumber.pk}
    assert target(ticket, "dispatch").state == TargetState.MET
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS

    # and the electrician, a moment late, is told it is taken
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_grab(actor=crew.electrician, work_order=wo)
    assert error_codes(exc.value) == {"taken"}
    assert exc.value.messages == ["该工作单已被他人接走"]
    assert unchanged(wo) == before


def test_a_job_not_offered_cannot_be_grabbed(crew, wo):
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_grab(actor=crew.plumber, work_order=wo)
    assert error_codes(exc.value) == {"taken"}
    assert unchanged(wo) == before


def test_an_unreachable_worker_cannot_grab(crew, wo):
    services.work_order_offer(actor=crew.operator, work_order=wo)
    services.duty_update(actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.CHECK_OUT)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_grab(actor=crew.plumber, work_order=wo)
    assert error_codes(exc.value) == {"unreachable"}
    assert unchanged(wo) == before


def test_a_worker_can_grab_the_job_of_a_new_ticket(crew, ticket, wo):
    # given a fresh ticket (still NEW) whose job is offered
    services.work_order_offer(actor=crew.operator, work_order=wo)
    # when the plumber grabs it
    services.work_order_grab(actor=crew.plumber, work_order=wo)
    # then the job is his and the ticket is in progress
    assert (fresh(wo).status, fresh(wo).assignee) == (Status.ACCEPTED, crew.plumber)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_auto_dispatch_in_grab_mode_offers_the_job(world, crew, ticket, wo):
    config(world, mode=DispatchMode.GRAB)
    services.work_order_dispatch_auto(actor=crew.operator, work_order=wo, expected_version=1)
    assert (fresh(wo).status, fresh(wo).offered, fresh(wo).assignee) == (Status.PENDING, True, None)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # round robin: the electrician's last job (10:01) is older than the plumber's (10:05)
        (DispatchMode.ROUND_ROBIN, "electrician"),
        # direct: the suggestion, i.e. the least loaded (the plumber has 1 job, the electrician 2)
        (DispatchMode.DIRECT, "plumber"),
    ],
)
def test_auto_dispatch_by_mode(world, crew, clock, mode, expected):
    config(world, mode=mode)
    for minute, worker in ((0, crew.electrician), (1, crew.electrician), (5, crew.plumber)):
        clock.move_to(on18(10, minute))
        job = work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {minute}"))
        services.work_order_assign(actor=crew.operator, work_order=job, assignee=worker)
    clock.move_to(on18(10, 10))
    wo = work_order_of(new_ticket(crew.receptionist, world, content="厨房水管爆裂"))

    services.work_order_dispatch_auto(actor=crew.operator, work_order=wo, expected_version=1)

    assert (fresh(wo).status, fresh(wo).assignee) == (Status.ASSIGNED, getattr(crew, expected))


def test_round_robin_pick_prefers_a_worker_never_assigned(world, crew, clock):
    job = work_order_of(new_ticket(crew.receptionist, world, content="报修"))
    services.work_order_assign(actor=crew.operator, work_order=job, assignee=crew.electrician)
    wo = work_order_of(new_ticket(crew.receptionist, world, content="又一报修"))
    assert services.round_robin_pick(work_order=wo) == crew.plumber


def test_auto_dispatch_with_nobody_reachable_is_refused(crew, wo):
    for worker in (crew.plumber, crew.electrician):
        services.duty_update(actor=worker, user=worker, kind=DutyEventKind.CHECK_OUT)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_dispatch_auto(actor=crew.operator, work_order=wo)
    assert error_codes(exc.value) == {"nobody"}
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- decline and progress


def test_declining_with_a_reason_returns_the_job_to_the_board_and_tells_control(crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED)

    services.work_order_decline(actor=crew.plumber, work_order=wo, reason="手上急修未完")

    wo = fresh(wo)
    assert (wo.status, wo.assignee, wo.version) == (Status.PENDING, None, 3)
    assert list(wo.events.filter(kind=EventKind.DECLINED).values_list("actor", "reason", "data")) == [
        (crew.plumber.pk, "手上急修未完", {"from_assignee": crew.plumber.pk})
    ]
    assert inbox(crew.operator, "dispatch.declined") == [f"plumber 拒单 {NUMBER}：手上急修未完"]
    assert inbox(crew.supervisor) == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_without_a_reason_is_refused(crew, wo, reason):
    wo = advance(wo, crew, Status.ASSIGNED)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_decline(actor=crew.plumber, work_order=wo, reason=reason)
    assert error_codes(exc.value) == {"required"}
    assert unchanged(wo) == before


def test_the_worker_reports_progress_himself(crew, wo, clock):
    wo = advance(wo, crew, Status.ASSIGNED)
    for minute, status in ((2, Status.ACCEPTED), (10, Status.ON_THE_WAY), (25, Status.ARRIVED)):
        clock.move_to(on18(10, minute))
        services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=status)

    wo = fresh(wo)
    assert (wo.status, wo.accepted_at, wo.on_the_way_at, wo.arrived_at, wo.version) == (
        Status.ARRIVED,
        on18(10, 2),
        on18(10, 10),
        on18(10, 25),
        5,
    )
    assert list(wo.events.filter(kind=EventKind.STATUS).values_list("actor", "on_behalf_of", "to_status")) == [
        (crew.plumber.pk, None, Status.ACCEPTED),
        (crew.plumber.pk, None, Status.ON_THE_WAY),
        (crew.plumber.pk, None, Status.ARRIVED),
    ]


def test_a_dispatcher_records_progress_on_behalf_of_the_worker(crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED)

    services.work_order_progress(actor=crew.operator, work_order=wo, to_status=Status.ACCEPTED, expected_version=2)

    event = WorkOrderEvent.objects.filter(work_order=wo).last()
    assert (event.kind, event.actor, event.on_behalf_of, event.to_status) == (
        EventKind.STATUS,
        crew.operator,
        crew.plumber,
        Status.ACCEPTED,
    )
    assert fresh(wo).status == Status.ACCEPTED


def test_another_technician_cannot_touch_the_job(crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED)
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.work_order_progress(actor=crew.electrician, work_order=wo, to_status=Status.ACCEPTED)
    assert unchanged(wo) == before


def test_progress_must_follow_the_state_machine(crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=Status.ARRIVED)
    assert error_codes(exc.value) == {"illegal_transition"}
    assert unchanged(wo) == before


def test_progress_with_a_stale_version_is_refused(crew, wo):
    wo = advance(wo, crew, Status.ASSIGNED)
    before = unchanged(wo)
    with pytest.raises(services.StaleWorkOrder):
        services.work_order_progress(actor=crew.plumber, work_order=wo, to_status=Status.ACCEPTED, expected_version=1)
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- finish and report (R-WO-2)


def test_finishing_a_job_twice_is_refused_and_keeps_no_second_signature(crew, wo, clock):
    from django.core.files.storage import default_storage

    wo = advance(wo, crew, Status.ARRIVED)
    services.work_order_finish(actor=crew.plumber, work_order=wo, result="更换阀芯", signature=signature_data_url())
    wo = fresh(wo)
    first = wo.signature.name
    _dirs, before = default_storage.listdir("signatures/2026/11")

    with pytest.raises(ValidationError) as refused:
        services.work_order_finish(actor=crew.plumber, work_order=wo, result="再次完工", signature=signature_data_url())

    assert "工作单状态不能从" in str(refused.value)
    assert default_storage.listdir("signatures/2026/11")[1] == before
    assert (fresh(wo).signature.name, fresh(wo).result) == (first, "更换阀芯")


def test_finishing_with_a_signature_starts_the_completion_report_clock(crew, ticket, wo, clock):
    wo = advance(wo, crew, Status.ARRIVED)
    clock.move_to(on18(11))
    raw = png_bytes()

    services.work_order_finish(
        actor=crew.plumber, work_order=wo, result="更换阀芯", signature=signature_data_url(raw), rating=5
    )

    wo = fresh(wo)
    assert (wo.status, wo.finished_at, wo.result, wo.customer_confirmed, wo.customer_rating) == (
        Status.FINISHED,
        on18(11),
        "更换阀芯",
        True,
        5,
    )
    # stored under the month, named after the order (the storage adds a suffix when the name is taken)
    assert re.fullmatch(rf"signatures/2026/11/{NUMBER}(_[0-9A-Za-z]{{7}})?\.png", wo.signature.name)
    with wo.signature.open("rb") as stored:
        assert stored.read() == raw
    report = target(ticket, "completion_report")
    assert (report.state, report.work_order, report.started_at, report.warn_at, report.due_at, report.owner) == (
        TargetState.RUNNING,
        wo,
        on18(11),
        on18(11, 8),
        on18(11, 10),
        crew.plumber,
    )


def test_finishing_without_the_customer_records_why(crew, wo):
    wo = advance(wo, crew, Status.ARRIVED)
    services.work_order_finish(
        actor=crew.plumber, work_order=wo, result="更换阀芯", customer_absent_reason="业主上班，家人在场"
    )
    wo = fresh(wo)
    assert (wo.status, wo.customer_confirmed, wo.customer_absent_reason, bool(wo.signature)) == (
        Status.FINISHED,
        False,
        "业主上班，家人在场",
        False,
    )


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"result": "", "signature": "png"}, {"required"}),
        ({"result": "更换阀芯"}, {"required"}),  # neither a signature nor an absent reason
        ({"result": "更换阀芯", "signature": "data:image/jpeg;base64,/9j/4AAQ"}, {"invalid"}),
        ({"result": "更换阀芯", "signature": "data:image/png;base64,%%%"}, {"invalid"}),
        ({"result": "更换阀芯", "signature": "data:image/png;base64,R0lGODlhAQABAAAAACw="}, {"invalid"}),  # a GIF
        ({"result": "更换阀芯", "signature": "toobig"}, {"invalid"}),
        ({"result": "更换阀芯", "signature": "png", "rating": 6}, {"invalid"}),
    ],
)
def test_an_invalid_finish_is_refused_and_nothing_changes(crew, wo, fields, codes):
    wo = advance(wo, crew, Status.ARRIVED)
    fields = dict(fields)
    if fields.get("signature") == "png":
        fields["signature"] = signature_data_url()
    elif fields.get("signature") == "toobig":
        fields["signature"] = signature_data_url(png_bytes()[:16] + b"\0" * (512 * 1024))
    before = unchanged(wo)

    with pytest.raises(ValidationError) as exc:
        services.work_order_finish(actor=crew.plumber, work_order=wo, **fields)

    assert error_codes(exc.value) == codes
    assert unchanged(wo) == before
    assert bool(fresh(wo).signature) is False


def test_reporting_in_time_meets_the_clock_and_starts_the_sign_off_clock_at_the_shift_end(crew, ticket, wo, clock):
    clock.move_to(on18(11))
    wo = advance(wo, crew, Status.FINISHED)
    clock.move_to(on18(11, 6))

    services.work_order_report(actor=crew.plumber, work_order=wo)

    wo = fresh(wo)
    assert (wo.status, wo.reported_at) == (Status.REPORTED, on18(11, 6))
    report = target(ticket, "completion_report")
    assert (report.state, report.stopped_at) == (TargetState.MET, on18(11, 6))
    sign_off = target(ticket, "shift_signoff")
    # warning at 80 % of the time left in the shift: 11:06 + 0.8 × 5 h 54 min = 15:49:12
    assert (sign_off.state, sign_off.work_order, sign_off.fixed_due_at, sign_off.due_at, sign_off.warn_at) == (
        TargetState.RUNNING,
        wo,
        SHIFT_END,
        SHIFT_END,
        on18(15, 49, 12),
    )


def test_reporting_late_breaches_the_completion_report_clock(crew, ticket, wo, clock):
    clock.move_to(on18(11))
    wo = advance(wo, crew, Status.FINISHED)
    clock.move_to(on18(11, 15))
    services.work_order_report(actor=crew.plumber, work_order=wo)
    report = target(ticket, "completion_report")
    assert (report.state, report.breached_at, report.stopped_at) == (TargetState.BREACHED, on18(11, 10), on18(11, 15))


def test_without_a_rota_shift_the_sign_off_is_due_when_the_desk_closes(world, crew, clock):
    # given the electrician has no shift on the 19th
    clock.move_to(t(2026, 11, 19, 10))
    ticket = new_ticket(crew.receptionist, world, content="电闸跳闸")
    wo = advance(work_order_of(ticket), crew, Status.REPORTED, worker=crew.electrician)
    sign_off = target(ticket, "shift_signoff")
    assert (sign_off.fixed_due_at, sign_off.due_at) == (None, t(2026, 11, 19, 20))
    assert wo.status == Status.REPORTED


# ----------------------------------------------------------------------------- sign-off and return visits


def test_signing_off_resolves_the_ticket_and_awaits_the_return_visit(crew, ticket, wo, clock):
    wo = advance(wo, crew, Status.REPORTED)
    clock.move_to(on18(16, 30))

    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])

    wo = fresh(wo)
    assert (wo.status, wo.signed_off_at, wo.return_visit_required, wo.return_visit_note) == (
        Status.SIGNED_OFF,
        on18(16, 30),
        True,
        "",
    )
    event = wo.events.last()
    assert (event.actor, event.on_behalf_of, event.to_status) == (crew.operator, crew.plumber, Status.SIGNED_OFF)
    assert (target(ticket, "shift_signoff").state, target(ticket, "shift_signoff").stopped_at) == (
        TargetState.MET,
        on18(16, 30),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED


def test_signing_off_asks_the_household_s_portal_users_how_it_went(crew, ticket, wo, resident_user_a):
    from propdesk.notify.models import Notification

    wo = advance(wo, crew, Status.REPORTED)
    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])

    asked = Notification.objects.filter(recipient=resident_user_a, kind="request.return_visit", channel="inapp")
    assert asked.count() == 1
    assert ticket.number in asked.get().subject_text("zh-hans")


def test_the_worker_signs_off_his_own_job_at_the_end_of_the_shift(crew, ticket, wo):
    wo = advance(wo, crew, Status.REPORTED)
    services.work_order_sign_off(actor=crew.plumber, work_orders=[wo])
    event = fresh(wo).events.last()
    assert (fresh(wo).status, event.actor, event.on_behalf_of) == (Status.SIGNED_OFF, crew.plumber, None)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.events.last().actor == crew.plumber


def test_only_reported_jobs_can_be_signed_off(crew, wo):
    wo = advance(wo, crew, Status.FINISHED)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_sign_off(actor=crew.operator, work_orders=[wo])
    assert error_codes(exc.value) == {"illegal_transition"}
    assert unchanged(wo) == before


@pytest.mark.parametrize(
    ("policy", "percent", "rating", "required", "note"),
    [
        (ReturnVisitPolicy.ALWAYS, 30, 5, True, ""),
        (ReturnVisitPolicy.SKIP_IF_RATED, 30, 5, False, "客户已现场评价 5 分，按规则免回访"),
        (ReturnVisitPolicy.SKIP_IF_RATED, 30, None, True, ""),
        (ReturnVisitPolicy.SAMPLE, 0, None, False, "按 0% 抽样规则未抽中，免回访"),
        (ReturnVisitPolicy.SAMPLE, 100, None, True, ""),
    ],
)
def test_return_visit_of_repairs_follows_the_center_policy(
    world, crew, ticket, wo, policy, percent, rating, required, note
):
    config(world, return_visit_policy=policy, sample_percent=percent)
    wo = advance(wo, crew, Status.REPORTED, rating=rating)

    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])

    wo = fresh(wo)
    assert (wo.return_visit_required, render(wo.return_visit_note)) == (required, note)
    if required:
        assert (wo.status, wo.closed_at, Ticket.objects.get(pk=ticket.pk).status) == (
            Status.SIGNED_OFF,
            None,
            TicketStatus.RESOLVED,
        )
    else:
        # exempt: closed at once, and the ticket with it
        assert (wo.status, wo.closed_at, Ticket.objects.get(pk=ticket.pk).status) == (
            Status.CLOSED,
            NOW,
            TicketStatus.CLOSED,
        )
        assert render(wo.events.last().reason) == note


def test_housekeeping_always_gets_a_return_visit(world, crew):
    config(world, return_visit_policy=ReturnVisitPolicy.SKIP_IF_RATED, sample_percent=0)
    ticket = new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="家政保洁")
    wo = advance(work_order_of(ticket), crew, Status.REPORTED, worker=crew.housekeeper, rating=5)

    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])

    wo = fresh(wo)
    assert (wo.status, wo.return_visit_required, wo.return_visit_note) == (Status.SIGNED_OFF, True, "")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    visit_clock = target(ticket, "housekeeping_return_visit")
    assert (visit_clock.state, visit_clock.started_at, visit_clock.due_at) == (
        TargetState.RUNNING,
        NOW,
        on18(10, 30),
    )


def test_the_ticket_is_resolved_when_all_its_jobs_are_signed_off_and_closed_when_all_are_closed(crew, ticket, wo):
    # given a second job (electrical) on the same ticket
    second = services.work_order_create(actor=crew.operator, ticket=ticket, trade=Trade.ELECTRICAL)
    wo = advance(wo, crew, Status.REPORTED)
    second = advance(second, crew, Status.REPORTED, worker=crew.electrician)

    def ticket_status():
        return Ticket.objects.get(pk=ticket.pk).status

    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])
    assert ticket_status() == TicketStatus.IN_PROGRESS
    services.work_order_sign_off(actor=crew.operator, work_orders=[second])
    assert ticket_status() == TicketStatus.RESOLVED

    services.return_visit_record(actor=crew.operator, work_order=wo, reached=True, quality=5, on_time=True)
    assert (fresh(wo).status, ticket_status()) == (Status.CLOSED, TicketStatus.RESOLVED)
    services.return_visit_record(actor=crew.operator, work_order=second, reached=True, quality=4, on_time=True)
    assert (fresh(second).status, ticket_status()) == (Status.CLOSED, TicketStatus.CLOSED)


def test_a_satisfied_return_visit_closes_the_job_and_the_ticket(crew, ticket, wo, clock):
    wo = advance(wo, crew, Status.SIGNED_OFF)
    clock.move_to(on18(10, 40))

    visit = services.return_visit_record(
        actor=crew.operator, work_order=wo, reached=True, quality=3, on_time=False, minutes_late=10, comments="还行"
    )

    assert (visit.reached, visit.quality, visit.on_time, visit.minutes_late, visit.satisfied, visit.by) == (
        True,
        3,
        False,
        10,
        True,
        crew.operator,
    )
    wo = fresh(wo)
    assert (wo.status, wo.closed_at) == (Status.CLOSED, on18(10, 40))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.closed_at) == (TicketStatus.CLOSED, on18(10, 40))
    assert [(render(r.content), r.satisfied, r.customer_opinion) for r in Reply.objects.filter(ticket=ticket)] == [
        ("回访：服务质量 3 分，迟到 10 分钟", True, "还行")
    ]


def test_a_dissatisfied_return_visit_reopens_the_job_and_tells_the_supervisor(crew, ticket, wo):
    wo = advance(wo, crew, Status.SIGNED_OFF)

    services.return_visit_record(
        actor=crew.operator, work_order=wo, reached=True, quality=1, on_time=True, comments="还在漏水"
    )

    wo = fresh(wo)
    assert (wo.status, wo.assignee, wo.closed_at) == (Status.PENDING, None, None)
    assert render(wo.events.last().reason) == "回访不满意，重新派单"
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.reopen_count) == (TicketStatus.IN_PROGRESS, 1)
    assert inbox(crew.supervisor, "dispatch.dissatisfied") == [f"回访不满意：{NUMBER}（1 分）"]
    assert inbox(crew.operator, "dispatch.dissatisfied") == []


def test_unreachable_return_visits_are_retried_then_the_job_is_closed_with_a_note(crew, ticket, wo):
    wo = advance(wo, crew, Status.SIGNED_OFF)

    for attempt in (1, 2):
        services.return_visit_record(actor=crew.operator, work_order=wo, reached=False)
        assert fresh(wo).status == Status.SIGNED_OFF
        assert render(fresh(wo).events.last().reason) == f"第 {attempt} 次回访未联系上"
    services.return_visit_record(actor=crew.operator, work_order=wo, reached=False)

    wo = fresh(wo)
    assert (wo.status, wo.closed_at) == (Status.CLOSED, NOW)
    assert render(wo.events.last().reason) == "回访 3 次均未联系上客户，销单"
    assert ReturnVisit.objects.filter(work_order=wo, reached=False).count() == 3
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED


def test_the_number_of_visit_attempts_is_the_centers_setting(world, crew, wo):
    config(world, max_visit_attempts=1)
    wo = advance(wo, crew, Status.SIGNED_OFF)
    services.return_visit_record(actor=crew.operator, work_order=wo, reached=False)
    assert (fresh(wo).status, render(fresh(wo).events.last().reason)) == (
        Status.CLOSED,
        "回访 1 次均未联系上客户，销单",
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reached": True, "on_time": True}, "quality"),
        ({"reached": True, "quality": 0, "on_time": True}, "quality"),
        ({"reached": True, "quality": 4}, "on_time"),
        ({"reached": True, "quality": 4, "on_time": False}, "minutes_late"),
    ],
)
def test_an_incomplete_return_visit_is_refused(crew, wo, fields, field):
    wo = advance(wo, crew, Status.SIGNED_OFF)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.return_visit_record(actor=crew.operator, work_order=wo, **fields)
    assert (set(exc.value.message_dict), error_codes(exc.value)) == ({field}, {"required"})
    assert unchanged(wo) == before


def test_a_return_visit_needs_a_signed_off_job_and_a_dispatcher(crew, wo):
    wo = advance(wo, crew, Status.REPORTED)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.return_visit_record(actor=crew.operator, work_order=wo, reached=True, quality=5, on_time=True)
    assert error_codes(exc.value) == {"illegal_transition"}
    services.work_order_sign_off(actor=crew.operator, work_orders=[wo])
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.return_visit_record(actor=crew.plumber, work_order=wo, reached=True, quality=5, on_time=True)
    assert unchanged(wo) == before


def test_closing_without_the_required_return_visit_is_refused(crew, wo):
    wo = advance(wo, crew, Status.SIGNED_OFF)
    services.return_visit_record(actor=crew.operator, work_order=wo, reached=False)  # not reached: no visit yet
    before = unchanged(wo)

    with pytest.raises(ValidationError) as exc:
        services.work_order_close(actor=crew.operator, work_order=wo, reason="销单")

    assert error_codes(exc.value) == {"visit_required"}
    assert exc.value.messages == ["该工作单须先回访才能销单"]
    assert unchanged(wo) == before


def test_closing_before_sign_off_is_refused(crew, wo):
    wo = advance(wo, crew, Status.REPORTED)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_close(actor=crew.operator, work_order=wo)
    assert error_codes(exc.value) == {"illegal_transition"}
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- rectification contact sheet


@pytest.fixture
def rectification(world, crew):
    household = warranty_household(world, building_end=dt.date(2027, 6, 30))
    wo = work_order_of(new_ticket(crew.receptionist, world, household=household, content="外墙渗水"))
    assert wo.routing == Routing.RECTIFICATION
    return wo


def test_the_contact_sheet_goes_step_by_step_and_ends_the_job(crew, rectification, clock):
    wo = rectification
    sheet = services.contact_sheet_advance(
        actor=crew.operator, work_order=wo, step=ContactSheetStep.DRAFTED, content="5栋1单元601 外墙渗水，请整改"
    )
    assert (sheet.step, sheet.developer.name, sheet.drafted_by) == (ContactSheetStep.DRAFTED, "华建地产", crew.operator)

    clock.move_to(on18(11))
    services.contact_sheet_advance(actor=crew.manager, work_order=wo, step=ContactSheetStep.MANAGER_SIGNED)
    clock.move_to(on18(14))
    services.contact_sheet_advance(
        actor=crew.operator, work_order=wo, step=ContactSheetStep.DEVELOPER_RECEIVED, signer_name="李工"
    )
    clock.move_to(t(2026, 11, 25, 15))
    services.contact_sheet_advance(
        actor=crew.operator, work_order=wo, step=ContactSheetStep.DEVELOPER_DONE, signer_name="王工"
    )

    sheet = ContactSheet.objects.get(work_order=wo)
    assert (sheet.step, sheet.manager_signed_by, sheet.manager_signed_at) == (
        ContactSheetStep.DEVELOPER_DONE,
        crew.manager,
        on18(11),
    )
    assert (sheet.received_by_name, sheet.received_at, sheet.done_by_name, sheet.done_at) == (
        "李工",
        on18(14),
        "王工",
        t(2026, 11, 25, 15),
    )
    wo = fresh(wo)
    assert (wo.status, render(wo.result), wo.finished_at) == (
        Status.REPORTED,
        "开发商已整改完成（王工 签字）",
        t(2026, 11, 25, 15),
    )
    assert list(wo.events.filter(kind=EventKind.CONTACT_SHEET).values_list("data__step", flat=True)) == [
        ContactSheetStep.DRAFTED,
        ContactSheetStep.MANAGER_SIGNED,
        ContactSheetStep.DEVELOPER_RECEIVED,
        ContactSheetStep.DEVELOPER_DONE,
    ]


def test_only_a_center_manager_signs_the_contact_sheet(crew, rectification):
    wo = rectification
    services.contact_sheet_advance(
        actor=crew.operator, work_order=wo, step=ContactSheetStep.DRAFTED, content="外墙渗水"
    )
    before = unchanged(wo)
    for actor in (crew.operator, crew.supervisor, crew.repair_manager):
        with pytest.raises(PermissionDenied):
            services.contact_sheet_advance(actor=actor, work_order=wo, step=ContactSheetStep.MANAGER_SIGNED)
    assert unchanged(wo) == before
    assert ContactSheet.objects.get(work_order=wo).step == ContactSheetStep.DRAFTED


@pytest.mark.parametrize(
    ("steps_done", "step", "kwargs", "code"),
    [
        ([], ContactSheetStep.MANAGER_SIGNED, {}, "missing"),
        ([ContactSheetStep.DRAFTED], ContactSheetStep.DRAFTED, {"content": "再填一次"}, "exists"),
        ([ContactSheetStep.DRAFTED], ContactSheetStep.DEVELOPER_RECEIVED, {"signer_name": "李工"}, "out_of_order"),
        ([ContactSheetStep.DRAFTED], ContactSheetStep.DEVELOPER_DONE, {"signer_name": "王工"}, "out_of_order"),
        (
            [ContactSheetStep.DRAFTED, ContactSheetStep.MANAGER_SIGNED],
            ContactSheetStep.DEVELOPER_RECEIVED,
            {},
            "required",
        ),
        (
            [ContactSheetStep.DRAFTED, ContactSheetStep.MANAGER_SIGNED, ContactSheetStep.DEVELOPER_RECEIVED],
            ContactSheetStep.DEVELOPER_RECEIVED,
            {"signer_name": "李工"},
            "out_of_order",
        ),
    ],
)
def test_contact_sheet_steps_out_of_order_are_refused(crew, rectification, steps_done, step, kwargs, code):
    wo = rectification
    for done in steps_done:
        actor = crew.manager if done == ContactSheetStep.MANAGER_SIGNED else crew.operator
        services.contact_sheet_advance(actor=actor, work_order=wo, step=done, content="外墙渗水", signer_name="李工")
    sheet_step = ContactSheet.objects.filter(work_order=wo).values_list("step", flat=True).first()
    before = unchanged(wo)

    with pytest.raises(ValidationError) as exc:
        services.contact_sheet_advance(actor=crew.manager, work_order=wo, step=step, **kwargs)

    assert error_codes(exc.value) == {code}
    assert unchanged(wo) == before
    assert ContactSheet.objects.filter(work_order=wo).values_list("step", flat=True).first() == sheet_step


def test_an_engineering_job_has_no_contact_sheet(crew, wo):
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.contact_sheet_advance(actor=crew.operator, work_order=wo, step=ContactSheetStep.DRAFTED, content="x")
    assert error_codes(exc.value) == {"wrong_routing"}
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- vendor chase, overdue register, follow-ups


def test_an_overdue_vendor_is_chased_every_4_hours_until_done(world, crew, ticket, clock):
    vendor = VendorFactory(company=world.company, name="宽带公司", phone="0755-12345678", promised_response_hours=4)
    wo = services.work_order_create(actor=crew.operator, ticket=ticket, routing=Routing.VENDOR, vendor=vendor)
    number = "BX-20261118-0001-2"
    subject = f"请催办外联单位 宽带公司（0755-12345678）：{number}"

    # at the promised moment (14:00) the vendor is not late yet
    clock.move_to(on18(14))
    assert services.chase_overdue_vendors(now=on18(14)) == 0

    # a minute later it is: control and the ticket's owner are told, and the chase is recorded
    clock.move_to(on18(14, 1))
    assert services.chase_overdue_vendors(now=on18(14, 1)) == 1
    assert inbox(crew.operator, "dispatch.vendor_overdue") == [subject]
    assert inbox(crew.receptionist, "dispatch.vendor_overdue") == [subject]
    wo = fresh(wo)
    assert (wo.vendor_chased_at, wo.events.last().kind, render(wo.events.last().reason)) == (
        on18(14, 1),
        EventKind.VENDOR,
        "外联单位 宽带公司 已超过承诺时间，催办",
    )

    # not again within 4 hours
    for moment in (on18(15), on18(18, 1)):
        clock.move_to(moment)
        assert services.chase_overdue_vendors(now=moment) == 0
    # but again after 4 hours
    clock.move_to(on18(18, 2))
    assert services.chase_overdue_vendors(now=on18(18, 2)) == 1
    assert inbox(crew.operator, "dispatch.vendor_overdue") == [subject, subject]

    # and never once the vendor's result is recorded
    services.vendor_record_result(actor=crew.operator, work_order=wo, result="宽带公司已上门更换光猫")
    clock.move_to(on18(23))
    assert services.chase_overdue_vendors(now=on18(23)) == 0
    assert fresh(wo).status == Status.REPORTED


def test_engineering_jobs_not_finished_in_48_hours_go_to_the_follow_up_register(world, crew, wo, clock):
    # given a second job finished in time
    done = work_order_of(new_ticket(crew.receptionist, world, content="门锁坏"))
    advance(done, crew, Status.FINISHED)

    clock.move_to(t(2026, 11, 20, 10))
    assert services.mark_overdue_engineering(now=t(2026, 11, 20, 10)) == 0
    clock.move_to(t(2026, 11, 20, 10, 1))
    assert services.mark_overdue_engineering(now=t(2026, 11, 20, 10, 1)) == 1

    wo = fresh(wo)
    assert (wo.in_followup_register, wo.events.last().kind, render(wo.events.last().reason)) == (
        True,
        EventKind.FOLLOW_UP,
        "超时未完成，转入工程类跟进登记",
    )
    assert fresh(done).in_followup_register is False
    assert services.mark_overdue_engineering(now=t(2026, 11, 20, 10, 1)) == 0


def test_a_job_past_its_agreed_end_goes_to_the_register_before_48_hours(world, crew, ticket, clock):
    wo = services.work_order_create(
        actor=crew.operator, ticket=ticket, trade=Trade.PLUMBING, scheduled_start=on18(14), scheduled_end=on18(16)
    )
    clock.move_to(on18(16, 1))
    assert services.mark_overdue_engineering(now=on18(16, 1)) == 1
    assert fresh(wo).in_followup_register is True
    assert WorkOrder.objects.get(number=NUMBER).in_followup_register is False


def test_follow_ups_are_planned_and_done(crew, wo, clock):
    follow_up = services.follow_up_plan(actor=crew.operator, work_order=wo, due_at=on18(15), note="协调物业与业委会")
    assert (follow_up.due_at, follow_up.note, follow_up.done_at) == (on18(15), "协调物业与业委会", None)

    clock.move_to(on18(15, 30))
    services.follow_up_done(actor=crew.supervisor, follow_up=follow_up, outcome="已约定周五会商")

    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert (follow_up.done_at, follow_up.done_by, follow_up.outcome) == (
        on18(15, 30),
        crew.supervisor,
        "已约定周五会商",
    )
    assert list(fresh(wo).events.filter(kind=EventKind.FOLLOW_UP).values_list("reason", flat=True)) == [
        "协调物业与业委会",
        "已约定周五会商",
    ]
    with pytest.raises(ValidationError) as exc:
        services.follow_up_done(actor=crew.supervisor, follow_up=follow_up, outcome="再来一次")
    assert error_codes(exc.value) == {"done"}


@pytest.mark.parametrize(
    ("due_at", "note", "code"),
    [(on18(15), "", "required"), (NOW, "协调", "past"), (on18(9), "协调", "past")],
)
def test_an_invalid_follow_up_plan_is_refused(crew, wo, due_at, note, code):
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.follow_up_plan(actor=crew.operator, work_order=wo, due_at=due_at, note=note)
    assert error_codes(exc.value) == {code}
    assert unchanged(wo) == before


def test_a_technician_cannot_plan_follow_ups(crew, wo):
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.follow_up_plan(actor=crew.plumber, work_order=wo, due_at=on18(15), note="协调")
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- duty (R-WO-7)


def duty_of(user) -> tuple:
    duty = DutyStatus.objects.get(user=user)
    return duty.on_duty, duty.radio_ok, duty.away_until, duty.away_reason


def test_leaving_coverage_until_a_time_within_24_hours(crew, clock):
    services.duty_update(
        actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.LEAVE_COVERAGE, until=on18(11, 30), note="去建材市场"
    )
    assert duty_of(crew.plumber) == (True, True, on18(11, 30), "去建材市场")
    assert DutyStatus.objects.get(user=crew.plumber).is_reachable() is False
    event = DutyEvent.objects.filter(user=crew.plumber).first()
    assert (event.kind, event.until, event.note, event.actor) == (
        DutyEventKind.LEAVE_COVERAGE,
        on18(11, 30),
        "去建材市场",
        crew.plumber,
    )

    services.duty_update(actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.BACK_IN_COVERAGE)
    assert duty_of(crew.plumber) == (True, True, None, "")


def test_leaving_coverage_for_exactly_24_hours_is_allowed(crew):
    services.duty_update(
        actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.LEAVE_COVERAGE, until=t(2026, 11, 19, 10)
    )
    assert duty_of(crew.plumber)[2] == t(2026, 11, 19, 10)


@pytest.mark.parametrize(
    ("until", "code"),
    [(None, "required"), (NOW, "required"), (on18(9), "required"), (t(2026, 11, 19, 10, 1), "too_long")],
)
def test_leaving_coverage_needs_a_future_return_within_24_hours(crew, until, code):
    before = (duty_of(crew.plumber), row_counts())
    with pytest.raises(ValidationError) as exc:
        services.duty_update(actor=crew.plumber, user=crew.plumber, kind=DutyEventKind.LEAVE_COVERAGE, until=until)
    assert error_codes(exc.value) == {code}
    assert (duty_of(crew.plumber), row_counts()) == before


def test_a_worker_cannot_change_another_workers_status(crew):
    before = (duty_of(crew.plumber), row_counts())
    with pytest.raises(PermissionDenied):
        services.duty_update(actor=crew.electrician, user=crew.plumber, kind=DutyEventKind.CHECK_OUT)
    assert (duty_of(crew.plumber), row_counts()) == before


def test_the_control_center_records_a_workers_status_for_him(crew):
    services.duty_update(actor=crew.operator, user=crew.plumber, kind=DutyEventKind.RADIO_FAULT, note="对讲机没电")
    assert duty_of(crew.plumber) == (True, False, None, "")
    event = DutyEvent.objects.filter(user=crew.plumber).first()
    assert (event.kind, event.actor, event.note) == (DutyEventKind.RADIO_FAULT, crew.operator, "对讲机没电")


def test_a_dispatcher_of_another_center_cannot_record_a_workers_status(world, crew):
    operator_b = staff_user("operator-b", Role.CONTROL_OPERATOR, center=world.center_b)
    before = (duty_of(crew.plumber), row_counts())
    with pytest.raises(PermissionDenied):
        services.duty_update(actor=operator_b, user=crew.plumber, kind=DutyEventKind.CHECK_OUT)
    assert (duty_of(crew.plumber), row_counts()) == before


def test_an_unknown_duty_kind_is_refused(crew):
    with pytest.raises(ValidationError) as exc:
        services.duty_update(actor=crew.plumber, user=crew.plumber, kind="lunch")
    assert error_codes(exc.value) == {"invalid"}


# ----------------------------------------------------------------------------- shifts, free slots, arrangements (R-WO-4)


def scheduled_job(world, crew, start, end, content="家政保洁"):
    ticket = ticket_create(
        actor=crew.operator,
        kind=Kind.SPECIAL_SERVICE,
        content=content,
        channel=Channel.PHONE,
        resident=world.resident_a,
        create_work_order=False,
    )
    wo = services.work_order_create(
        actor=crew.operator, ticket=ticket, trade=Trade.HOUSEKEEPING, scheduled_start=start, scheduled_end=end
    )
    services.work_order_assign(actor=crew.operator, work_order=wo, assignee=crew.housekeeper)
    return wo


def test_free_slots_lie_between_the_scheduled_jobs_of_the_shift(world, crew):
    scheduled_job(world, crew, on18(10), on18(11))
    scheduled_job(world, crew, on18(12), on18(14))

    # the 1-hour gap 11:00–12:00 is too short for a 2-hour booking
    assert services.free_slots(user=crew.housekeeper, day=DAY) == [(on18(8), on18(10)), (on18(14), on18(17))]
    assert services.free_slots(user=crew.housekeeper, day=DAY, length=dt.timedelta(hours=1)) == [
        (on18(8), on18(10)),
        (on18(11), on18(12)),
        (on18(14), on18(17)),
    ]


def test_no_free_slots_without_a_shift(crew):
    assert services.free_slots(user=crew.housekeeper, day=dt.date(2026, 11, 19)) == []


def test_a_cancelled_job_frees_its_slot(world, crew):
    job = scheduled_job(world, crew, on18(10), on18(15))
    services.work_order_cancel(actor=crew.operator, work_order=job, reason="业主取消")
    assert services.free_slots(user=crew.housekeeper, day=DAY) == [(on18(8), on18(17))]


@pytest.fixture
def arrangements(world, crew):
    """A Friday 9:00–11:00 cleaning with a fixed housekeeper and a Monday 14:00–16:00 one without."""
    friday = services.arrangement_create(
        actor=crew.operator,
        household=world.household_a,
        weekday=4,
        starts=dt.time(9),
        ends=dt.time(11),
        description="每周五全屋保洁",
        worker=crew.housekeeper,
    )
    monday = services.arrangement_create(
        actor=crew.operator,
        household=world.household_a,
        weekday=0,
        starts=dt.time(14),
        ends=dt.time(16),
        description="每周一擦窗",
    )
    return friday, monday


def test_arrangements_become_one_work_order_per_matching_day_of_the_coming_week(crew, arrangements):
    friday, monday = arrangements

    assert services.generate_arrangement_orders(today=DAY) == 2

    rows = list(
        WorkOrder.objects.order_by("scheduled_start").values_list(
            "arrangement", "scheduled_start", "scheduled_end", "status", "assignee", "routing", "trade", "description"
        )
    )
    assert rows == [
        (friday.pk, t(2026, 11, 20, 9), t(2026, 11, 20, 11), Status.ASSIGNED, crew.housekeeper.pk,
         Routing.HOUSEKEEPING, Trade.HOUSEKEEPING, "每周五全屋保洁"),
        (monday.pk, t(2026, 11, 23, 14), t(2026, 11, 23, 16), Status.PENDING, None,
         Routing.HOUSEKEEPING, Trade.HOUSEKEEPING, "每周一擦窗"),
    ]  # fmt: skip
    assert list(Ticket.objects.order_by("pk").values_list("kind", "title")) == [
        (Kind.SPECIAL_SERVICE, "长期家政 每周五全屋保洁"),
        (Kind.SPECIAL_SERVICE, "长期家政 每周一擦窗"),
    ]


def test_generating_arrangement_orders_is_idempotent(crew, arrangements, clock):
    assert services.generate_arrangement_orders(today=DAY) == 2
    before = row_counts()

    # run again the same day and the next day: nothing new
    assert services.generate_arrangement_orders(today=DAY) == 0
    assert services.generate_arrangement_orders(today=dt.date(2026, 11, 19)) == 0
    assert row_counts() == before

    # two days later the horizon reaches the next Friday (27 November)
    clock.move_to(t(2026, 11, 20, 6))
    assert services.generate_arrangement_orders(today=dt.date(2026, 11, 20)) == 1
    assert list(WorkOrder.objects.order_by("scheduled_start").values_list("scheduled_start", flat=True)) == [
        t(2026, 11, 20, 9),
        t(2026, 11, 23, 14),
        t(2026, 11, 27, 9),
    ]


def test_an_arrangement_order_with_a_fixed_worker_meets_its_dispatch_clock(crew, arrangements, clock):
    from propdesk.sla.services import sweep

    services.generate_arrangement_orders(today=DAY)
    friday_ticket = WorkOrder.objects.get(arrangement=arrangements[0]).ticket
    clock.move_to(on18(10, 10))
    sweep(now=on18(10, 10))
    assert (target(friday_ticket, "dispatch").state, target(friday_ticket, "dispatch").stopped_at) == (
        TargetState.MET,
        NOW,
    )
    assert Ticket.objects.get(pk=friday_ticket.pk).status == TicketStatus.IN_PROGRESS
    assert EscalationStep.objects.filter(target__ticket=friday_ticket, target__policy__code="dispatch").count() == 0


def test_arrangements_are_recorded_by_dispatchers_with_valid_times(world, crew):
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.arrangement_create(
            actor=crew.housekeeper,
            household=world.household_a,
            weekday=1,
            starts=dt.time(9),
            ends=dt.time(11),
            description="保洁",
        )
    for weekday, starts, ends, code in (
        (7, dt.time(9), dt.time(11), "invalid"),
        (1, dt.time(11), dt.time(9), "invalid"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.arrangement_create(
                actor=crew.operator,
                household=world.household_a,
                weekday=weekday,
                starts=starts,
                ends=ends,
                description="保洁",
            )
        assert error_codes(exc.value) == {code}
    assert row_counts() == before


# ----------------------------------------------------------------------------- weekly approval (R-WO-6)


@pytest.fixture
def week_orders(world, crew, clock):
    """Two repairs and one special service this week (from Monday 16 November), one repair the week before."""
    clock.move_to(t(2026, 11, 13, 10))
    earlier = work_order_of(new_ticket(crew.receptionist, world, content="上周报修"))
    clock.move_to(NOW)
    repairs = [work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {n}")) for n in (1, 2)]
    special = work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="家政"))
    return earlier, repairs, special


def test_the_repair_manager_approves_the_weeks_repair_orders(world, crew, week_orders):
    earlier, repairs, special = week_orders

    approval = services.weekly_decide(
        actor=crew.repair_manager, service_center=world.center_a, week=DAY, decision="approved"
    )

    assert (approval.week_start, approval.decision, approval.decided_by, approval.order_count) == (
        dt.date(2026, 11, 16),
        WeeklyApproval.Decision.APPROVED,
        crew.repair_manager,
        2,
    )
    assert [fresh(w).week_approved for w in repairs] == [True, True]
    assert (fresh(special).week_approved, fresh(earlier).week_approved) == (False, False)


def test_returning_the_week_needs_a_note(world, crew, week_orders):
    _earlier, repairs, _special = week_orders
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.weekly_decide(
            actor=crew.repair_manager, service_center=world.center_a, week=DAY, decision="returned", note=" "
        )
    assert error_codes(exc.value) == {"required"}
    assert row_counts() == before

    approval = services.weekly_decide(
        actor=crew.repair_manager, service_center=world.center_a, week=DAY, decision="returned", note="材料费偏高"
    )
    assert (approval.decision, approval.note, approval.order_count) == ("returned", "材料费偏高", 2)
    assert [fresh(w).week_approved for w in repairs] == [False, False]


@pytest.mark.parametrize("who", ["plumber", "operator", "manager"])
def test_only_the_repair_manager_decides_the_week(world, crew, week_orders, who):
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.weekly_decide(actor=getattr(crew, who), service_center=world.center_a, week=DAY, decision="approved")
    assert row_counts() == before


def test_a_repair_manager_of_another_center_cannot_decide(world, crew, week_orders):
    other = staff_user("repair-manager-b", Role.REPAIR_MANAGER, center=world.center_b)
    with pytest.raises(PermissionDenied):
        services.weekly_decide(actor=other, service_center=world.center_a, week=DAY, decision="approved")
    assert WeeklyApproval.objects.count() == 0


def test_sla_targets_of_a_job_belong_to_its_work_order(crew, ticket, wo):
    advance(wo, crew, Status.REPORTED)
    assert sorted(SlaTarget.objects.filter(ticket=ticket).values_list("policy__code", "work_order")) == [
        ("completion_report", wo.pk),
        ("dispatch", None),
        ("first_response", None),
        ("shift_signoff", wo.pk),
    ]
