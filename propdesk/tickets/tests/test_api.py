"""The ticket page's remaining capabilities over the API: my tickets, internal notes, links, a superior's
decision, replies and attachments (list and download), the staff a ticket may be assigned to, the quick
hand-off by room, and stale versions on hand-off and assign."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from propdesk.api.models import IdempotencyKey
from propdesk.api.tests.conftest import ApiClient, bearer
from propdesk.org.choices import DepartmentKind, Role
from propdesk.sla.models import SlaTarget
from propdesk.testing.clock import shanghai_time as local
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import EventKind, LinkKind, Status
from propdesk.tickets.models import Ticket, TicketEvent, TicketLink
from propdesk.tickets.services import ticket_assign, ticket_attach, ticket_link, ticket_reply

from .helpers import new_ticket, png_bytes, row_counts, walk_to

# Inside the test's transaction, ``core.db.joins_in_written_order`` adds a savepoint with its SET and reset.
PLANNER_STATEMENTS = 4 if connection.vendor == "postgresql" else 0

TICKETS = "/api/v1/tickets"
NOW = local(2026, 11, 18, 10, 0)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def at_ten(clock):
    clock.move_to(NOW)


@pytest.fixture
def reception(world):
    return staff_user("reception-a", Role.RECEPTIONIST, center=world.center_a)


@pytest.fixture
def clerk(world):
    """A records clerk of center A: sees the center's tickets, does not work on them."""
    return staff_user("clerk-a", Role.RECORDS_CLERK, center=world.center_a)


@pytest.fixture
def technician(world):
    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程部")
    return staff_user("tech-a", Role.TECHNICIAN, center=world.center_a, department=engineering)


@pytest.fixture
def reception_b(world):
    return staff_user("reception-b", Role.RECEPTIONIST, center=world.center_b)


@pytest.fixture
def control_center(world):
    return DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="翠湖控制中心")


def person(user) -> dict:
    return {"id": user.pk, "name": user.staff_profile.name}


def ticket_of(world, actor, **kwargs) -> Ticket:
    kwargs.setdefault("household", world.household_a)
    return new_ticket(actor, **kwargs)


# --- my tickets -------------------------------------------------------------------------------------------------


def test_my_tickets_are_the_open_ones_assigned_to_me(world, reception, technician):
    # given: two open tickets of mine, one resolved, one passed to the technician
    older = ticket_of(world, reception, content="第一件")
    newer = ticket_of(world, reception, content="第二件")
    walk_to(ticket_of(world, reception, content="已办结"), Status.RESOLVED, reception)
    ticket_assign(actor=reception, ticket=ticket_of(world, reception, content="转给师傅"), assignee=technician)

    # when
    mine = bearer(reception).get(f"{TICKETS}/mine")
    technicians = bearer(technician).get(f"{TICKETS}/mine")

    # then
    assert mine.status_code == 200
    assert (mine.json()["count"], [t["id"] for t in mine.json()["items"]]) == (2, [newer.pk, older.pk])
    assert mine.json()["items"][0]["assignee"] == person(reception)
    assert [t["content"] for t in technicians.json()["items"]] == ["转给师傅"]


def test_my_tickets_query_count_does_not_depend_on_page_size(world, reception, django_assert_num_queries):
    # given
    for i in range(6):
        ticket_of(world, reception, content=f"第{i}件")
    api = bearer(reception)
    assert api.get(f"{TICKETS}/mine").status_code == 200  # token's last_used_at is written once

    # when / then: token, scope (4), count, page (+ the page's planner setting on PostgreSQL)
    with django_assert_num_queries(7 + PLANNER_STATEMENTS):
        small = api.get(f"{TICKETS}/mine", {"limit": 2})
    with django_assert_num_queries(7 + PLANNER_STATEMENTS):
        large = api.get(f"{TICKETS}/mine", {"limit": 50})
    assert (len(small.json()["items"]), len(large.json()["items"]), large.json()["count"]) == (2, 6, 6)


# --- internal notes ---------------------------------------------------------------------------------------------


