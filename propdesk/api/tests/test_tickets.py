"""Ticket endpoints: create (every kind), list (pagination, filters, scoping, query count), detail,
by number, events, transitions, hand-off, assign, replies and attachments."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from propdesk.org.choices import Role
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, UnitFactory, UserFactory, staff_user
from propdesk.tickets.choices import NUMBER_PREFIX, EventKind, Kind, Status
from propdesk.tickets.models import Attachment, Reply, Ticket, TicketEvent
from propdesk.tickets.services import ticket_assign, ticket_create, ticket_transition

from .conftest import ApiClient, bearer

# Inside the test's transaction, ``core.db.joins_in_written_order`` adds a savepoint with its SET and reset.
PLANNER_STATEMENTS = 4 if connection.vendor == "postgresql" else 0

TICKETS = "/api/v1/tickets"


def make_ticket(actor, world, **kwargs) -> Ticket:
    defaults = {"kind": Kind.REPAIR, "content": "厨房水管漏水", "channel": "phone", "household": world.household_a}
    return ticket_create(actor=actor, **{**defaults, **kwargs})


def moved_in_long_ago(household) -> None:
    """Back-dated tickets must not predate the household's record."""
    household.moved_in = dt.date(2020, 1, 1)
    household.save(update_fields=["moved_in"])


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


