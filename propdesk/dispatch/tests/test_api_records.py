"""A job's records through the JSON API: return visits (satisfied, dissatisfied, unreachable; idempotent),
close, cancel, the routing class, the contact sheet step by step, the vendor result and follow-ups."""

import datetime as dt

import pytest

from propdesk.dispatch import services
from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import ContactSheet, ReturnVisit, WorkOrder
from propdesk.testing.factories import BuildingFactory, DeveloperFactory, HouseholdFactory, UnitFactory, VendorFactory

from .api_kit import as_user, person, scan_file, wo_url
from .helpers import NOW, advance, build_crew, fresh, new_ticket, on18, row_counts, t, wo_snapshot, work_order_of

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


@pytest.fixture
def signed_off(crew, wo):
    return advance(wo, crew, Status.SIGNED_OFF)


def test_a_satisfied_return_visit_closes_the_order_and_replays(crew, signed_off):
    api = as_user(crew.operator)
    body = {"reached": True, "quality": 5, "on_time": True, "comments": "师傅很专业"}

    # when
    first = api.post(wo_url(signed_off, "return-visits"), body, headers={"Idempotency-Key": "rv-1"})
    second = api.post(wo_url(signed_off, "return-visits"), body, headers={"Idempotency-Key": "rv-1"})

    # then
    assert first.status_code == 201, first.content
    visit = ReturnVisit.objects.get()
    result = first.json()
    assert {k: v for k, v in result.items() if k != "work_order"} == {
        "id": visit.pk,
        "at": "2026-11-18T10:00:00+08:00",
        "by": person(crew.operator),
        "reached": True,
        "quality": 5,
        "on_time": True,
        "minutes_late": None,
        "comments": "师傅很专业",
        "satisfied": True,
    }
    assert (result["work_order"]["status"], result["work_order"]["closed_at"]) == (
        "closed",
        "2026-11-18T10:00:00+08:00",
    )
    assert fresh(signed_off).ticket.status == "closed"
    assert (second.json(), ReturnVisit.objects.count()) == (first.json(), 1)


def test_a_dissatisfied_return_visit_reopens_the_order(crew, signed_off):
    # when
    response = as_user(crew.operator).post(
        wo_url(signed_off, "return-visits"), {"reached": True, "quality": 2, "on_time": False, "minutes_late": 30}
    )

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["satisfied"], response.json()["minutes_late"]) == (False, 30)
    assert (response.json()["work_order"]["status"], response.json()["work_order"]["assignee"]) == ("pending", None)


def test_an_unreachable_customer_is_tried_again(crew, signed_off):
    # when
    response = as_user(crew.operator).post(wo_url(signed_off, "return-visits"), {"reached": False})

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["reached"], response.json()["satisfied"]) == (False, None)
    assert response.json()["work_order"]["status"] == "signed_off"


def test_a_technician_may_not_record_a_return_visit(crew, signed_off):
    # given
    before, counts = wo_snapshot(signed_off), row_counts()

    # when
    response = as_user(crew.plumber).post(wo_url(signed_off, "return-visits"), {"reached": False})

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "只有控制中心或客服可以回访", "errors": []}
    assert (wo_snapshot(signed_off), row_counts()) == (before, counts)


def test_close_an_order_that_owes_no_return_visit(crew, signed_off):
    # given: exempted from the return visit (e.g. the policy changed after the sign-off)
    WorkOrder.objects.filter(pk=signed_off.pk).update(return_visit_required=False)

    # when
    response = as_user(crew.operator).post(wo_url(signed_off, "close"), {"reason": "客户已电话确认"})

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["closed_at"]) == ("closed", "2026-11-18T10:00:00+08:00")
    assert fresh(signed_off).events.latest("at", "pk").reason == "客户已电话确认"


def test_closing_before_the_return_visit_is_400(crew, signed_off):
    # when
    response = as_user(crew.operator).post(wo_url(signed_off, "close"))

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "status", "message": "该工作单须先回访才能销单"}]


def test_cancel(crew, wo):
    # when
    response = as_user(crew.operator).post(wo_url(wo, "cancel"), {"reason": "业主自行修好"})

    # then
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("cancelled", 2)


# --- routing classes -------------------------------------------------------------------------------------------


def test_route_to_communication(crew, wo):
    # when
    response = as_user(crew.operator).post(
        wo_url(wo, "routing"), {"routing": "communication", "reason": "需与业委会协调", "expected_version": 1}
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["routing"], response.json()["status"], response.json()["version"]) == (
        "communication",
        "pending",
        2,
    )
    event = fresh(wo).events.latest("at", "pk")
    assert (event.actor, event.data["from_routing"], event.data["to_routing"]) == (
        crew.operator,
        "engineering",
        "communication",
    )


def test_route_an_assigned_job_to_a_vendor(world, crew, wo):
    # given
    wo = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    vendor = VendorFactory(company=world.company, name="宽带公司", promised_response_hours=4)

    # when
    response = as_user(crew.operator).post(
        wo_url(wo, "routing"), {"routing": "vendor", "vendor_id": vendor.pk, "expected_version": wo.version}
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["routing"], body["vendor"], body["vendor_due_at"]) == (
        "vendor",
        {"id": vendor.pk, "name": "宽带公司"},
        "2026-11-18T14:00:00+08:00",
    )
    assert (body["status"], body["assignee"]) == ("pending", None)


def test_routing_to_an_inactive_vendor_is_400_on_vendor_id(world, crew, wo):
    # given
    vendor = VendorFactory(company=world.company, name="旧宽带公司", is_active=False)
    before = wo_snapshot(wo)

    # when
    response = as_user(crew.operator).post(wo_url(wo, "routing"), {"routing": "vendor", "vendor_id": vendor.pk})

    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "vendor_id", "message": "记录不存在或您无权查看"}]
    assert wo_snapshot(wo) == before