def test_add_an_internal_note(world, reception, resident_user_a):
    # given
    ticket = ticket_of(world, reception)

    # when
    response = bearer(reception).post(f"{TICKETS}/{ticket.pk}/notes", {"text": "  住户脾气急，注意沟通  "})

    # then
    assert response.status_code == 201, response.content
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert response.json() == {
        "id": event.pk,
        "at": "2026-11-18T10:00:00+08:00",
        "kind": "note",
        "actor": person(reception),
        "on_behalf_of": None,
        "from_status": "",
        "to_status": "",
        "reason": "住户脾气急，注意沟通",
        "data": {},
    }
    ticket.refresh_from_db()
    assert ticket.version == 2
    # the resident never sees it
    resident = ApiClient()
    resident.client.force_login(resident_user_a)
    assert [e["kind"] for e in resident.get(f"{TICKETS}/{ticket.pk}/events").json()] == ["created"]


def test_a_retried_note_is_added_once(world, reception):
    # given
    ticket = ticket_of(world, reception)
    api = bearer(reception)
    headers = {"Idempotency-Key": "note-1"}

    # when
    first = api.post(f"{TICKETS}/{ticket.pk}/notes", {"text": "已电话联系"}, headers=headers)
    again = api.post(f"{TICKETS}/{ticket.pk}/notes", {"text": "已电话联系"}, headers=headers)

    # then
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).count() == 1
    assert IdempotencyKey.objects.get().endpoint == "tickets.note"


def test_note_refusals_change_nothing(world, reception, clerk, reception_b):
    # given
    ticket = ticket_of(world, reception)
    before = row_counts()
    url = f"{TICKETS}/{ticket.pk}/notes"

    # when
    empty = bearer(reception).post(url, {"text": "   "})
    denied = bearer(clerk).post(url, {"text": "我来看看"})
    elsewhere = bearer(reception_b).post(url, {"text": "跨中心"})

    # then
    assert empty.status_code == 400
    assert empty.json()["errors"] == [{"field": "text", "message": "不能为空"}]
    assert denied.status_code == 403
    assert denied.json() == {"detail": "您无权处理该工单", "errors": []}
    assert elsewhere.status_code == 404
    assert row_counts() == before
    ticket.refresh_from_db()
    assert ticket.version == 1


# --- links ------------------------------------------------------------------------------------------------------


def test_link_by_number_and_read_the_links_from_both_sides(world, reception):
    # given
    original = ticket_of(world, reception, content="楼道灯坏了")
    duplicate = ticket_of(world, reception, content="楼道灯又坏了")

    # when
    response = bearer(reception).post(
        f"{TICKETS}/{duplicate.pk}/links", {"kind": "duplicate_of", "number": original.number.lower()}
    )

    # then
    assert response.status_code == 201, response.content
    link = TicketLink.objects.get()
    assert (link.from_ticket, link.to_ticket, link.kind) == (duplicate, original, LinkKind.DUPLICATE_OF)
    assert response.json() == {
        "id": link.pk,
        "kind": "duplicate_of",
        "direction": "out",
        "ticket": {"id": original.pk, "number": original.number, "title": "楼道灯坏了", "status": "new"},
        "created_at": "2026-11-18T10:00:00+08:00",
        "created_by": person(reception),
    }
    seen_from_original = bearer(reception).get(f"{TICKETS}/{original.pk}/links").json()
    assert [(li["id"], li["direction"], li["ticket"]["id"]) for li in seen_from_original] == [
        (link.pk, "in", duplicate.pk)
    ]
    assert [t.version for t in Ticket.objects.order_by("pk")] == [2, 2]


def test_link_by_id(world, reception):
    # given
    parent = ticket_of(world, reception, content="整栋停水")
    child = ticket_of(world, reception, content="1202 停水")

    # when
    response = bearer(reception).post(
        f"{TICKETS}/{parent.pk}/links", {"kind": "parent_of", "to_ticket_id": child.pk, "reason": "同一原因"}
    )

    # then
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["ticket"]["id"]) == ("parent_of", child.pk)
    event = TicketEvent.objects.filter(ticket=parent, kind=EventKind.LINKED).get()
    assert (event.reason, event.data["to_ticket"]) == ("同一原因", child.number)


