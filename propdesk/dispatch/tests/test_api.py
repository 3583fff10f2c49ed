"""Work-order endpoints of the JSON API: detail, list (pagination, filters, scoping, query count) and create
(idempotent) — with the 404 of another center and the 403 of a refused create that changes nothing. Dispatching
is in ``test_api_dispatch``, a job's progress in ``test_api_jobs``, its records in ``test_api_records``, a
center's pages in ``test_api_centers``."""

import pytest

from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import WorkOrder
from propdesk.org.choices import Role
from propdesk.testing.factories import VendorFactory, staff_user
from propdesk.tickets.choices import Kind

from .api_kit import API, WORK_ORDERS, as_user, wo_url
from .helpers import NOW, advance, build_crew, new_ticket, on18, row_counts, work_order_of

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


def test_the_detail_of_a_new_work_order(world, crew, wo):
    # when
    response = as_user(crew.operator).get(wo_url(wo))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == wo.pk
    assert body["number"] == f"{wo.ticket.number}-1"
    assert body["ticket"] == {"id": wo.ticket_id, "number": wo.ticket.number}
    assert (body["service_center_id"], body["community"]) == (
        world.center_a.pk,
        {"id": world.community_a.pk, "name": "翠湖花园"},
    )
    assert body["unit"] == {"id": world.household_a.unit_id, "label": "3栋2单元1202"}
    assert (body["trade"], body["routing"], body["status"], body["version"]) == ("general", "engineering", "pending", 1)
    assert (body["description"], body["offered"], body["assignee"], body["vendor"]) == (
        "厨房水龙头漏水",
        False,
        None,
        None,
    )
    assert body["created_at"] == "2026-11-18T10:00:00+08:00"
    assert body["events"] == [
        {
            "id": wo.events.get().pk,
            "at": "2026-11-18T10:00:00+08:00",
            "kind": "created",
            "actor": None,
            "on_behalf_of": None,
            "from_status": "",
            "to_status": "pending",
            "reason": "",
            "data": {"trade": "general", "routing": "engineering"},
        }
    ]
    assert (body["materials"], body["photos"], body["return_visits"], body["follow_ups"]) == ([], [], [], [])
    assert body["contact_sheet"] is None


def test_another_centers_work_order_and_an_unknown_id_are_404(world, crew, wo):
    # given
    desk_b = staff_user("desk-b", Role.CONTROL_OPERATOR, center=world.center_b)

    # when
    other = as_user(desk_b).get(wo_url(wo))
    unknown = as_user(crew.operator).get(f"{WORK_ORDERS}/999999")

    # then
    assert (other.status_code, unknown.status_code) == (404, 404)
    assert other.json() == {"detail": "记录不存在或您无权查看", "errors": []}


# --- list ------------------------------------------------------------------------------------------------------