# --- create ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_create_every_kind(api_a, receptionist_a, world, kind):
    # when
    response = api_a.post(
        TICKETS,
        {
            "kind": kind,
            "content": "3栋2单元1202 反映情况\n第二行",
            "channel": "phone",
            "household_id": world.household_a.pk,
            "contact_name": "张先生",
            "contact_phone": "138 1234 5678",
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["id"] == ticket.pk
    assert body["number"] == ticket.number
    assert body["number"].startswith(f"{NUMBER_PREFIX[kind]}-")
    assert (body["kind"], body["status"], body["priority"], body["version"]) == (kind, "new", "normal", 1)
    assert body["community"] == {"id": world.community_a.pk, "name": "翠湖花园"}
    assert body["unit"] == {"id": world.household_a.unit_id, "label": "3栋2单元1202"}
    assert body["household_id"] == world.household_a.pk
    assert body["title"] == "3栋2单元1202 反映情况"
    assert body["first_responder"] == {"id": receptionist_a.pk, "name": "reception-a"}
    assert body["assignee"] == body["first_responder"]
    assert body["contact_name"] == "张先生"
    assert body["contact_phone"] == "138****5678"
    assert ticket.contact_phone == "13812345678"
    assert body["received_at"].endswith("+08:00")


def test_create_fills_the_contact_from_the_resident_and_masks_the_phone(api_a, world):
    # when
    response = api_a.post(
        TICKETS,
        {"kind": "complaint", "content": "楼上噪音", "channel": "visit", "resident_id": world.resident_a.pk},
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["contact_name"], body["contact_phone"]) == ("张伟", "138****5678")
    assert "13812345678" not in response.content.decode()


def test_create_with_hand_off_passes_the_ticket_to_the_control_center(api_a, world, control_center_a):
    # when
    response = api_a.post(
        TICKETS,
        {
            "kind": "repair",
            "content": "电梯困人",
            "channel": "phone",
            "unit_id": world.household_a.unit_id,
            "priority": "urgent",
            "hand_off": True,
        },
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["assignee"] is None
    assert body["team"] == {"id": control_center_a.pk, "name": "翠湖控制中心"}
    assert body["handed_off_at"] is not None
    assert body["priority"] == "urgent"
    assert body["version"] == 2


def test_create_back_fills_a_paper_record(api_a, world):
    # given
    received = timezone.localtime() - dt.timedelta(hours=3)

    # when
    response = api_a.post(
        TICKETS,
        {
            "kind": "suggestion",
            "content": "建议增加充电桩",
            "channel": "letter",
            "community_id": world.community_a.pk,
            "received_at": received.isoformat(),
        },
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["backfilled"] is True
    assert dt.datetime.fromisoformat(body["received_at"]) == received
    assert Ticket.objects.get().received_at == received


def test_a_resident_creates_a_ticket_for_their_household_only(world, resident_user):
    # given
    api = ApiClient()
    api.client.force_login(resident_user)

    # when
    own = api.post(
        TICKETS, {"kind": "repair", "content": "门锁坏了", "channel": "portal", "household_id": world.household_a.pk}
    )
    other = api.post(
        TICKETS, {"kind": "repair", "content": "门锁坏了", "channel": "portal", "household_id": world.household_b.pk}
    )

    # then
    assert own.status_code == 201
    assert own.json()["assignee"] is None
    assert other.status_code == 400
    assert other.json()["errors"] == [{"field": "household_id", "message": "住户不存在或您无权访问"}]
    assert Ticket.objects.count() == 1


def test_staff_of_center_b_cannot_create_in_community_a(api_b, world):
    # when
    response = api_b.post(
        TICKETS, {"kind": "repair", "content": "漏水", "channel": "phone", "community_id": world.community_a.pk}
    )

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "community_id", "message": "小区不存在或您无权访问"}]
    assert not Ticket.objects.exists()


# --- list -----------------------------------------------------------------------------------------------------


def test_list_paginates_newest_first(api_a, receptionist_a, world):
    # given: seven tickets received an hour apart
    moved_in_long_ago(world.household_a)
    now = timezone.now()
    tickets = [
        make_ticket(receptionist_a, world, received_at=now - dt.timedelta(hours=7 - i), content=f"第{i}件")
        for i in range(7)
    ]
    newest_first = [t.pk for t in reversed(tickets)]

    # when
    first = api_a.get(TICKETS, {"limit": 3})
    last = api_a.get(TICKETS, {"limit": 3, "offset": 6})
    default = api_a.get(TICKETS)

    # then
    assert first.status_code == 200
    assert first.json()["count"] == 7
    assert [t["id"] for t in first.json()["items"]] == newest_first[:3]
    assert [t["id"] for t in last.json()["items"]] == newest_first[6:]
    assert len(default.json()["items"]) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset"), ({"limit": "many"}, "limit")],
)
def test_list_refuses_bad_paging(api_a, params, field):
    # when
    response = api_a.get(TICKETS, params)

    # then
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_list_filters(api_a, receptionist_a, world):
    # given
    moved_in_long_ago(world.household_a)
    now = timezone.now()
    repair = make_ticket(receptionist_a, world, received_at=now - dt.timedelta(days=3), contact_phone="13900001111")
    complaint = make_ticket(
        receptionist_a, world, kind=Kind.COMPLAINT, content="保安态度差", household=None, community=world.community_a
    )
    ticket_transition(actor=receptionist_a, ticket=complaint, to_status=Status.IN_PROGRESS)

    def ids(**params):
        response = api_a.get(TICKETS, params)
        assert response.status_code == 200, response.content
        return {t["id"] for t in response.json()["items"]}

    # then
    assert ids(status="new") == {repair.pk}
    assert ids(status=["new", "in_progress"]) == {repair.pk, complaint.pk}
    assert ids(kind="complaint") == {complaint.pk}
    assert ids(community_id=world.community_a.pk) == {repair.pk, complaint.pk}
    assert ids(community_id=world.community_b.pk) == set()
    today = timezone.localdate()
    assert ids(received_from=today.isoformat()) == {complaint.pk}
    assert ids(received_to=(today - dt.timedelta(days=1)).isoformat()) == {repair.pk}
    assert ids(q=repair.number) == {repair.pk}
    assert ids(q="13900001111") == {repair.pk}
    assert ids(q="保安") == {complaint.pk}


def test_list_refuses_an_unknown_status(api_a):
    # when
    response = api_a.get(TICKETS, {"status": "lost"})

    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("status")


def test_staff_of_center_b_never_see_center_a_tickets(api_a, api_b, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # then: center A sees it
    assert api_a.get(TICKETS).json()["count"] == 1

    # then: center B sees nothing of it, by any road
    assert api_b.get(TICKETS).json() == {"count": 0, "count_exact": True, "items": [], "next": None}
    assert api_b.get(TICKETS, {"q": ticket.number}).json()["count"] == 0
    for path in (f"{TICKETS}/{ticket.pk}", f"{TICKETS}/by-number/{ticket.number}", f"{TICKETS}/{ticket.pk}/events"):
        response = api_b.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "记录不存在或您无权查看", "errors": []}
    refused = api_b.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "in_progress"})
    assert refused.status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, 1)