def test_a_retried_link_is_made_once(world, reception):
    # given
    one, other = ticket_of(world, reception), ticket_of(world, reception)
    api = bearer(reception)
    body = {"kind": "related", "to_ticket_id": other.pk}

    # when
    first = api.post(f"{TICKETS}/{one.pk}/links", body, headers={"Idempotency-Key": "link-1"})
    again = api.post(f"{TICKETS}/{one.pk}/links", body, headers={"Idempotency-Key": "link-1"})

    # then
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert TicketLink.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "related"}, "to_ticket_id", "必填"),
        ({"kind": "related", "number": "BX-20991231-0001"}, "number", "找不到工单 BX-20991231-0001"),
        ({"kind": "related", "to_ticket_id": 999999}, "to_ticket_id", "工单不存在或您无权访问"),
    ],
)
def test_a_link_needs_a_ticket_in_reach(world, reception, body, field, message):
    # given
    ticket = ticket_of(world, reception)

    # when
    response = bearer(reception).post(f"{TICKETS}/{ticket.pk}/links", body)

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert not TicketLink.objects.exists()


def test_link_refusals_change_nothing(world, reception, clerk, reception_b):
    # given
    one, other = ticket_of(world, reception), ticket_of(world, reception)
    in_b = ticket_of(world, reception_b, household=world.household_b)
    before = row_counts()

    # when
    denied = bearer(clerk).post(f"{TICKETS}/{one.pk}/links", {"kind": "related", "to_ticket_id": other.pk})
    elsewhere = bearer(reception_b).post(f"{TICKETS}/{one.pk}/links", {"kind": "related", "to_ticket_id": in_b.pk})
    across = bearer(reception).post(f"{TICKETS}/{one.pk}/links", {"kind": "related", "to_ticket_id": in_b.pk})

    # then
    assert denied.status_code == 403
    assert elsewhere.status_code == 404
    assert across.status_code == 400
    assert row_counts() == before


def test_links_only_show_tickets_the_caller_may_see(world, reception, technician):
    # given: the technician's ticket is linked to one they are not assigned
    theirs, other = ticket_of(world, reception), ticket_of(world, reception)
    ticket_assign(actor=reception, ticket=theirs, assignee=technician)
    ticket_link(actor=reception, from_ticket=theirs, to_ticket=other, kind=LinkKind.RELATED)

    # then
    assert len(bearer(reception).get(f"{TICKETS}/{theirs.pk}/links").json()) == 1
    assert bearer(technician).get(f"{TICKETS}/{theirs.pk}/links").json() == []


# --- a superior's decision ----------------------------------------------------------------------------------------


def test_request_a_decision(world, reception):
    # given
    ticket = ticket_of(world, reception)

    # when
    response = bearer(reception).post(f"{TICKETS}/{ticket.pk}/request-decision", {"reason": "维修费用需经理审批"})

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["version"], response.json()["status"]) == (ticket.pk, 2, "new")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert (event.actor, event.reason, event.data) == (reception, "维修费用需经理审批", {"decision_requested": True})
    assert SlaTarget.objects.filter(ticket=ticket, policy__start_event="ticket.escalation_requested").exists()


def test_a_retried_decision_request_is_recorded_once(world, reception):
    # given
    ticket = ticket_of(world, reception)
    api = bearer(reception)
    url = f"{TICKETS}/{ticket.pk}/request-decision"

    # when
    first = api.post(url, {"reason": "需经理决定"}, headers={"Idempotency-Key": "decide-1"})
    again = api.post(url, {"reason": "需经理决定"}, headers={"Idempotency-Key": "decide-1"})

    # then
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (200, 200, "true")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).count() == 1