def test_the_list_is_paginated_newest_first(world, crew, clock):
    # given: three repairs ten minutes apart
    orders = []
    for minute in (0, 10, 20):
        clock.move_to(on18(10, minute))
        orders.append(work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {minute}")))

    # when
    first = as_user(crew.operator).get(WORK_ORDERS, {"limit": 2})
    second = as_user(crew.operator).get(WORK_ORDERS, {"limit": 2, "offset": 2})

    # then
    assert first.status_code == 200
    assert (first.json()["count"], first.json()["count_exact"]) == (3, True)
    assert [w["id"] for w in first.json()["items"]] == [orders[2].pk, orders[1].pk]
    assert [w["id"] for w in second.json()["items"]] == [orders[0].pk]
    assert [w["description"] for w in first.json()["items"]] == ["报修 20", "报修 10"]


def test_the_list_filters_by_status_trade_assignee_community_and_routing(world, crew, wo):
    # given
    assigned = advance(work_order_of(new_ticket(crew.receptionist, world, content="插座跳闸")), crew, Status.ASSIGNED)
    housekeeping = work_order_of(new_ticket(crew.receptionist, world, kind=Kind.SPECIAL_SERVICE, content="保洁"))
    api = as_user(crew.operator)

    def ids(**params) -> list[int]:
        response = api.get(WORK_ORDERS, params)
        assert response.status_code == 200, response.content
        return [w["id"] for w in response.json()["items"]]

    # then
    assert ids(status="pending") == [housekeeping.pk, wo.pk]
    assert ids(status=["assigned", "accepted"]) == [assigned.pk]
    assert ids(trade="housekeeping") == [housekeeping.pk]
    assert ids(assignee_id=crew.plumber.pk) == [assigned.pk]
    assert ids(routing="housekeeping") == [housekeeping.pk]
    assert ids(community_id=world.community_a.pk) == [housekeeping.pk, assigned.pk, wo.pk]
    assert ids(community_id=world.community_b.pk) == []
    assert ids(in_followup_register=True) == []


def test_the_list_refuses_an_unknown_status(crew):
    # when
    response = as_user(crew.operator).get(WORK_ORDERS, {"status": "done"})

    # then
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status.0"


def test_another_center_sees_none_and_a_technician_only_their_own_jobs(world, crew, wo):
    # given
    mine = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    theirs = advance(
        work_order_of(new_ticket(crew.receptionist, world, content="插座跳闸")),
        crew,
        Status.ASSIGNED,
        worker=crew.electrician,
    )
    desk_b = staff_user("desk-b", Role.CONTROL_OPERATOR, center=world.center_b)

    # when
    as_plumber = as_user(crew.plumber).get(WORK_ORDERS)
    as_center_b = as_user(desk_b).get(WORK_ORDERS)
    theirs_by_id = as_user(crew.plumber).get(wo_url(theirs))

    # then
    assert [w["number"] for w in as_plumber.json()["items"]] == [mine.number]
    assert as_center_b.json() == {"count": 0, "count_exact": True, "items": []}
    assert theirs_by_id.status_code == 404


def test_the_list_query_count_does_not_depend_on_page_size(world, crew, django_assert_num_queries):
    # given: orders with different assignees and a vendor
    vendor = VendorFactory(company=world.company, name="宽带公司")
    for n in range(12):
        order = work_order_of(new_ticket(crew.receptionist, world, content=f"报修 {n}"))
        if n % 3 == 0:
            advance(order, crew, Status.ASSIGNED, worker=crew.plumber if n % 2 else crew.electrician)
    ticket = new_ticket(crew.receptionist, world, content="宽带不通")
    as_user(crew.operator).post(WORK_ORDERS, {"ticket_id": ticket.pk, "routing": "vendor", "vendor_id": vendor.pk})
    api = as_user(crew.operator)
    assert api.get(WORK_ORDERS, {"limit": 1}).status_code == 200  # the token's last_used_at is written once

    # when / then: token, scope (memberships, communities, centers, resident records), count, page
    with django_assert_num_queries(7):
        small = api.get(WORK_ORDERS, {"limit": 5})
    with django_assert_num_queries(7):
        large = api.get(WORK_ORDERS, {"limit": 50})
    assert len(small.json()["items"]) == 5
    assert len(large.json()["items"]) == 14
    assert {w["assignee"]["name"] for w in large.json()["items"] if w["assignee"]} == {"plumber", "electrician"}
    assert [w["vendor"]["name"] for w in large.json()["items"] if w["vendor"]] == ["宽带公司"]


# --- create ----------------------------------------------------------------------------------------------------


def test_create_a_second_trade_for_a_ticket(world, crew, wo):
    # when
    response = as_user(crew.operator).post(
        WORK_ORDERS,
        {
            "ticket_id": wo.ticket_id,
            "trade": "electrical",
            "description": "顺便检修厨房插座",
            "scheduled_start": "2026-11-18T14:00:00+08:00",
            "scheduled_end": "2026-11-18T16:00:00+08:00",
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    created = WorkOrder.objects.get(pk=body["id"])
    assert body["number"] == f"{wo.ticket.number}-2" == created.number
    assert (body["trade"], body["routing"], body["status"], body["description"]) == (
        "electrical",
        "engineering",
        "pending",
        "顺便检修厨房插座",
    )
    assert (body["scheduled_start"], body["scheduled_end"]) == (
        "2026-11-18T14:00:00+08:00",
        "2026-11-18T16:00:00+08:00",
    )
    assert created.created_by == crew.operator


def test_create_for_a_vendor_records_the_promised_time(world, crew, wo):
    # given
    vendor = VendorFactory(company=world.company, name="宽带公司", promised_response_hours=4)

    # when
    response = as_user(crew.operator).post(
        WORK_ORDERS, {"ticket_id": wo.ticket_id, "routing": "vendor", "vendor_id": vendor.pk}
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["routing"], body["vendor"], body["vendor_due_at"], body["version"]) == (
        "vendor",
        {"id": vendor.pk, "name": "宽带公司"},
        "2026-11-18T14:00:00+08:00",
        2,
    )


def test_create_replays_the_first_answer_for_the_same_idempotency_key(crew, wo):
    # given
    api = as_user(crew.operator)
    body = {"ticket_id": wo.ticket_id, "trade": "plumbing"}

    # when
    first = api.post(WORK_ORDERS, body, headers={"Idempotency-Key": "wo-0001"})
    second = api.post(WORK_ORDERS, body, headers={"Idempotency-Key": "wo-0001"})

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.filter(ticket=wo.ticket).count() == 2


def test_create_for_a_ticket_out_of_sight_is_400_on_ticket_id(world, crew, wo):
    # given
    desk_b = staff_user("desk-b", Role.CONTROL_OPERATOR, center=world.center_b)
    counts = row_counts()

    # when
    invisible = as_user(desk_b).post(WORK_ORDERS, {"ticket_id": wo.ticket_id})
    technician = as_user(crew.plumber).post(WORK_ORDERS, {"ticket_id": wo.ticket_id})

    # then
    assert invisible.status_code == 400
    assert invisible.json()["errors"] == [{"field": "ticket_id", "message": "工单不存在或您无权访问"}]
    assert technician.json() == invisible.json()
    assert row_counts() == counts


def test_staff_who_neither_dispatch_nor_took_the_call_may_not_create_is_403_and_nothing_changes(world, crew, wo):
    # given: a customer-service assistant of the center sees the ticket
    assistant = staff_user("assistant", Role.CS_ASSISTANT, center=world.center_a)
    counts = row_counts()

    # when
    denied = as_user(assistant).post(WORK_ORDERS, {"ticket_id": wo.ticket_id})

    # then
    assert denied.status_code == 403
    assert denied.json() == {"detail": "您无权为该工单派工作单", "errors": []}
    assert row_counts() == counts


def test_the_receptionist_who_took_the_call_may_create(crew, wo):
    # when
    response = as_user(crew.receptionist).post(WORK_ORDERS, {"ticket_id": wo.ticket_id, "trade": "locksmith"})

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["trade"], response.json()["number"]) == ("locksmith", f"{wo.ticket.number}-2")


def test_the_openapi_schema_lists_the_dispatch_endpoints(client, db):
    # when
    schema = client.get(f"{API}/openapi.json").json()

    # then
    paths = schema["paths"]
    assert set(paths[f"{API}/work-orders"]) == {"get", "post"}
    assert {p["name"] for p in paths[f"{API}/work-orders"]["post"]["parameters"]} == {"Idempotency-Key"}
    assert "409" in paths[f"{API}/work-orders/{{work_order_id}}/assign"]["post"]["responses"]
    assert paths[f"{API}/work-orders/{{work_order_id}}/assign"]["post"]["summary"] == "派单 / 改派 · Assign or reassign"
    assert len([p for p in paths if p.startswith((f"{API}/work-orders", f"{API}/dispatch"))]) == 34
