"""The front-desk pages (接待台): who may open them, the lookup partial (phones masked), and recording."""

import datetime as dt

import pytest
from django.urls import reverse

from propdesk.core.texts import render
from propdesk.intake.choices import Outcome
from propdesk.intake.models import Interaction
from propdesk.tickets.choices import Channel, EventKind, Kind, Source
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import control_center, local, new_ticket, row_counts

NOW = local(2026, 11, 22, 10, 0)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now(world, clock):
    clock.move_to(NOW)
    return NOW


@pytest.fixture
def desk(client, reception_a, now):
    client.force_login(reception_a)
    return client


def repair_post(world, **overrides) -> dict:
    """What the desk form posts after looking up 13812345678 and choosing 张伟."""
    return {
        "household": world.household_a.pk,
        "resident": world.resident_a.pk,
        "channel": Channel.PHONE,
        "source": Source.CUSTOMER,
        "kind": Kind.REPAIR,
        "content": "厨房水龙头漏水",
        **overrides,
    }


# --- who may open the desk ----------------------------------------------------------------------------


def test_receptionist_opens_the_desk(desk):
    response = desk.get(reverse("intake:desk"))

    assert response.status_code == 200
    assert "接待台" in response.content.decode()


@pytest.mark.parametrize("who", ["technician_a", "resident_user_a"])
def test_field_staff_and_residents_are_turned_away(client, now, request, who):
    client.force_login(request.getfixturevalue(who))

    for url in (reverse("intake:desk"), reverse("intake:lookup") + "?q=13812345678", reverse("intake:record")):
        assert client.get(url).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(reverse("intake:desk"))

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/desk/"


# --- lookup -------------------------------------------------------------------------------------------


def test_lookup_shows_the_household_with_the_phone_masked(world, desk):
    response = desk.get(reverse("intake:lookup"), {"q": "13812345678"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "翠湖花园 3栋2单元1202" in content
    assert "张伟" in content
    assert "138****5678" in content
    assert "13812345678" not in content


def test_lookup_lists_open_tickets_to_follow_up(world, desk, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)

    content = desk.get(reverse("intake:lookup"), {"q": "3-2-1202"}).content.decode()

    assert ticket.number in content
    assert f'name="follow_up" value="{ticket.pk}"' in content


def test_lookup_of_another_center_household_finds_nothing(world, client, reception_b, now):
    client.force_login(reception_b)

    content = client.get(reverse("intake:lookup"), {"q": "13812345678"}).content.decode()

    assert "没有找到与“13812345678”匹配的住户" in content
    assert "张伟" not in content
    assert "3栋2单元1202" not in content


def test_desk_page_runs_the_lookup_from_the_address(world, desk):
    content = desk.get(reverse("intake:desk"), {"q": "3栋2单元1202"}).content.decode()

    assert "138****5678" in content
    assert f'data-household="{world.household_a.pk}"' in content


# --- record -------------------------------------------------------------------------------------------


def test_record_a_repair_creates_one_ticket_and_one_interaction(world, desk, reception_a):
    response = desk.post(reverse("intake:record"), repair_post(world))

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    interaction = Interaction.objects.get()
    assert ticket.number == "BX-20261122-0001"
    assert "已登记，工单 BX-20261122-0001" in response.content.decode()
    assert (interaction.ticket, interaction.outcome) == (ticket, Outcome.TICKET)
    assert (ticket.household, ticket.resident, ticket.first_responder) == (
        world.household_a,
        world.resident_a,
        reception_a,
    )
    assert ticket.received_at == interaction.received_at == NOW


def test_record_with_hand_off_passes_the_ticket_on(world, desk):
    control = control_center(world.center_a)

    response = desk.post(reverse("intake:record"), repair_post(world, hand_off="on"))

    ticket = Ticket.objects.get()
    assert (ticket.assignee, ticket.team) == (None, control)
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED, EventKind.HANDED_OFF]
    assert "已转交控制中心" in response.content.decode()


def test_record_with_empty_content_is_refused(world, desk):
    before = row_counts()

    response = desk.post(reverse("intake:record"), repair_post(world, content=""))

    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()
    assert row_counts() == before


def test_record_with_blank_content_is_refused_by_the_service(world, desk):
    before = row_counts()

    response = desk.post(reverse("intake:record"), repair_post(world, content="   "))

    assert response.status_code == 400
    assert row_counts() == before


def test_consultation_answered_with_a_note_creates_no_ticket(world, desk):
    response = desk.post(
        reverse("intake:record"),
        repair_post(
            world,
            kind=Kind.CONSULTATION,
            content="物业费什么时候交？",
            outcome=Outcome.ANSWERED,
            outcome_note="每季度首月1日至15日",
        ),
    )

    assert response.status_code == 200
    interaction = Interaction.objects.get()
    assert (interaction.outcome, interaction.ticket, interaction.outcome_note) == (
        Outcome.ANSWERED,
        None,
        "每季度首月1日至15日",
    )
    assert Ticket.objects.count() == 0
    assert "已登记来电来访记录（当场答复）" in response.content.decode()


def test_consultation_answered_without_a_note_is_refused(world, desk):
    before = row_counts()

    response = desk.post(
        reverse("intake:record"),
        repair_post(world, kind=Kind.CONSULTATION, content="物业费什么时候交？", outcome=Outcome.ANSWERED),
    )

    assert response.status_code == 400
    assert "当场答复的，请填写答复内容" in response.content.decode()
    assert row_counts() == before


def test_repair_marked_answered_is_refused(world, desk):
    before = row_counts()

    response = desk.post(
        reverse("intake:record"), repair_post(world, outcome=Outcome.ANSWERED, outcome_note="让业主自己关水阀")
    )

    assert response.status_code == 400
    assert "报修、投诉、特约服务和信息反馈必须生成工单或跟进已有工单" in response.content.decode()
    assert row_counts() == before


def test_receipt_time_in_the_future_is_refused(world, desk):
    before = row_counts()
    future = (NOW + dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")

    response = desk.post(reverse("intake:record"), repair_post(world, received_at=future))

    assert response.status_code == 400
    assert "接报时间不能晚于当前时间" in response.content.decode()
    assert row_counts() == before


def test_backfilled_receipt_time_from_the_form_is_local_time(world, desk):
    response = desk.post(reverse("intake:record"), repair_post(world, received_at="2026-11-22T07:30"))

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.received_at == local(2026, 11, 22, 7, 30)
    assert ticket.entered_at == NOW


def test_follow_up_from_the_desk_adds_a_note(world, desk, reception_a):
    ticket = new_ticket(reception_a, household=world.household_a)

    response = desk.post(
        reverse("intake:record"), repair_post(world, content="师傅还没来", follow_up=ticket.pk, channel=Channel.VISIT)
    )

    assert response.status_code == 200
    assert Ticket.objects.count() == 1
    assert Interaction.objects.get().outcome == Outcome.FOLLOW_UP
    assert render(ticket.events.last().reason) == "客户再次来访：师傅还没来"


def test_household_of_another_center_cannot_be_posted(world, desk):
    before = row_counts()

    response = desk.post(
        reverse("intake:record"), repair_post(world, household=world.household_b.pk, resident=world.resident_b.pk)
    )

    assert response.status_code == 400
    assert row_counts() == before


def test_technician_cannot_post_a_record(world, client, technician_a, now):
    client.force_login(technician_a)
    before = row_counts()

    response = client.post(reverse("intake:record"), repair_post(world))

    assert response.status_code == 403
    assert row_counts() == before