def test_a_technician_may_not_route_is_403_and_changes_nothing(crew, wo):
    # given
    wo = advance(wo, crew, Status.ASSIGNED, worker=crew.plumber)
    before, counts = wo_snapshot(wo), row_counts()

    # when
    response = as_user(crew.plumber).post(wo_url(wo, "routing"), {"routing": "communication"})

    # then
    assert response.status_code == 403
    assert (wo_snapshot(wo), row_counts()) == (before, counts)


def test_a_stale_routing_is_409(crew, wo):
    # given
    before = wo_snapshot(wo)

    # when
    response = as_user(crew.operator).post(wo_url(wo, "routing"), {"routing": "communication", "expected_version": 9})

    # then
    assert response.status_code == 409
    assert wo_snapshot(wo) == before


@pytest.fixture
def rectification(world, crew):
    building = BuildingFactory(
        community=world.community_a,
        name="5栋",
        developer=DeveloperFactory(company=world.company, name="华建地产"),
        warranty_end=dt.date(2027, 6, 30),
    )
    household = HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number="601"))
    return work_order_of(new_ticket(crew.receptionist, world, household=household, content="外墙渗水"))


def test_the_contact_sheet_step_by_step(crew, rectification, clock):
    wo = rectification

    # when
    drafted = as_user(crew.operator).upload(
        wo_url(wo, "contact-sheet"), {"step": "drafted", "content": "5栋1单元601 外墙渗水，请整改"}
    )
    clock.move_to(on18(11))
    signed = as_user(crew.manager).upload(wo_url(wo, "contact-sheet"), {"step": "manager_signed"})
    clock.move_to(on18(14))
    received = as_user(crew.operator).upload(
        wo_url(wo, "contact-sheet"), {"step": "developer_received", "signer_name": "李工", "scan": scan_file()}
    )
    clock.move_to(t(2026, 11, 25, 15))
    done = as_user(crew.operator).upload(wo_url(wo, "contact-sheet"), {"step": "developer_done", "signer_name": "王工"})

    # then
    assert [r.status_code for r in (drafted, signed, received, done)] == [200] * 4, drafted.content
    assert drafted.json() == {
        "id": ContactSheet.objects.get().pk,
        "developer": {"id": ContactSheet.objects.get().developer_id, "name": "华建地产"},
        "content": "5栋1单元601 外墙渗水，请整改",
        "step": "drafted",
        "next_step": "manager_signed",
        "drafted_by": person(crew.operator),
        "drafted_at": "2026-11-18T10:00:00+08:00",
        "manager_signed_by": None,
        "manager_signed_at": None,
        "received_by_name": "",
        "received_at": None,
        "done_by_name": "",
        "done_at": None,
        "has_scan": False,
    }
    assert (signed.json()["manager_signed_by"], signed.json()["next_step"]) == (
        person(crew.manager),
        "developer_received",
    )
    assert (received.json()["received_by_name"], received.json()["has_scan"]) == ("李工", True)
    assert (done.json()["step"], done.json()["next_step"], done.json()["done_at"]) == (
        "developer_done",
        None,
        "2026-11-25T15:00:00+08:00",
    )
    assert fresh(wo).status == Status.REPORTED


def test_only_the_center_manager_signs_the_contact_sheet(crew, rectification):
    # given
    as_user(crew.operator).upload(wo_url(rectification, "contact-sheet"), {"step": "drafted", "content": "外墙渗水"})
    before, counts = wo_snapshot(rectification), row_counts()

    # when
    response = as_user(crew.operator).upload(wo_url(rectification, "contact-sheet"), {"step": "manager_signed"})

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "工作联系单须由服务中心经理核实签字", "errors": []}
    assert (wo_snapshot(rectification), row_counts()) == (before, counts)


def test_the_vendor_result(world, crew, wo):
    # given
    vendor = VendorFactory(company=world.company, name="宽带公司")
    job = services.work_order_create(actor=crew.operator, ticket=wo.ticket, routing="vendor", vendor=vendor)

    # when
    response = as_user(crew.operator).post(wo_url(job, "vendor-result"), {"result": "已更换光猫"})

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["result"], response.json()["reported_at"]) == (
        "reported",
        "已更换光猫",
        "2026-11-18T10:00:00+08:00",
    )


def test_plan_and_finish_a_follow_up(crew, wo, clock):
    api = as_user(crew.operator)

    # when
    planned = api.post(
        wo_url(wo, "follow-ups"),
        {"due_at": "2026-11-19T10:00:00+08:00", "note": "联系物业公司协调"},
        headers={"Idempotency-Key": "fu-1"},
    )
    clock.move_to(t(2026, 11, 19, 9))
    done = api.post(wo_url(wo, f"follow-ups/{planned.json()['id']}/done"), {"outcome": "已协调，周五处理"})

    # then
    assert planned.status_code == 201, planned.content
    assert planned.json() == {
        "id": planned.json()["id"],
        "due_at": "2026-11-19T10:00:00+08:00",
        "note": "联系物业公司协调",
        "done_at": None,
        "done_by": None,
        "outcome": "",
    }
    assert done.status_code == 200, done.content
    assert {k: done.json()[k] for k in ("done_at", "done_by", "outcome")} == {
        "done_at": "2026-11-19T09:00:00+08:00",
        "done_by": person(crew.operator),
        "outcome": "已协调，周五处理",
    }
    assert api.post(wo_url(wo, "follow-ups/999999/done"), {"outcome": "x"}).status_code == 404