def test_a_technician_sees_only_tickets_assigned_to_them(receptionist_a, technician_a, world):
    # given
    mine = make_ticket(receptionist_a, world, content="换灯泡")
    ticket_assign(actor=receptionist_a, ticket=mine, assignee=technician_a)
    other = make_ticket(receptionist_a, world, content="修门禁")
    api = bearer(technician_a)

    # when
    response = api.get(TICKETS)

    # then
    assert response.json()["count"] == 1
    assert [t["id"] for t in response.json()["items"]] == [mine.pk]
    assert api.get(f"{TICKETS}/{mine.pk}").status_code == 200
    assert api.get(f"{TICKETS}/{other.pk}").status_code == 404


def test_a_resident_sees_only_their_households_tickets(receptionist_a, resident_user, world):
    # given
    own = make_ticket(receptionist_a, world)
    neighbour = HouseholdFactory(unit=UnitFactory(building=BuildingFactory(community=world.community_a, name="9栋")))
    make_ticket(receptionist_a, world, household=neighbour)
    make_ticket(receptionist_a, world, household=None, community=world.community_a, kind=Kind.FEEDBACK)
    api = ApiClient()
    api.client.force_login(resident_user)

    # when
    response = api.get(TICKETS)

    # then
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["items"]] == [own.pk]


def test_list_query_count_does_not_depend_on_page_size(
    django_assert_num_queries, receptionist_a, technician_a, world, control_center_a
):
    # given: tickets with different units, assignees, teams and first responders
    desk_b = staff_user("desk-2", Role.CS_ASSISTANT, center=world.center_a)
    for i in range(12):
        unit = UnitFactory(building=BuildingFactory(community=world.community_a, name=f"{i + 10}栋"))
        ticket = make_ticket(desk_b if i % 2 else receptionist_a, world, household=None, unit=unit)
        if i % 3 == 0:
            ticket_assign(actor=receptionist_a, ticket=ticket, assignee=technician_a)
        elif i % 3 == 1:
            from propdesk.tickets.services import ticket_hand_off

            ticket_hand_off(actor=receptionist_a, ticket=ticket)
    api = bearer(receptionist_a)
    assert api.get(TICKETS, {"limit": 1}).status_code == 200  # token's last_used_at is written once

    # when / then: token, scope (memberships, communities, centers, resident records), count, page (on PostgreSQL
    # also the planner setting of the page's savepoint: savepoint, set, reset, release)
    with django_assert_num_queries(7 + PLANNER_STATEMENTS):
        small = api.get(TICKETS, {"limit": 5})
    with django_assert_num_queries(7 + PLANNER_STATEMENTS):
        large = api.get(TICKETS, {"limit": 50})
    assert len(small.json()["items"]) == 5
    assert len(large.json()["items"]) == 12
    assert {t["assignee"]["name"] for t in large.json()["items"] if t["assignee"]} >= {"tech-a"}
    assert {t["first_responder"]["name"] for t in large.json()["items"]} == {"reception-a", "desk-2"}


# --- one ticket ---------------------------------------------------------------------------------------------------