def test_decision_refusals_change_nothing(world, reception, clerk, reception_b):
    # given
    ticket = ticket_of(world, reception)
    closed = walk_to(ticket_of(world, reception), Status.CLOSED, reception)
    before = row_counts()

    # when
    denied = bearer(clerk).post(f"{TICKETS}/{ticket.pk}/request-decision", {"reason": "需经理决定"})
    elsewhere = bearer(reception_b).post(f"{TICKETS}/{ticket.pk}/request-decision", {"reason": "需经理决定"})
    too_late = bearer(reception).post(f"{TICKETS}/{closed.pk}/request-decision", {"reason": "需经理决定"})
    no_reason = bearer(reception).post(f"{TICKETS}/{ticket.pk}/request-decision", {"reason": ""})

    # then
    assert denied.status_code == 403
    assert elsewhere.status_code == 404
    assert too_late.status_code == 400
    assert too_late.json()["errors"] == [{"field": "status", "message": "已办结或已关闭的工单不能上报"}]
    assert no_reason.status_code == 422  # the schema requires the reason (minLength 1)
    assert no_reason.json()["errors"] == [{"field": "reason", "message": "不能为空"}]
    assert row_counts() == before


# --- replies and attachments --------------------------------------------------------------------------------------


def test_list_replies(world, reception, reception_b):
    # given
    ticket = ticket_of(world, reception)
    reply = ticket_reply(actor=reception, ticket=ticket, method="phone", content="师傅明天上午上门", satisfied=True)

    # when
    response = bearer(reception).get(f"{TICKETS}/{ticket.pk}/replies")

    # then
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": reply.pk,
            "at": "2026-11-18T10:00:00+08:00",
            "by": person(reception),
            "method": "phone",
            "content": "师傅明天上午上门",
            "customer_opinion": "",
            "satisfied": True,
        }
    ]
    assert bearer(reception_b).get(f"{TICKETS}/{ticket.pk}/replies").status_code == 404


def test_list_and_download_attachments(world, reception, reception_b, resident_user_a):
    # given
    ticket = ticket_of(world, reception)
    data = png_bytes()
    attachment = ticket_attach(
        actor=reception, ticket=ticket, upload=SimpleUploadedFile("漏水.png", data), note="现场照片"
    )
    resident = ApiClient()
    resident.client.force_login(resident_user_a)

    # when
    listed = bearer(reception).get(f"{TICKETS}/{ticket.pk}/attachments")
    download = bearer(reception).get(f"{TICKETS}/{ticket.pk}/attachments/{attachment.pk}")

    # then
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": attachment.pk,
            "original_name": "漏水.png",
            "content_type": "image/png",
            "size": len(data),
            "note": "现场照片",
            "uploaded_at": "2026-11-18T10:00:00+08:00",
            "uploaded_by": person(reception),
        }
    ]
    assert download.status_code == 200
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("image/png", "nosniff")
    assert b"".join(download.streaming_content) == data
    # the resident of the household may download it, like on the page; another center may not
    assert resident.get(f"{TICKETS}/{ticket.pk}/attachments/{attachment.pk}").status_code == 200
    assert bearer(reception_b).get(f"{TICKETS}/{ticket.pk}/attachments/{attachment.pk}").status_code == 404
    assert bearer(reception_b).get(f"{TICKETS}/{ticket.pk}/attachments").status_code == 404


def test_an_attachment_is_only_found_under_its_own_ticket(world, reception):
    # given
    ticket, other = ticket_of(world, reception), ticket_of(world, reception)
    attachment = ticket_attach(actor=reception, ticket=ticket, upload=SimpleUploadedFile("a.png", png_bytes()))

    # when
    response = bearer(reception).get(f"{TICKETS}/{other.pk}/attachments/{attachment.pk}")

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在或您无权查看", "errors": []}


