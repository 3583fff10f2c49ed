"""Ticket services: create (numbers, first responder, back-fill), the state machine, hand-off, assign,
reply, link, attach, and concurrency on PostgreSQL (R-IN-2 … R-IN-6, R-CP-6)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from propdesk.communities.models import Household
from propdesk.core.texts import render
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.concurrency import errors, outcome, postgresql_only, run_together
from propdesk.testing.factories import (
    BuildingFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
    staff_user,
)
from propdesk.tickets.choices import (
    NUMBER_PREFIX,
    Channel,
    EventKind,
    Kind,
    LinkKind,
    ReplyMethod,
    Status,
)
from propdesk.tickets.models import Ticket, TicketEvent, TicketLink
from propdesk.tickets.services import (
    StaleVersion,
    ticket_assign,
    ticket_attach,
    ticket_create,
    ticket_hand_off,
    ticket_link,
    ticket_reply,
    ticket_transition,
)

from .helpers import (
    control_center,
    error_codes,
    error_fields,
    local,
    new_ticket,
    png_bytes,
    row_counts,
    snapshot,
    upload,
    walk_to,
)

NOW = local(2026, 11, 22, 10, 0)

EXPECTED_PREFIX = {
    Kind.REPAIR: "BX",
    Kind.COMPLAINT: "TS",
    Kind.SUGGESTION: "JY",
    Kind.CONSULTATION: "ZX",
    Kind.PRAISE: "BY",
    Kind.SPECIAL_SERVICE: "TY",
    Kind.FEEDBACK: "FK",
}


# Every test runs on the pinned clock (tickets/tests/conftest.py: the world is built on 1 October 2026).
pytestmark = pytest.mark.usefixtures("clock")


def pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


@pytest.fixture
def now(world, clock):
    """From here on it is Sunday 22 November 2026, 10:00 in Shanghai."""
    clock.move_to(NOW)
    return NOW


# --- create: numbers -----------------------------------------------------------------------------------


def test_number_prefixes_cover_every_kind():
    assert NUMBER_PREFIX == EXPECTED_PREFIX


@pytest.mark.parametrize("kind", Kind.values)
def test_create_numbers_each_kind_with_its_prefix(world, now, reception_a, kind):
    # when
    ticket = new_ticket(reception_a, household=world.household_a, kind=kind, content="请尽快处理")

    # then
    ticket.refresh_from_db()
    assert ticket.number == f"{EXPECTED_PREFIX[kind]}-20261122-0001"
    assert ticket.kind == kind
    assert ticket.status == Status.NEW
    assert ticket.version == 1
    assert ticket.service_center == world.center_a
    assert ticket.community == world.community_a
    assert ticket.unit == world.household_a.unit
    assert ticket.household == world.household_a
    assert ticket.title == "请尽快处理"
    assert ticket.content == "请尽快处理"


def test_sequence_is_per_center_prefix_and_local_day(world, clock, now, reception_a, reception_b):
    # when two repairs and a complaint in center A, a repair in center B, and a repair in A the next day
    first = new_ticket(reception_a, household=world.household_a, content="厨房水龙头漏水")
    second = new_ticket(reception_a, household=world.household_a, content="卫生间地漏堵塞")
    complaint = new_ticket(reception_a, household=world.household_a, kind=Kind.COMPLAINT, content="楼上装修噪音")
    other_center = new_ticket(reception_b, household=world.household_b, content="阳台漏水")
    clock.move_to(local(2026, 11, 23, 8, 30))
    next_day = new_ticket(reception_a, household=world.household_a, content="门禁失灵")

    # then
    assert first.number == "BX-20261122-0001"
    assert second.number == "BX-20261122-0002"
    assert complaint.number == "TS-20261122-0001"
    assert other_center.number == "BX-20261122-0001"
    assert next_day.number == "BX-20261123-0001"


def test_number_day_is_the_local_day_late_in_the_evening(world, clock, reception_a):
    # given it is the next morning and a paper record of 22 November, 23:30 is entered
    clock.move_to(local(2026, 11, 23, 8, 0))
    received = local(2026, 11, 22, 23, 30)

    # when
    ticket = new_ticket(reception_a, household=world.household_a, received_at=received)

    # then
    assert ticket.number == "BX-20261122-0001"
    assert ticket.received_at == received


def test_number_day_is_the_local_day_when_the_utc_date_is_still_the_day_before(world, clock, reception_a):
    # given a call received at 00:30 on 23 November in Shanghai, which is 16:30 on 22 November in UTC
    clock.move_to(local(2026, 11, 23, 9, 0))
    received = local(2026, 11, 23, 0, 30)
    assert received.astimezone(dt.UTC).date() == dt.date(2026, 11, 22)

    # when
    ticket = new_ticket(reception_a, household=world.household_a, received_at=received)

    # then
    assert ticket.number == "BX-20261123-0001"


# --- create: who owns it, the created event --------------------------------------------------------------


def test_receiving_employee_is_first_responder_and_initial_assignee(world, now, reception_a):
    # when
    ticket = new_ticket(reception_a, household=world.household_a, resident=world.resident_a)

    # then (R-IN-5)
    ticket.refresh_from_db()
    assert ticket.received_by == reception_a
    assert ticket.first_responder == reception_a
    assert ticket.assignee == reception_a
    assert ticket.team is None
    assert ticket.handed_off_at is None
    assert ticket.contact_name == "张伟"
    assert ticket.contact_phone == "13812345678"
    assert ticket.received_at == NOW
    assert ticket.entered_at == NOW
    assert ticket.is_backfilled is False


def test_employee_who_received_it_elsewhere_stays_first_responder(world, now, reception_a):
    # given a security guard took the request on patrol and the receptionist enters it
    guard = staff_user("guard-a", Role.SECURITY_GUARD, center=world.center_a)

    # when
    ticket = new_ticket(reception_a, household=world.household_a, received_by=guard, channel=Channel.STAFF)

    # then
    assert ticket.received_by == guard
    assert ticket.first_responder == guard
    assert ticket.assignee == guard
    event = ticket.events.get()
    assert event.actor == reception_a


@pytest.mark.parametrize("who", ["reception_b", "resident_user_a"])
def test_receiving_employee_must_be_staff_of_the_community(world, now, reception_a, request, who):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, received_by=request.getfixturevalue(who))

    assert error_fields(excinfo.value) == {"received_by"}
    assert row_counts() == before


def test_create_appends_a_created_event_with_the_actor(world, now, reception_a):
    # when
    ticket = new_ticket(reception_a, household=world.household_a)

    # then
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor == reception_a
    assert event.from_status == ""
    assert event.to_status == Status.NEW
    assert event.at == NOW
    assert event.data.keys() == {"channel", "received_at", "backfilled"}
    assert (event.data["channel"], event.data["backfilled"]) == ("phone", False)
    assert dt.datetime.fromisoformat(event.data["received_at"]) == NOW


def test_create_normalises_the_contact_phone(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a, contact_phone="+86 139-0000-1111")

    assert ticket.contact_phone == "13900001111"


# --- create: party consistency --------------------------------------------------------------------------


def test_resident_of_another_household_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, resident=world.resident_b)

    assert excinfo.value.message_dict == {"resident": ["联系人不属于该住户"]}
    assert row_counts() == before


def test_unit_of_another_community_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, community=world.community_a, unit=world.household_b.unit)

    assert excinfo.value.message_dict == {"unit": ["房号不属于所选小区"]}
    assert row_counts() == before


def test_household_of_another_unit_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, unit=world.household_b.unit)

    assert excinfo.value.message_dict == {"household": ["住户与房号不一致"]}
    assert row_counts() == before


def test_no_party_at_all_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=None)

    assert excinfo.value.message_dict == {"community": ["请选择小区或房号"]}
    assert row_counts() == before


def test_unit_alone_fills_in_community_and_active_household(world, now, reception_a):
    ticket = new_ticket(reception_a, unit=world.household_a.unit)

    assert ticket.community == world.community_a
    assert ticket.household == world.household_a


# --- create: permissions -------------------------------------------------------------------------------


def test_staff_of_another_center_cannot_create(world, now, reception_b):
    before = row_counts()

    with pytest.raises(PermissionDenied) as excinfo:
        new_ticket(reception_b, household=world.household_a)

    assert str(excinfo.value) == "您不能为该小区登记工单"
    assert row_counts() == before


def test_resident_creates_for_own_household(world, now, resident_user_a):
    # when
    ticket = new_ticket(resident_user_a, household=world.household_a, channel=Channel.PORTAL, content="楼道灯不亮")

    # then
    assert ticket.number == "BX-20261122-0001"
    assert ticket.received_by == resident_user_a
    assert ticket.first_responder == resident_user_a
    assert ticket.assignee is None  # a resident is nobody's assignee: the desk picks it up
    assert ticket.channel == Channel.PORTAL


@pytest.mark.parametrize(
    "party",
    [
        pytest.param(lambda w: {"household": w.household_b}, id="other-household"),
        pytest.param(lambda w: {"community": w.community_a}, id="own-community-without-household"),
    ],
)
def test_resident_cannot_create_for_anyone_else(world, now, resident_user_a, party):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        new_ticket(resident_user_a, channel=Channel.PORTAL, **{"household": None, **party(world)})

    assert row_counts() == before


# --- create: bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"content": ""}, {"content": ["不能为空"]}, id="empty-content"),
        pytest.param({"content": "  \n\t　 "}, {"content": ["不能为空"]}, id="whitespace-content"),
        pytest.param({"content": "漏" * 5001}, {"content": ["不能超过 5000 个字"]}, id="content-too-long"),
        pytest.param({"kind": "plumbing"}, {"kind": ["未知的类别：plumbing"]}, id="unknown-kind"),
        pytest.param({"channel": "telegram"}, {"channel": ["未知的渠道：telegram"]}, id="unknown-channel"),
        pytest.param(
            {"contact_phone": "12345"},
            {"contact_phone": ["电话号码格式不正确：12345（手机应为 11 位数字，座机如 0755-12345678）"]},
            id="malformed-phone",
        ),
        pytest.param({"priority": "asap"}, {"priority": ["未知的紧急程度：asap"]}, id="unknown-priority"),
    ],
)
def test_bad_input_is_refused_field_by_field(world, now, reception_a, overrides, expected):
    before = row_counts()
    kwargs = {"kind": Kind.REPAIR, "content": "厨房水龙头漏水", **overrides}

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, **kwargs)

    assert excinfo.value.message_dict == expected
    assert row_counts() == before


# --- create: back-fill (R-IN-6) ------------------------------------------------------------------------


def test_backfill_keeps_the_real_receipt_time_and_the_entry_time(world, now, reception_a):
    received = NOW - dt.timedelta(hours=3)

    ticket = new_ticket(reception_a, household=world.household_a, received_at=received)

    ticket.refresh_from_db()
    assert ticket.received_at == received
    assert ticket.entered_at == NOW
    assert ticket.is_backfilled is True
    data = ticket.events.get().data
    assert (data["channel"], data["backfilled"]) == ("phone", True)
    assert dt.datetime.fromisoformat(data["received_at"]) == local(2026, 11, 22, 7, 0)


def test_receipt_time_ten_minutes_ahead_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, received_at=NOW + dt.timedelta(minutes=10))

    assert excinfo.value.message_dict == {"received_at": ["接报时间不能晚于当前时间"]}
    assert error_codes(excinfo.value) == {"future"}
    assert row_counts() == before


def test_receipt_time_slightly_ahead_is_taken_as_now(world, now, reception_a):
    # a phone clock one minute fast is tolerated and clamped to the server time
    ticket = new_ticket(reception_a, household=world.household_a, received_at=NOW + dt.timedelta(minutes=1))

    assert ticket.received_at == NOW
    assert ticket.is_backfilled is False


@pytest.fixture
def newcomer(world):
    """A household of 翠湖花园 that moved in on 1 November 2026 (8栋1单元601)."""
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="8栋"), entrance="1单元", number="601"
    )
    household = HouseholdFactory(unit=unit, moved_in=dt.date(2026, 11, 1))
    ResidentFactory(household=household, name="陈静", phone="13600000601")
    return household


def test_receipt_time_before_the_household_moved_in_is_refused(world, now, reception_a, newcomer):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=newcomer, received_at=local(2026, 10, 31, 20, 0))

    assert error_fields(excinfo.value) == {"received_at"}
    assert excinfo.value.message_dict["received_at"][0].startswith("接报时间早于该住户建档/入住时间")
    assert error_codes(excinfo.value) == {"before_household"}
    assert row_counts() == before


def test_receipt_time_on_the_moving_in_day_is_accepted(world, now, reception_a, newcomer):
    ticket = new_ticket(reception_a, household=newcomer, received_at=local(2026, 11, 1, 8, 0))

    assert ticket.received_at == local(2026, 11, 1, 8, 0)


def test_naive_receipt_time_is_read_as_local_time(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a, received_at=dt.datetime(2026, 11, 22, 7, 0))

    ticket.refresh_from_db()
    assert ticket.received_at == local(2026, 11, 22, 7, 0)
    assert ticket.number == "BX-20261122-0001"


def test_naive_receipt_time_in_the_future_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        new_ticket(reception_a, household=world.household_a, received_at=dt.datetime(2026, 11, 22, 10, 10))

    assert excinfo.value.message_dict == {"received_at": ["接报时间不能晚于当前时间"]}
    assert row_counts() == before


# --- the state machine ----------------------------------------------------------------------------------


# Every (from, to) pair of the state machine is driven through ticket_transition in test_transitions.py.


def test_unknown_target_status_is_refused(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as excinfo:
        ticket_transition(actor=reception_a, ticket=ticket, to_status="archived")

    assert excinfo.value.message_dict == {"status": ["未知的状态：archived"]}
    assert error_codes(excinfo.value) == {"invalid"}
    assert snapshot(ticket) == before


REASON_CASES = [
    (Status.NEW, Status.CANCELLED),
    (Status.NEW, Status.WAITING_CUSTOMER),
    (Status.NEW, Status.WAITING_VENDOR),
    (Status.IN_PROGRESS, Status.CANCELLED),
    (Status.WAITING_VENDOR, Status.CANCELLED),
    (Status.RESOLVED, Status.IN_PROGRESS),
    (Status.CLOSED, Status.IN_PROGRESS),
]


@pytest.mark.parametrize(("from_status", "to_status"), REASON_CASES, ids=[pair_id(p) for p in REASON_CASES])
@pytest.mark.parametrize("reason", ["", "  \n "], ids=["empty", "blank"])
def test_cancel_wait_and_reopen_need_a_reason(world, now, reception_a, from_status, to_status, reason):
    ticket = walk_to(new_ticket(reception_a, household=world.household_a), from_status, reception_a)
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as excinfo:
        ticket_transition(actor=reception_a, ticket=ticket, to_status=to_status, reason=reason)

    assert excinfo.value.message_dict == {"reason": ["不能为空"]}
    assert error_codes(excinfo.value) == {"required"}
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(Status.NEW, Status.IN_PROGRESS), (Status.IN_PROGRESS, Status.RESOLVED), (Status.RESOLVED, Status.CLOSED)],
    ids=pair_id,
)
def test_ordinary_progress_needs_no_reason(world, now, reception_a, from_status, to_status):
    ticket = walk_to(new_ticket(reception_a, household=world.household_a), from_status, reception_a)

    ticket_transition(actor=reception_a, ticket=ticket, to_status=to_status)

    ticket.refresh_from_db()
    assert ticket.status == to_status
    assert ticket.events.last().reason == ""


def test_resolved_and_closed_times_are_set_and_cleared_on_reopen(world, clock, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)

    clock.move_to(local(2026, 11, 22, 11, 0))
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED)
    ticket.refresh_from_db()
    assert (ticket.resolved_at, ticket.closed_at) == (local(2026, 11, 22, 11, 0), None)

    clock.move_to(local(2026, 11, 22, 12, 0))
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.CLOSED)
    ticket.refresh_from_db()
    assert (ticket.resolved_at, ticket.closed_at) == (local(2026, 11, 22, 11, 0), local(2026, 11, 22, 12, 0))
    assert ticket.reopen_count == 0

    clock.move_to(local(2026, 11, 22, 13, 0))
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.IN_PROGRESS, reason="业主反映仍在漏水")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert (ticket.resolved_at, ticket.closed_at) == (None, None)
    assert ticket.reopen_count == 1

    clock.move_to(local(2026, 11, 22, 14, 0))
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED)
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.IN_PROGRESS, reason="回访不满意")
    ticket.refresh_from_db()
    assert ticket.reopen_count == 2
    assert [e.kind for e in ticket.events.all()] == [
        EventKind.CREATED,
        EventKind.STATUS_CHANGED,
        EventKind.STATUS_CHANGED,
        EventKind.REOPENED,
        EventKind.STATUS_CHANGED,
        EventKind.REOPENED,
    ]


def test_cancel_sets_closed_at(world, clock, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    clock.move_to(local(2026, 11, 22, 10, 20))

    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.CANCELLED, reason="业主已自行修好")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at, ticket.resolved_at) == (
        Status.CANCELLED,
        local(2026, 11, 22, 10, 20),
        None,
    )


def test_stale_expected_version_is_refused_and_changes_nothing(world, now, reception_a):
    # given someone moved the ticket on after the page was shown at version 1
    ticket = new_ticket(reception_a, household=world.household_a)
    ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.IN_PROGRESS, expected_version=1)
    before = snapshot(ticket)
    assert before[1] == 2

    # when
    with pytest.raises(StaleVersion) as excinfo:
        ticket_transition(actor=reception_a, ticket=ticket, to_status=Status.RESOLVED, expected_version=1)

    # then
    assert excinfo.value.code == "stale_version"
    assert excinfo.value.messages == ["该工单已被他人修改（当前版本 2），请刷新后重试"]
    assert snapshot(ticket) == before


def test_technician_not_assigned_cannot_transition(world, now, reception_a, technician_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        ticket_transition(actor=technician_a, ticket=ticket, to_status=Status.IN_PROGRESS)

    assert snapshot(ticket) == before


def test_assigned_technician_can_transition(world, now, reception_a, technician_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)

    ticket_transition(actor=technician_a, ticket=ticket, to_status=Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.last().actor == technician_a


def test_staff_of_another_center_cannot_transition(world, now, reception_a, reception_b):
    ticket = new_ticket(reception_a, household=world.household_a)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        ticket_transition(actor=reception_b, ticket=ticket, to_status=Status.IN_PROGRESS)

    assert snapshot(ticket) == before


# --- hand-off to the control center (R-IN-2) ------------------------------------------------------------


def test_hand_off_passes_the_ticket_to_the_control_center(world, clock, now, reception_a):
    # given
    control = control_center(world.center_a)
    ticket = new_ticket(reception_a, household=world.household_a)
    clock.move_to(local(2026, 11, 22, 10, 5))

    # when
    ticket_hand_off(actor=reception_a, ticket=ticket, reason="需派维修工上门")

    # then
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.team == control
    assert ticket.handed_off_at == local(2026, 11, 22, 10, 5)
    assert ticket.first_responder == reception_a
    assert ticket.received_by == reception_a
    assert ticket.status == Status.NEW
    assert ticket.version == 2
    event = ticket.events.last()
    assert event.kind == EventKind.HANDED_OFF
    assert event.actor == reception_a
    assert event.reason == "需派维修工上门"
    assert event.data == {"from_assignee": reception_a.pk, "to_team": control.pk}


def test_hand_off_needs_a_control_center_in_the_ticket_center(world, now, reception_a):
    # given only center B has a control center
    control_center(world.center_b)
    ticket = new_ticket(reception_a, household=world.household_a)
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as excinfo:
        ticket_hand_off(actor=reception_a, ticket=ticket)

    assert excinfo.value.messages == ["该服务中心尚未设置控制中心部门"]
    assert error_codes(excinfo.value) == {"no_control_center"}
    assert snapshot(ticket) == before


def test_create_with_hand_off_does_both_in_one_step(world, now, reception_a):
    control = control_center(world.center_a)

    ticket = new_ticket(reception_a, household=world.household_a, hand_off=True)

    assert ticket.number == "BX-20261122-0001"
    assert ticket.first_responder == reception_a
    assert ticket.assignee is None
    assert ticket.team == control
    assert ticket.handed_off_at == NOW
    assert ticket.version == 2
    assert [(e.kind, e.actor) for e in ticket.events.all()] == [
        (EventKind.CREATED, reception_a),
        (EventKind.HANDED_OFF, reception_a),
    ]
    assert ticket.events.last().data == {"from_assignee": reception_a.pk, "to_team": control.pk}


def test_create_with_hand_off_and_no_control_center_creates_nothing(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError):
        new_ticket(reception_a, household=world.household_a, hand_off=True)

    assert row_counts() == before


def test_field_worker_hands_off_what_they_received(world, now):
    # given a security guard on patrol hears about a broken lamp
    control = control_center(world.center_a)
    guard = staff_user("guard-a", Role.SECURITY_GUARD, center=world.center_a)

    # when
    ticket = new_ticket(guard, household=world.household_a, channel=Channel.STAFF, content="楼道灯不亮", hand_off=True)

    # then
    assert (ticket.first_responder, ticket.assignee, ticket.team) == (guard, None, control)


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED, Status.CANCELLED])
def test_handing_off_a_finished_ticket_is_refused(world, now, reception_a, status):
    control_center(world.center_a)
    ticket = walk_to(new_ticket(reception_a, household=world.household_a), status, reception_a)
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as excinfo:
        ticket_hand_off(actor=reception_a, ticket=ticket)

    assert excinfo.value.message_dict == {"status": ["已办结或已关闭的工单不能转交"]}
    assert error_codes(excinfo.value) == {"closed"}
    assert snapshot(ticket) == before


# --- assign --------------------------------------------------------------------------------------------


def test_assign_makes_the_staff_member_responsible(world, now, reception_a, technician_a):
    ticket = new_ticket(reception_a, household=world.household_a)

    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a, reason="王师傅负责3栋")

    ticket.refresh_from_db()
    assert ticket.assignee == technician_a
    assert ticket.team == technician_a.staff_profile.department
    assert ticket.team.kind == DepartmentKind.ENGINEERING
    assert ticket.version == 2
    event = ticket.events.last()
    assert (event.kind, event.actor, event.reason) == (EventKind.ASSIGNED, reception_a, "王师傅负责3栋")
    assert event.data == {"from_assignee": reception_a.pk, "to_assignee": technician_a.pk}


def test_assign_to_staff_of_another_center_is_refused(world, now, reception_a):
    technician_b = staff_user("tech-b", Role.TECHNICIAN, center=world.center_b)
    ticket = new_ticket(reception_a, household=world.household_a)
    before = snapshot(ticket)

    with pytest.raises(ValidationError) as excinfo:
        ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_b)

    assert excinfo.value.message_dict == {"assignee": ["该员工不在本小区任职，不能指派"]}
    assert snapshot(ticket) == before


def test_technician_cannot_assign(world, now, reception_a, technician_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    ticket_assign(actor=reception_a, ticket=ticket, assignee=technician_a)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        ticket_assign(actor=technician_a, ticket=ticket, assignee=reception_a)

    assert snapshot(ticket) == before


# --- reply (R-CP-6) ------------------------------------------------------------------------------------


def test_reply_is_recorded_with_an_event(world, clock, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    clock.move_to(local(2026, 11, 22, 10, 30))

    reply = ticket_reply(
        actor=reception_a,
        ticket=ticket,
        method=ReplyMethod.PHONE,
        content="已安排师傅下午上门",
        customer_opinion="好的",
    )

    reply.refresh_from_db()
    assert (reply.ticket, reply.by, reply.method) == (ticket, reception_a, ReplyMethod.PHONE)
    assert (reply.content, reply.customer_opinion, reply.satisfied) == ("已安排师傅下午上门", "好的", None)
    assert reply.at == local(2026, 11, 22, 10, 30)
    ticket.refresh_from_db()
    assert ticket.version == 2
    assert ticket.status == Status.NEW
    event = ticket.events.last()
    assert (event.kind, event.actor) == (EventKind.REPLIED, reception_a)
    assert event.data == {"reply": reply.pk, "method": "phone", "satisfied": None}


def test_unsatisfied_customer_reopens_a_resolved_ticket(world, now, reception_a):
    ticket = walk_to(new_ticket(reception_a, household=world.household_a), Status.RESOLVED, reception_a)

    ticket_reply(
        actor=reception_a,
        ticket=ticket,
        method=ReplyMethod.PHONE,
        content="回访：维修已完成",
        customer_opinion="还是漏水",
        satisfied=False,
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    replied, reopened = list(ticket.events.all())[-2:]
    assert replied.kind == EventKind.REPLIED
    assert (reopened.kind, reopened.from_status, reopened.to_status) == (
        EventKind.REOPENED,
        Status.RESOLVED,
        Status.IN_PROGRESS,
    )
    assert render(reopened.reason) == "客户不满意：还是漏水"


def test_satisfied_customer_leaves_a_resolved_ticket_resolved(world, now, reception_a):
    ticket = walk_to(new_ticket(reception_a, household=world.household_a), Status.RESOLVED, reception_a)

    ticket_reply(actor=reception_a, ticket=ticket, method=ReplyMethod.PHONE, content="回访：已修好", satisfied=True)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.RESOLVED, 0)


def test_reply_with_unknown_method_changes_nothing(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    before, rows = snapshot(ticket), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        ticket_reply(actor=reception_a, ticket=ticket, method="pigeon", content="已处理")

    assert excinfo.value.message_dict == {"method": ["未知的答复方式：pigeon"]}
    assert snapshot(ticket) == before
    assert row_counts() == rows


# --- link ----------------------------------------------------------------------------------------------


@pytest.fixture
def two_tickets(world, now, reception_a):
    first = new_ticket(reception_a, household=world.household_a, content="3栋2单元楼道漏水")
    second = new_ticket(reception_a, household=world.household_a, content="楼道天花板滴水")
    return first, second


def test_duplicate_link_between_two_tickets_of_the_center(world, reception_a, two_tickets):
    first, second = two_tickets

    link = ticket_link(
        actor=reception_a, from_ticket=second, to_ticket=first, kind=LinkKind.DUPLICATE_OF, reason="同一漏水点"
    )

    assert (link.from_ticket, link.to_ticket, link.kind, link.created_by) == (
        second,
        first,
        LinkKind.DUPLICATE_OF,
        reception_a,
    )
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.version == 2
        event = ticket.events.last()
        assert (event.kind, event.reason) == (EventKind.LINKED, "同一漏水点")
        assert event.data == {
            "link": link.pk,
            "link_kind": "duplicate_of",
            "from_ticket": "BX-20261122-0002",
            "to_ticket": "BX-20261122-0001",
        }


def test_self_link_is_refused(world, reception_a, two_tickets):
    first, _second = two_tickets
    before, rows = snapshot(first), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        ticket_link(actor=reception_a, from_ticket=first, to_ticket=first, kind=LinkKind.RELATED)

    assert excinfo.value.message_dict == {"to_ticket": ["不能关联工单自身"]}
    assert (snapshot(first), row_counts()) == (before, rows)


def test_cross_center_link_is_refused(world, reception_a, reception_b, two_tickets):
    first, _second = two_tickets
    other = new_ticket(reception_b, household=world.household_b)
    before, rows = (snapshot(first), snapshot(other)), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        ticket_link(actor=reception_a, from_ticket=first, to_ticket=other, kind=LinkKind.DUPLICATE_OF)

    assert excinfo.value.message_dict == {"to_ticket": ["只能关联同一服务中心的工单"]}
    assert ((snapshot(first), snapshot(other)), row_counts()) == (before, rows)


def test_the_same_link_twice_is_refused(world, reception_a, two_tickets):
    first, second = two_tickets
    ticket_link(actor=reception_a, from_ticket=second, to_ticket=first, kind=LinkKind.DUPLICATE_OF)
    before, rows = (snapshot(first), snapshot(second)), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        ticket_link(actor=reception_a, from_ticket=second, to_ticket=first, kind=LinkKind.DUPLICATE_OF)

    assert excinfo.value.message_dict == {"to_ticket": ["这两张工单已有此关联"]}
    assert ((snapshot(first), snapshot(second)), row_counts()) == (before, rows)
    assert TicketLink.objects.count() == 1


def test_mutual_parents_are_refused(world, reception_a, two_tickets):
    first, second = two_tickets
    ticket_link(actor=reception_a, from_ticket=first, to_ticket=second, kind=LinkKind.PARENT_OF)
    before, rows = (snapshot(first), snapshot(second)), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        ticket_link(actor=reception_a, from_ticket=second, to_ticket=first, kind=LinkKind.PARENT_OF)

    assert excinfo.value.message_dict == {"to_ticket": ["不能形成互为父子的关联"]}
    assert ((snapshot(first), snapshot(second)), row_counts()) == (before, rows)


# --- attachments ---------------------------------------------------------------------------------------


def test_a_real_png_is_attached(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    content = png_bytes()

    attachment = ticket_attach(
        actor=reception_a, ticket=ticket, upload=upload("漏水点.png", content, "image/png"), note="厨房水槽下方"
    )

    attachment.refresh_from_db()
    assert attachment.content_type == "image/png"
    assert attachment.size == len(content)
    assert attachment.original_name == "漏水点.png"
    assert attachment.note == "厨房水槽下方"
    assert attachment.uploaded_by == reception_a
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    ticket.refresh_from_db()
    assert ticket.version == 2
    event = ticket.events.last()
    assert event.kind == EventKind.ATTACHMENT
    assert event.data == {"attachment": attachment.pk, "name": "漏水点.png", "size": len(content)}


def test_browser_content_type_is_not_trusted(world, now, reception_a):
    # the browser says PDF, the bytes say PNG and so does the name: the bytes win
    ticket = new_ticket(reception_a, household=world.household_a)

    attachment = ticket_attach(
        actor=reception_a, ticket=ticket, upload=upload("photo.png", png_bytes(), "application/pdf")
    )

    assert attachment.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "photo.jpg",
            b"this is not a photo\n",
            "只能上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件",
            id="text-as-jpg",
        ),
        pytest.param("scan.pdf", None, "只能上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件", id="png-as-pdf"),
        pytest.param("empty.png", b"", "文件是空的", id="empty"),
    ],
)
def test_bad_attachments_are_refused(world, now, reception_a, name, content, message):
    ticket = new_ticket(reception_a, household=world.household_a)
    before, rows = snapshot(ticket), row_counts()
    content = png_bytes() if content is None else content

    with pytest.raises(ValidationError) as excinfo:
        ticket_attach(actor=reception_a, ticket=ticket, upload=upload(name, content))

    assert excinfo.value.message_dict == {"file": [message]}
    assert (snapshot(ticket), row_counts()) == (before, rows)


def test_oversize_attachment_is_refused(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    content = png_bytes((16, 16), noisy=True)
    assert len(content) > 100
    before, rows = snapshot(ticket), row_counts()

    with override_settings(PROPDESK_ATTACHMENT_MAX_BYTES=100), pytest.raises(ValidationError) as excinfo:
        ticket_attach(actor=reception_a, ticket=ticket, upload=upload("big.png", content, "image/png"))

    assert error_fields(excinfo.value) == {"file"}
    assert excinfo.value.message_dict["file"][0].startswith("文件不能超过")
    assert (snapshot(ticket), row_counts()) == (before, rows)


def test_attachment_exactly_at_the_limit_is_accepted(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    content = png_bytes()

    with override_settings(PROPDESK_ATTACHMENT_MAX_BYTES=len(content)):
        attachment = ticket_attach(actor=reception_a, ticket=ticket, upload=upload("a.png", content))

    assert attachment.size == len(content)


def test_staff_of_another_center_cannot_attach(world, now, reception_a, reception_b):
    ticket = new_ticket(reception_a, household=world.household_a)
    before, rows = snapshot(ticket), row_counts()

    with pytest.raises(PermissionDenied):
        ticket_attach(actor=reception_b, ticket=ticket, upload=upload("a.png", png_bytes()))

    assert (snapshot(ticket), row_counts()) == (before, rows)


# --- concurrency (PostgreSQL) ----------------------------------------------------------------------------


@postgresql_only()
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_consecutive_numbers(world, now):
    reception = staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)
    user_model = get_user_model()

    def create(i: int) -> str:
        actor = user_model.objects.get(pk=reception.pk)
        household = Household.objects.get(pk=world.household_a.pk)
        return ticket_create(
            actor=actor, kind=Kind.REPAIR, content=f"并发报修 {i}", channel=Channel.PHONE, household=household
        ).number

    results = run_together(10, create)

    assert errors(results) == []
    assert sorted(results) == [f"BX-20261122-{n:04d}" for n in range(1, 11)]
    assert Ticket.objects.count() == 10
    assert TicketEvent.objects.count() == 10


@postgresql_only()
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_with_the_same_version_one_wins(world, now):
    reception = staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)
    ticket = new_ticket(reception, household=world.household_a)
    user_model = get_user_model()

    def transition(i: int) -> str:
        actor = user_model.objects.get(pk=reception.pk)
        shown = Ticket.objects.get(pk=ticket.pk)
        ticket_transition(
            actor=actor, ticket=shown, to_status=Status.IN_PROGRESS, reason=f"线程 {i}", expected_version=1
        )
        return "ok"

    results = run_together(2, transition)

    assert sorted(map(outcome, results)) == ["StaleVersion", "ok"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.IN_PROGRESS, 2)
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.STATUS_CHANGED]
