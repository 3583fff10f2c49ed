"""Choosing a work order's routing class (R-WO-5) from the work-order page: engineering, rectification
(the developer, by contact sheet), vendor (an external unit, told and chased) or communication — through
``work_order_route`` and the page's form. Dispatchers only; a refusal changes nothing.

The world: center A's crew (``helpers.build_crew``); Wednesday 18 November 2026, 10:00; a new repair of
household A is a pending engineering work order."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.core.texts import render
from propdesk.dispatch import services
from propdesk.dispatch.choices import EventKind, Routing, Status
from propdesk.dispatch.models import WorkOrder
from propdesk.org.choices import Role
from propdesk.sla.choices import TargetState
from propdesk.sla.services import sweep
from propdesk.testing.factories import (
    BuildingFactory,
    CompanyFactory,
    DeveloperFactory,
    HouseholdFactory,
    UnitFactory,
    VendorFactory,
)
from propdesk.testing.roles import role_user

from .helpers import (
    NOW,
    advance,
    build_crew,
    error_codes,
    fresh,
    inbox,
    new_ticket,
    row_counts,
    target,
    wo_snapshot,
    work_order_of,
)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world, content="宽带不通"))


@pytest.fixture
def vendor(world):
    return VendorFactory(company=world.company, name="宽带公司", phone="0755-12345678", promised_response_hours=4)


def unchanged(wo) -> tuple:
    wo = fresh(wo)
    return wo_snapshot(wo), wo.routing, wo.vendor_id, wo.vendor_due_at, row_counts()


def route_events(wo) -> list[tuple]:
    rows = fresh(wo).events.filter(data__has_key="to_routing").select_related("actor")
    return [(e.kind, e.actor.username, e.from_status, e.to_status, render(e.reason), e.data) for e in rows]


# ----------------------------------------------------------------------------- the service


def test_routing_a_pending_job_to_a_vendor_tells_the_vendor_and_starts_the_chase(crew, wo, vendor, clock):
    routed = services.work_order_route(
        actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor, expected_version=1
    )

    assert (routed.routing, routed.vendor, routed.status, routed.assignee, routed.version) == (
        Routing.VENDOR,
        vendor,
        Status.PENDING,
        None,
        3,
    )
    assert (routed.vendor_notified_at, routed.vendor_due_at) == (NOW, NOW + dt.timedelta(hours=4))
    assert route_events(wo) == [
        (
            EventKind.STATUS,
            "operator",
            "",
            "",
            "处理类别：工程类（本中心维修） → 其他类（外联单位）",
            {"from_routing": "engineering", "to_routing": "vendor", "vendor": vendor.pk},
        )
    ]
    assert [render(e.reason) for e in fresh(wo).events.filter(kind=EventKind.VENDOR)] == [
        "已通知外联单位 宽带公司，承诺 4 小时内处理"
    ]
    # past the promised time the control center is told to chase
    clock.move_to(NOW + dt.timedelta(hours=4, minutes=1))
    assert services.chase_overdue_vendors() == 1
    assert inbox(crew.operator, "dispatch.vendor_overdue") == [f"请催办外联单位 宽带公司（0755-12345678）：{wo.number}"]


def test_routing_a_pending_job_to_a_vendor_meets_its_dispatch_clock(crew, wo, vendor, clock):
    assert target(wo.ticket, "dispatch").state == TargetState.RUNNING
    clock.move_to(NOW + dt.timedelta(minutes=3))

    services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor)

    dispatch = target(wo.ticket, "dispatch")
    assert (dispatch.state, dispatch.stopped_at) == (TargetState.MET, NOW + dt.timedelta(minutes=3))
    # No breach and no ladder step later: the control center is not told it is late with a vendor's job.
    clock.move_to(NOW + dt.timedelta(minutes=30))
    sweep()
    assert target(wo.ticket, "dispatch").state == TargetState.MET
    assert [n for n in inbox(crew.operator) if "超时" in n or "即将" in n] == []
    assert not target(wo.ticket, "dispatch").steps.exists()


def test_a_job_already_with_our_worker_comes_back_off_him_when_routed_to_a_vendor(crew, wo, vendor):
    wo = advance(wo, crew, Status.ACCEPTED, worker=crew.plumber)

    routed = services.work_order_route(
        actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor, reason="宽带公司负责"
    )

    assert (routed.status, routed.assignee, routed.accepted_at, routed.offered) == (Status.PENDING, None, None, False)
    assert route_events(wo) == [
        (
            EventKind.STATUS,
            "operator",
            Status.ACCEPTED,
            Status.PENDING,
            "处理类别：工程类（本中心维修） → 其他类（外联单位）（宽带公司负责）",
            {"from_routing": "engineering", "to_routing": "vendor", "vendor": vendor.pk},
        )
    ]
    # the vendor's job is not dispatched to our own staff any more
    with pytest.raises(ValidationError) as exc:
        services.work_order_assign(actor=crew.operator, work_order=routed, assignee=crew.plumber)
    assert error_codes(exc.value) == {"vendor"}


def test_leaving_the_vendor_class_ends_the_chase(crew, wo, vendor, clock):
    wo = services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor)

    routed = services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.COMMUNICATION)

    assert (routed.routing, routed.vendor, routed.vendor_due_at, routed.status) == (
        Routing.COMMUNICATION,
        None,
        None,
        Status.PENDING,
    )
    clock.move_to(NOW + dt.timedelta(hours=5))
    assert services.chase_overdue_vendors() == 0


def test_an_engineering_job_becomes_rectification_when_the_building_has_a_developer(world, crew):
    building = BuildingFactory(
        community=world.community_a, name="5栋", developer=DeveloperFactory(company=world.company, name="华建地产")
    )
    household = HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number="601"))
    wo = work_order_of(new_ticket(crew.receptionist, world, household=household, content="外墙渗水"))
    assert wo.routing == Routing.ENGINEERING  # out of warranty by the dates, but the developer accepted it

    routed = services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.RECTIFICATION)

    assert routed.routing == Routing.RECTIFICATION
    sheet = services.contact_sheet_advance(actor=crew.operator, work_order=routed, step="drafted", content="外墙渗水")
    assert sheet.developer.name == "华建地产"


def test_rectification_needs_a_developer(crew, wo):
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.RECTIFICATION)
    assert exc.value.message_dict == {"routing": ["该楼栋未登记开发商，不能转整改类"]}
    assert unchanged(wo) == before


@pytest.mark.parametrize(
    ("routing", "vendor", "field", "code"),
    [
        (Routing.VENDOR, None, "vendor", "required"),
        (Routing.VENDOR, "inactive", "vendor", "invalid"),
        (Routing.VENDOR, "other company", "vendor", "invalid"),
        (Routing.HOUSEKEEPING, None, "routing", "invalid"),
        ("plumbing", None, "routing", "invalid"),
    ],
)
def test_an_invalid_routing_is_refused_and_changes_nothing(world, crew, wo, routing, vendor, field, code):
    if vendor == "inactive":
        vendor = VendorFactory(company=world.company, name="已停用", is_active=False)
    elif vendor == "other company":
        vendor = VendorFactory(company=CompanyFactory(name="别家物业", code="other"), name="别家的宽带公司")
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_route(actor=crew.operator, work_order=wo, routing=routing, vendor=vendor)
    assert (list(exc.value.message_dict), error_codes(exc.value)) == ([field], {code})
    assert unchanged(wo) == before


@pytest.mark.parametrize("status", [Status.FINISHED, Status.REPORTED, Status.SIGNED_OFF])
def test_a_job_finished_on_site_keeps_its_class(crew, wo, vendor, status):
    wo = advance(wo, crew, status)
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor)
    assert error_codes(exc.value) == {"illegal_transition"}
    assert unchanged(wo) == before


def test_a_housekeeping_job_keeps_its_class(world, crew):
    wo = work_order_of(new_ticket(crew.receptionist, world, kind="special_service", content="家政保洁"))
    before = unchanged(wo)
    with pytest.raises(ValidationError) as exc:
        services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.ENGINEERING)
    assert error_codes(exc.value) == {"housekeeping"}
    assert unchanged(wo) == before


def test_a_stale_version_is_refused(crew, wo, vendor):
    services.work_order_offer(actor=crew.operator, work_order=wo)  # version 1 → 2
    before = unchanged(wo)
    with pytest.raises(services.StaleWorkOrder):
        services.work_order_route(
            actor=crew.supervisor, work_order=wo, routing=Routing.VENDOR, vendor=vendor, expected_version=1
        )
    assert unchanged(wo) == before


def test_the_same_class_again_changes_nothing(crew, wo):
    before = unchanged(wo)
    assert services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.ENGINEERING).version == 1
    assert unchanged(wo) == before


@pytest.mark.parametrize("who", ["plumber", "housekeeper", "cs_assistant", "operator_b"])
def test_only_a_dispatcher_of_the_community_may_route(world, crew, wo, vendor, who):
    actor = {
        "cs_assistant": lambda: role_user(Role.CS_ASSISTANT, world.center_a),
        "operator_b": lambda: role_user(Role.CONTROL_OPERATOR, world.center_b),
    }.get(who, lambda: getattr(crew, who))()
    before = unchanged(wo)
    with pytest.raises(PermissionDenied):
        services.work_order_route(actor=actor, work_order=wo, routing=Routing.VENDOR, vendor=vendor)
    assert unchanged(wo) == before


# ----------------------------------------------------------------------------- the work-order page


def route_url(wo) -> str:
    return reverse("dispatch:action", args=[wo.pk, "route"])


def test_the_page_offers_the_classes_and_the_visible_vendors(client, world, crew, wo, vendor):
    VendorFactory(company=world.company, name="已停用的电梯公司", is_active=False)
    VendorFactory(company=CompanyFactory(name="别家物业", code="other"), name="别家的宽带公司")
    client.force_login(crew.operator)

    response = client.get(reverse("dispatch:work_order", args=[wo.pk]))

    assert response.status_code == 200
    form = response.context["route_form"]
    assert [value for value, _label in form.fields["routing"].choices] == [
        "engineering",
        "rectification",
        "vendor",
        "communication",
    ]
    assert [v.name for v in form.fields["vendor"].queryset] == ["宽带公司"]
    html = response.content.decode()
    assert route_url(wo) in html and "更改处理类别" in html


def test_routing_to_a_vendor_from_the_page(client, crew, wo, vendor):
    client.force_login(crew.operator)

    response = client.post(
        route_url(wo), {"routing": "vendor", "vendor": vendor.pk, "reason": "宽带故障", "version": "1"}, follow=True
    )

    assert response.redirect_chain == [(reverse("dispatch:work_order", args=[wo.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["已更改处理类别"]
    wo = fresh(wo)
    assert (wo.routing, wo.vendor, wo.vendor_due_at) == (Routing.VENDOR, vendor, NOW + dt.timedelta(hours=4))
    assert "其他类（外联单位）" in response.content.decode()


def test_the_page_says_why_a_routing_is_refused_and_changes_nothing(client, world, crew, wo):
    stranger = VendorFactory(company=CompanyFactory(name="别家物业", code="other"), name="别家的宽带公司")
    client.force_login(crew.operator)
    before = unchanged(wo)
    for data, message in (
        ({"routing": "vendor", "version": "1"}, "其他类（外联单位）须选择外联单位"),
        ({"routing": "vendor", "vendor": stranger.pk, "version": "1"}, "该外联单位不存在或已停止合作"),
        ({"routing": "housekeeping", "version": "1"}, "请选择处理类别（工程类、整改类、其他类或沟通类）"),
        ({"routing": "communication", "version": "7"}, f"工作单 {wo.number} 已被他人处理（待派单），请刷新后再操作"),
    ):
        response = client.post(route_url(wo), data, follow=True)
        assert [str(m) for m in response.context["messages"]] == [message]
    assert unchanged(wo) == before


def test_a_technician_cannot_route_from_the_page(client, crew, wo, vendor):
    wo = advance(wo, crew, Status.ACCEPTED, worker=crew.plumber)
    client.force_login(crew.plumber)
    before = unchanged(wo)

    page = client.get(reverse("dispatch:work_order", args=[wo.pk]))
    response = client.post(route_url(wo), {"routing": "vendor", "vendor": vendor.pk}, follow=True)

    assert page.context["route_form"] is None
    assert route_url(wo) not in page.content.decode()
    assert [str(m) for m in response.context["messages"]] == ["只有控制中心可以更改处理类别"]
    assert unchanged(wo) == before


def test_the_registers_follow_the_new_class(client, crew, wo, vendor):
    services.work_order_route(actor=crew.operator, work_order=wo, routing=Routing.VENDOR, vendor=vendor)
    client.force_login(crew.operator)
    response = client.get(reverse("dispatch:register", args=["vendor"]))
    assert [o.number for o in response.context["orders"]] == [wo.number]
    assert WorkOrder.objects.filter(routing=Routing.ENGINEERING).count() == 0