def test_part_lists_query_count_does_not_depend_on_their_length(world, reception, django_assert_num_queries):
    # given one ticket with one reply, attachment and link, another with three of each
    few, many = ticket_of(world, reception), ticket_of(world, reception)
    for ticket, n in ((few, 1), (many, 3)):
        for i in range(n):
            ticket_reply(actor=reception, ticket=ticket, method="phone", content=f"答复{i}")
            ticket_attach(actor=reception, ticket=ticket, upload=SimpleUploadedFile(f"{i}.png", png_bytes()))
            ticket_link(actor=reception, from_ticket=ticket, to_ticket=ticket_of(world, reception), kind="related")
    api = bearer(reception)
    assert api.get(f"{TICKETS}/{few.pk}/replies").status_code == 200  # token's last_used_at is written once

    # then: token, scope (4), ticket, rows
    for part in ("replies", "attachments", "links"):
        for ticket, n in ((few, 1), (many, 3)):
            with django_assert_num_queries(7):
                assert len(api.get(f"{TICKETS}/{ticket.pk}/{part}").json()) == n, part


# --- assignable staff ---------------------------------------------------------------------------------------------


def test_assignable_staff(world, reception, technician, reception_b):
    # given
    ticket = ticket_of(world, reception)
    ticket_assign(actor=reception, ticket=ticket, assignee=technician)

    # when
    response = bearer(reception).get(f"{TICKETS}/{ticket.pk}/assignable-staff")

    # then
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}  # staff_user names the profile after the login
    assert set(rows) == {"reception-a", "tech-a"}
    assert rows["tech-a"] == person(technician) | {
        "department": {"id": technician.staff_profile.department_id, "name": "工程部"}
    }
    # a technician may not assign; another center does not see the ticket
    denied = bearer(technician).get(f"{TICKETS}/{ticket.pk}/assignable-staff")
    assert denied.status_code == 403
    assert denied.json() == {"detail": "您无权指派该工单", "errors": []}
    assert bearer(reception_b).get(f"{TICKETS}/{ticket.pk}/assignable-staff").status_code == 404


# --- the quick hand-off by room -------------------------------------------------------------------------------------


def test_quick_hand_off_by_room(world, reception, control_center):
    # when
    response = bearer(reception).post(
        TICKETS,
        {
            "kind": "repair",
            "content": "电梯困人",
            "channel": "staff",
            "community_id": world.community_a.pk,
            "room": "3-2-1202",
            "hand_off": True,
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit"] == {"id": world.household_a.unit_id, "label": "3栋2单元1202"}
    assert (body["team"], body["assignee"], body["first_responder"]) == (
        {"id": control_center.pk, "name": "翠湖控制中心"},
        None,
        person(reception),
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"room": "9-9-909"}, "room", "翠湖花园没有楼栋“9”（已登记的楼栋：3栋）"),
        ({"room": "3-2-1203"}, "room", "翠湖花园没有房号“3-2-1203”，请核对单元和房号"),
        ({"room": "楼下"}, "room", "房号“楼下”无法识别，请写成 3-2-1202 或 3栋2单元1202"),
        ({"room": "3-2-1202", "community_id": None}, "community_id", "请选择小区"),
    ],
)
def test_quick_hand_off_needs_a_room_of_the_community(world, reception, control_center, extra, field, message):
    # when
    body = {"kind": "repair", "content": "漏水", "channel": "staff", "community_id": world.community_a.pk}
    response = bearer(reception).post(TICKETS, body | extra)

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert not Ticket.objects.exists()


# --- stale versions -------------------------------------------------------------------------------------------------


def test_stale_hand_off_and_assign_are_409_and_change_nothing(world, reception, technician, control_center):
    # given: the ticket moved on (version 2) since the client read version 1
    ticket = ticket_of(world, reception)
    walk_to(ticket, Status.IN_PROGRESS, reception)
    api = bearer(reception)
    message = "该工单已被他人修改（当前版本 2），请刷新后重试"

    # when
    hand_off = api.post(f"{TICKETS}/{ticket.pk}/hand-off", {"expected_version": 1})
    assign = api.post(f"{TICKETS}/{ticket.pk}/assign", {"assignee_id": technician.pk, "expected_version": 1})

    # then
    for response in (hand_off, assign):
        assert response.status_code == 409
        assert response.json() == {"detail": message, "errors": [{"field": "expected_version", "message": message}]}
    ticket.refresh_from_db()
    assert (ticket.version, ticket.assignee, ticket.team) == (2, reception, None)