def test_detail_and_by_number(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    detail = api_a.get(f"{TICKETS}/{ticket.pk}")
    by_number = api_a.get(f"{TICKETS}/by-number/{ticket.number.lower()}")

    # then
    assert detail.status_code == 200
    assert by_number.status_code == 200
    assert detail.json() == by_number.json()
    assert detail.json()["number"] == ticket.number


def test_unknown_ids_are_404(api_a, world):
    # then
    assert api_a.get(f"{TICKETS}/999999").status_code == 404
    assert api_a.get(f"{TICKETS}/by-number/BX-20990101-0001").status_code == 404
    assert api_a.post(f"{TICKETS}/999999/replies", {"method": "phone", "content": "x"}).status_code == 404
    wrong_type = api_a.get(f"{TICKETS}/abc")
    assert wrong_type.status_code in (404, 422)
    assert set(wrong_type.json()) == {"detail", "errors"}


def test_by_number_for_a_user_who_sees_two_centers(world):
    # given: both centers receive their first repair of the day, so both issue the same number
    admin = UserFactory(username="root", is_superuser=True)
    in_a = make_ticket(admin, world, household=world.household_a)
    in_b = make_ticket(admin, world, household=world.household_b)
    assert in_a.number == in_b.number

    # when the number alone is given, then the answer says it is ambiguous
    ambiguous = bearer(admin).get(f"{TICKETS}/by-number/{in_a.number}")
    assert ambiguous.status_code == 409

    # when the center is named, then that center's ticket is returned
    response = bearer(admin).get(f"{TICKETS}/by-number/{in_a.number}?service_center_id={world.center_a.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == in_a.pk


def test_events_are_the_tickets_history_and_hide_internal_notes_from_residents(
    api_a, receptionist_a, world, resident_user
):
    # given
    ticket = make_ticket(receptionist_a, world)
    ticket_transition(actor=receptionist_a, ticket=ticket, to_status=Status.IN_PROGRESS, reason="已联系师傅")
    from propdesk.tickets.services import ticket_add_note

    ticket_add_note(actor=receptionist_a, ticket=ticket, text="住户脾气急，注意沟通")
    resident_api = ApiClient()
    resident_api.client.force_login(resident_user)

    # when
    staff_view = api_a.get(f"{TICKETS}/{ticket.pk}/events").json()
    resident_view = resident_api.get(f"{TICKETS}/{ticket.pk}/events").json()

    # then
    assert [e["kind"] for e in staff_view] == ["created", "status_changed", "note"]
    changed = staff_view[1]
    assert (changed["from_status"], changed["to_status"], changed["reason"]) == ("new", "in_progress", "已联系师傅")
    assert changed["actor"]["name"] == "reception-a"
    assert [e["kind"] for e in resident_view] == ["created", "status_changed"]


# --- transitions -------------------------------------------------------------------------------------------------


def test_an_allowed_transition(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "in_progress", "expected_version": 1})

    # then
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("in_progress", 2)
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        EventKind.STATUS_CHANGED,
        "new",
        "in_progress",
        receptionist_a,
    )


def test_a_forbidden_transition_is_400_on_status(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "closed"})

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "工单状态不能从“待处理”变为“已关闭”",
        "errors": [{"field": "status", "message": "工单状态不能从“待处理”变为“已关闭”"}],
    }
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, 1)


def test_a_transition_that_needs_a_reason(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "cancelled", "reason": "  "})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "reason", "message": "不能为空"}]


def test_a_stale_version_is_409_and_changes_nothing(api_a, receptionist_a, world):
    # given: someone else moved the ticket on since the client read version 1
    ticket = make_ticket(receptionist_a, world)
    ticket_transition(actor=receptionist_a, ticket=ticket, to_status=Status.IN_PROGRESS)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "resolved", "expected_version": 1})

    # then
    assert response.status_code == 409
    message = "该工单已被他人修改（当前版本 2），请刷新后重试"
    assert response.json() == {"detail": message, "errors": [{"field": "expected_version", "message": message}]}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.IN_PROGRESS, 2)


def test_a_technician_may_not_work_on_a_ticket_of_someone_else_even_by_id(receptionist_a, technician_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = bearer(technician_a).post(f"{TICKETS}/{ticket.pk}/transitions", {"to_status": "resolved"})

    # then
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


# --- hand-off and assign -------------------------------------------------------------------------------------


def test_hand_off(api_a, receptionist_a, world, control_center_a):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/hand-off", {"reason": "需要派工", "expected_version": 1})

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["team"]["id"], body["assignee"], body["version"]) == (control_center_a.pk, None, 2)
    assert body["first_responder"]["name"] == "reception-a"


def test_hand_off_without_a_body(api_a, receptionist_a, world, control_center_a):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/hand-off", "")

    # then
    assert response.status_code == 200
    assert response.json()["team"]["id"] == control_center_a.pk


def test_hand_off_without_a_control_center_is_400(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(f"{TICKETS}/{ticket.pk}/hand-off", {})

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "该服务中心尚未设置控制中心部门",
        "errors": [{"field": "__all__", "message": "该服务中心尚未设置控制中心部门"}],
    }


