"""interaction_record: every call, visit or instruction is recorded; matters that need follow-up become or
join a ticket (R-IN-1 … R-IN-6, R-CV-1)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.texts import render
from propdesk.intake.choices import Outcome
from propdesk.intake.models import Interaction
from propdesk.intake.services import interaction_record
from propdesk.testing.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    ResidentFactory,
    UnitFactory,
)
from propdesk.tickets.choices import Channel, EventKind, Kind, Source, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import (
    control_center,
    error_codes,
    local,
    new_ticket,
    row_counts,
    snapshot,
)

NOW = local(2026, 11, 22, 10, 0)
TICKET_KINDS = [Kind.REPAIR, Kind.COMPLAINT, Kind.SPECIAL_SERVICE, Kind.FEEDBACK]


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


def record(actor, world, **kwargs) -> Interaction:
    """A phone call from 张伟 of 3栋2单元1202 unless told otherwise."""
    kwargs.setdefault("channel", Channel.PHONE)
    kwargs.setdefault("household", world.household_a)
    kwargs.setdefault("resident", world.resident_a)
    return interaction_record(actor=actor, **kwargs)


# --- answered on the spot -----------------------------------------------------------------------------


def test_consultation_answered_on_the_spot_creates_no_ticket(world, now, reception_a):
    # when
    interaction = record(
        reception_a,
        world,
        kind=Kind.CONSULTATION,
        content="物业费什么时候交？",
        outcome=Outcome.ANSWERED,
        outcome_note="每季度首月1日至15日，前台或App缴纳",
    )

    # then
    interaction.refresh_from_db()
    assert interaction.outcome == Outcome.ANSWERED
    assert interaction.outcome_note == "每季度首月1日至15日，前台或App缴纳"
    assert interaction.ticket is None
    assert interaction.kind == Kind.CONSULTATION
    assert interaction.service_center == world.center_a
    assert interaction.community == world.community_a
    assert interaction.unit == world.household_a.unit
    assert interaction.household == world.household_a
    assert interaction.resident == world.resident_a
    assert (interaction.caller_name, interaction.caller_phone) == ("张伟", "13812345678")
    assert (interaction.received_at, interaction.entered_at) == (NOW, NOW)
    assert interaction.received_by == reception_a
    assert Ticket.objects.count() == 0


def test_answered_is_the_default_outcome_when_no_ticket_is_needed(world, now, reception_a):
    interaction = record(reception_a, world, kind=Kind.PRAISE, content="保安小王很热心", outcome_note="已感谢业主")

    assert (interaction.outcome, interaction.ticket) == (Outcome.ANSWERED, None)


@pytest.mark.parametrize("note", ["", "   "], ids=["empty", "blank"])
def test_answered_without_a_note_is_refused(world, now, reception_a, note):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, kind=Kind.CONSULTATION, content="物业费什么时候交？", outcome_note=note)

    assert excinfo.value.message_dict == {"outcome_note": ["当场答复的，请填写答复内容"]}
    assert error_codes(excinfo.value) == {"required"}
    assert row_counts() == before


@pytest.mark.parametrize("outcome", [Outcome.TRANSFERRED, Outcome.RECORDED])
def test_transferred_or_recorded_needs_no_note(world, now, reception_a, outcome):
    interaction = record(reception_a, world, kind=Kind.SUGGESTION, content="建议增设快递柜", outcome=outcome)

    assert (interaction.outcome, interaction.ticket) == (outcome, None)


# --- ticket kinds -------------------------------------------------------------------------------------


def test_repair_creates_a_ticket_and_links_it(world, now, reception_a):
    # when
    interaction = record(reception_a, world, kind=Kind.REPAIR, content="厨房水龙头漏水")

    # then
    interaction.refresh_from_db()
    ticket = Ticket.objects.get()
    assert interaction.outcome == Outcome.TICKET
    assert interaction.ticket == ticket
    assert ticket.received_at == interaction.received_at == NOW
    assert ticket.number == "BX-20261122-0001"
    assert (ticket.kind, ticket.channel, ticket.content) == (Kind.REPAIR, Channel.PHONE, "厨房水龙头漏水")
    assert (ticket.household, ticket.resident) == (world.household_a, world.resident_a)
    assert (ticket.contact_name, ticket.contact_phone) == ("张伟", "13812345678")
    assert (ticket.first_responder, ticket.assignee) == (reception_a, reception_a)
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED]


@pytest.mark.parametrize("kind", TICKET_KINDS)
def test_every_follow_up_kind_creates_a_ticket_by_default(world, now, reception_a, kind):
    interaction = record(reception_a, world, kind=kind, content="需要跟进的事项")

    assert interaction.outcome == Outcome.TICKET
    assert interaction.ticket.kind == kind
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("kind", TICKET_KINDS)
def test_follow_up_kinds_without_a_ticket_are_refused(world, now, reception_a, kind):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, kind=kind, content="需要跟进的事项", create_ticket=False, outcome_note="已答复")

    assert excinfo.value.message_dict == {"kind": ["报修、投诉、特约服务和信息反馈必须生成工单或跟进已有工单"]}
    assert error_codes(excinfo.value) == {"ticket_required"}
    assert row_counts() == before


def test_consultation_may_still_become_a_ticket(world, now, reception_a):
    interaction = record(reception_a, world, kind=Kind.CONSULTATION, content="装修审批要哪些材料？", create_ticket=True)

    assert interaction.outcome == Outcome.TICKET
    assert interaction.ticket.number == "ZX-20261122-0001"


# --- following up an existing ticket ------------------------------------------------------------------


def test_follow_up_adds_a_note_to_the_ticket_and_no_new_ticket(world, clock, now, reception_a):
    # given a repair recorded this morning
    ticket = new_ticket(reception_a, household=world.household_a, resident=world.resident_a)
    clock.move_to(local(2026, 11, 22, 15, 0))

    # when the owner comes to the desk because nobody came
    interaction = record(
        reception_a, world, channel=Channel.VISIT, kind=Kind.REPAIR, content="师傅还没来", follow_up=ticket
    )

    # then
    assert Ticket.objects.count() == 1
    assert (interaction.outcome, interaction.ticket) == (Outcome.FOLLOW_UP, ticket)
    note = ticket.events.last()
    assert (note.kind, note.actor, note.at) == (EventKind.NOTE, reception_a, local(2026, 11, 22, 15, 0))
    assert render(note.reason) == "客户再次来访：师傅还没来"
    assert note.data == {"interaction": interaction.pk}
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED, EventKind.NOTE]


def test_follow_up_of_a_ticket_of_another_community_is_refused(world, now, reception_a):
    # given a ticket of 翠湖二期, another community of the same center
    lakeside = CommunityFactory(service_center=world.center_a, name="翠湖二期", code="cuihu2")
    unit = UnitFactory(building=BuildingFactory(community=lakeside, name="1栋"), entrance="", number="301")
    other = new_ticket(reception_a, household=HouseholdFactory(unit=unit))
    before, rows = snapshot(other), row_counts()

    # when a caller of 翠湖花园 is recorded as following it up
    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, kind=Kind.REPAIR, content="还没修好", follow_up=other)

    # then
    assert excinfo.value.message_dict == {"follow_up": ["所跟进的工单不属于该小区"]}
    assert (snapshot(other), row_counts()) == (before, rows)


def test_follow_up_and_a_new_ticket_together_are_refused(world, now, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)
    before, rows = snapshot(ticket), row_counts()

    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, kind=Kind.REPAIR, content="又漏了", follow_up=ticket, create_ticket=True)

    assert excinfo.value.message_dict == {"follow_up": ["跟进已有工单时不能再新建工单"]}
    assert (snapshot(ticket), row_counts()) == (before, rows)


# --- superior departments (R-IN-1 b) ------------------------------------------------------------------


def test_superior_instruction_is_recorded_without_a_ticket(world, now, reception_a):
    interaction = interaction_record(
        actor=reception_a,
        channel=Channel.SUPERIOR,
        source=Source.SUPERIOR,
        source_detail="公司品质部",
        service_center=world.center_a,
        kind=Kind.SUGGESTION,
        content="雨季来临，请加强地下车库排水巡查",
        outcome=Outcome.RECORDED,
    )

    interaction.refresh_from_db()
    assert interaction.service_center == world.center_a
    assert (interaction.community, interaction.unit, interaction.household, interaction.resident) == (
        None,
        None,
        None,
        None,
    )
    assert (interaction.source, interaction.source_detail) == (Source.SUPERIOR, "公司品质部")
    assert (interaction.outcome, interaction.ticket) == (Outcome.RECORDED, None)
    assert Ticket.objects.count() == 0


def test_superior_instruction_for_another_center_is_refused(world, now, reception_b):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        interaction_record(
            actor=reception_b,
            channel=Channel.SUPERIOR,
            source=Source.SUPERIOR,
            source_detail="公司品质部",
            service_center=world.center_a,
            kind=Kind.SUGGESTION,
            content="请加强巡查",
            outcome=Outcome.RECORDED,
        )

    assert row_counts() == before


def test_without_community_or_center_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        interaction_record(actor=reception_a, channel=Channel.PHONE, kind=Kind.CONSULTATION, content="你好")

    assert excinfo.value.message_dict == {"community": ["请选择小区或房号"]}
    assert row_counts() == before


# --- hand-off (R-IN-2) --------------------------------------------------------------------------------


def test_hand_off_passes_the_new_ticket_to_the_control_center(world, now, reception_a):
    control = control_center(world.center_a)

    interaction = record(reception_a, world, kind=Kind.REPAIR, content="电梯困人", hand_off=True)

    ticket = interaction.ticket
    ticket.refresh_from_db()
    assert (ticket.first_responder, ticket.assignee, ticket.team) == (reception_a, None, control)
    assert ticket.handed_off_at == NOW
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED, EventKind.HANDED_OFF]
    assert ticket.status == Status.NEW


def test_hand_off_without_a_control_center_records_nothing(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError):
        record(reception_a, world, kind=Kind.REPAIR, content="电梯困人", hand_off=True)

    assert row_counts() == before


# --- back-fill (R-IN-6) -------------------------------------------------------------------------------


def test_backfilled_repair_keeps_the_receipt_time_on_both_records(world, now, reception_a):
    received = NOW - dt.timedelta(hours=3)

    interaction = record(reception_a, world, kind=Kind.REPAIR, content="停电期间的纸质记录", received_at=received)

    interaction.refresh_from_db()
    ticket = interaction.ticket
    assert interaction.received_at == ticket.received_at == received
    assert interaction.entered_at == ticket.entered_at == NOW
    assert ticket.is_backfilled is True
    assert ticket.events.get().data["backfilled"] is True


def test_backfilled_consultation_keeps_the_receipt_time(world, now, reception_a):
    received = local(2026, 11, 21, 16, 30)

    interaction = record(
        reception_a, world, kind=Kind.CONSULTATION, content="问停水时间", outcome_note="已告知", received_at=received
    )

    assert (interaction.received_at, interaction.entered_at) == (received, NOW)


def test_receipt_time_in_the_future_is_refused(world, now, reception_a):
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, kind=Kind.REPAIR, content="漏水", received_at=NOW + dt.timedelta(minutes=10))

    assert excinfo.value.message_dict == {"received_at": ["接报时间不能晚于当前时间"]}
    assert error_codes(excinfo.value) == {"future"}
    assert row_counts() == before


def test_receipt_time_before_the_household_moved_in_is_refused(world, now, reception_a):
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="8栋"), entrance="1单元", number="601"
    )
    household = HouseholdFactory(unit=unit, moved_in=dt.date(2026, 11, 1))
    resident = ResidentFactory(household=household, name="陈静", phone="13600000601")
    before = row_counts()

    with pytest.raises(ValidationError) as excinfo:
        record(
            reception_a,
            world,
            household=household,
            resident=resident,
            kind=Kind.CONSULTATION,
            content="问装修",
            outcome_note="已告知",
            received_at=local(2026, 10, 31, 9, 0),
        )

    assert list(excinfo.value.message_dict) == ["received_at"]
    assert excinfo.value.message_dict["received_at"][0].startswith("接报时间早于该住户建档/入住时间")
    assert row_counts() == before


def test_naive_receipt_time_is_local_time(world, now, reception_a):
    interaction = record(reception_a, world, kind=Kind.REPAIR, content="漏水", received_at=dt.datetime(2026, 11, 22, 8))

    interaction.refresh_from_db()
    assert interaction.received_at == interaction.ticket.received_at == local(2026, 11, 22, 8, 0)


# --- who may record, bad input ------------------------------------------------------------------------


def test_field_staff_cannot_record_at_the_desk(world, now, technician_a):
    before = row_counts()

    with pytest.raises(PermissionDenied) as excinfo:
        record(technician_a, world, kind=Kind.REPAIR, content="漏水")

    assert str(excinfo.value) == "您不能为该小区登记来电来访"
    assert row_counts() == before


def test_field_staff_cannot_record_a_superior_instruction(world, now, technician_a):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        interaction_record(
            actor=technician_a,
            channel=Channel.SUPERIOR,
            source=Source.SUPERIOR,
            service_center=world.center_a,
            kind=Kind.SUGGESTION,
            content="请加强巡查",
            outcome=Outcome.RECORDED,
        )

    assert row_counts() == before


def test_staff_of_another_center_cannot_record(world, now, reception_b):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        record(reception_b, world, kind=Kind.REPAIR, content="漏水")

    assert row_counts() == before


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"content": " \n "}, {"content": ["不能为空"]}, id="blank-content"),
        pytest.param({"channel": "wechat"}, {"channel": ["未知的渠道：wechat"]}, id="unknown-channel"),
        pytest.param({"kind": "gossip"}, {"kind": ["未知的类别：gossip"]}, id="unknown-kind"),
        pytest.param({"source": "rumour"}, {"source": ["未知的来源：rumour"]}, id="unknown-source"),
        pytest.param(
            {"caller_phone": "12345"},
            {"caller_phone": ["电话号码格式不正确：12345（手机应为 11 位数字，座机如 0755-12345678）"]},
            id="malformed-phone",
        ),
        pytest.param({"outcome": "ignored"}, {"outcome": ["未知的处理结果：ignored"]}, id="unknown-outcome"),
    ],
)
def test_bad_input_is_refused_field_by_field(world, now, reception_a, overrides, expected):
    before = row_counts()
    kwargs = {"kind": Kind.CONSULTATION, "content": "问停车", "outcome_note": "已答复", **overrides}

    with pytest.raises(ValidationError) as excinfo:
        record(reception_a, world, **kwargs)

    assert excinfo.value.message_dict == expected
    assert row_counts() == before