def test_assign(api_a, receptionist_a, technician_a, receptionist_b, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    assigned = api_a.post(f"{TICKETS}/{ticket.pk}/assign", {"assignee_id": technician_a.pk})
    outsider = api_a.post(f"{TICKETS}/{ticket.pk}/assign", {"assignee_id": receptionist_b.pk})
    unknown = api_a.post(f"{TICKETS}/{ticket.pk}/assign", {"assignee_id": 999999})

    # then
    assert assigned.status_code == 200
    assert assigned.json()["assignee"] == {"id": technician_a.pk, "name": "tech-a"}
    assert outsider.status_code == 400
    assert outsider.json()["errors"] == [{"field": "assignee", "message": "该员工不在本小区任职，不能指派"}]
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "assignee_id"
    ticket.refresh_from_db()
    assert ticket.assignee == technician_a


def test_a_technician_may_not_assign_is_403(receptionist_a, technician_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)
    ticket_assign(actor=receptionist_a, ticket=ticket, assignee=technician_a)

    # when
    response = bearer(technician_a).post(f"{TICKETS}/{ticket.pk}/assign", {"assignee_id": receptionist_a.pk})

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权指派该工单", "errors": []}
    ticket.refresh_from_db()
    assert ticket.assignee == technician_a


# --- replies -----------------------------------------------------------------------------------------------------


def test_reply(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.post(
        f"{TICKETS}/{ticket.pk}/replies",
        {"method": "phone", "content": "师傅明天上午上门", "customer_opinion": "好的", "satisfied": True},
    )

    # then
    assert response.status_code == 201
    body = response.json()
    reply = Reply.objects.get()
    assert body["id"] == reply.pk
    assert (body["method"], body["content"], body["customer_opinion"], body["satisfied"]) == (
        "phone",
        "师傅明天上午上门",
        "好的",
        True,
    )
    assert body["by"]["name"] == "reception-a"


def test_an_unsatisfied_reply_reopens_a_resolved_ticket(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)
    ticket_transition(actor=receptionist_a, ticket=ticket, to_status=Status.RESOLVED)

    # when
    response = api_a.post(
        f"{TICKETS}/{ticket.pk}/replies",
        {"method": "home_visit", "content": "已修好", "customer_opinion": "还在漏", "satisfied": False},
    )

    # then
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)


def test_a_reply_needs_content_and_a_known_method(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    empty = api_a.post(f"{TICKETS}/{ticket.pk}/replies", {"method": "phone", "content": ""})
    unknown = api_a.post(f"{TICKETS}/{ticket.pk}/replies", {"method": "pigeon", "content": "x"})

    # then
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "content", "message": "不能为空"}]
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "method"
    assert not Reply.objects.exists()


# --- attachments -------------------------------------------------------------------------------------------------


def test_attach_a_photo(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)
    data = png_bytes()

    # when
    response = api_a.upload(
        f"{TICKETS}/{ticket.pk}/attachments",
        {"file": SimpleUploadedFile("漏水.png", data, content_type="image/png"), "note": "现场照片"},
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["id"] == attachment.pk
    assert (body["original_name"], body["content_type"], body["size"], body["note"]) == (
        "漏水.png",
        "image/png",
        len(data),
        "现场照片",
    )
    assert attachment.file.read() == data


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
        ("photo.jpg", b"just some text\n" * 4),
    ],
)
def test_attachments_that_are_not_photos_or_scans_are_refused(api_a, receptionist_a, world, name, content):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.upload(f"{TICKETS}/{ticket.pk}/attachments", {"file": SimpleUploadedFile(name, content)})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "message": "只能上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件"}
    ]
    assert not Attachment.objects.exists()


def test_an_oversize_attachment_is_refused(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)
    data = png_bytes()

    # when
    with override_settings(PROPDESK_ATTACHMENT_MAX_BYTES=len(data) - 1):
        response = api_a.upload(f"{TICKETS}/{ticket.pk}/attachments", {"file": SimpleUploadedFile("a.png", data)})

    # then
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["file"]
    assert not Attachment.objects.exists()


def test_an_attachment_needs_a_file(api_a, receptionist_a, world):
    # given
    ticket = make_ticket(receptionist_a, world)

    # when
    response = api_a.upload(f"{TICKETS}/{ticket.pk}/attachments", {"note": "忘了选文件"})

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "file", "message": "必填"}]
