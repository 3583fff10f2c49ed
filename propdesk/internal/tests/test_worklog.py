"""The manager's daily work log (R-RP-6): the day's summary, patrol findings, a finding not fixed on the spot
turned into a self-collected repair ticket (with its work order) in one action."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.dispatch.models import WorkOrder
from propdesk.dispatch.tests.helpers import error_codes
from propdesk.internal import services
from propdesk.internal.models import WorkLog


def test_the_day_log_is_written_by_the_manager_today_or_yesterday(office):
    manager = office.crew.manager
    log = services.work_log_save(actor=manager, day=dt.date(2026, 11, 18), summary="晨会 8:20；巡视 3 栋")
    assert (log.summary, log.version) == ("晨会 8:20；巡视 3 栋", 1)
    services.work_log_save(actor=manager, day=dt.date(2026, 11, 17), summary="补记")
    with pytest.raises(ValidationError) as exc:
        services.work_log_save(actor=manager, day=dt.date(2026, 11, 10), summary="太早")
    assert "day" in error_codes(exc.value)
    with pytest.raises(PermissionDenied):
        services.work_log_save(actor=office.crew.plumber, day=dt.date(2026, 11, 18), summary="x")
    assert WorkLog.objects.count() == 2


def test_a_finding_becomes_a_ticket_with_its_work_order_in_one_action(office, world):
    manager = office.crew.manager
    finding = services.finding_add(
        actor=manager, community=world.community_a, location="3栋大堂", description="大堂顶灯不亮"
    )
    finding = services.finding_to_ticket(actor=manager, finding=finding)
    ticket = finding.ticket
    assert (ticket.kind, ticket.source, ticket.location, ticket.community) == (
        "repair",
        "self_collected",
        "3栋大堂",
        world.community_a,
    )
    assert WorkOrder.objects.filter(ticket=ticket).exists()
    with pytest.raises(ValidationError) as exc:
        services.finding_to_ticket(actor=manager, finding=finding)
    assert "done" in error_codes(exc.value)


def test_fixed_on_the_spot_stays_in_the_log_and_other_centers_are_refused(office, world):
    manager = office.crew.manager
    fixed = services.finding_add(
        actor=manager, community=world.community_a, location="东门", description="垃圾桶倒地", fixed_on_spot=True
    )
    with pytest.raises(ValidationError) as exc:
        services.finding_to_ticket(actor=manager, finding=fixed)
    assert "fixed" in error_codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.finding_add(actor=manager, community=world.community_b, location="x", description="y")
    assert "community" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.finding_to_ticket(actor=office.dept_manager, finding=fixed)


def test_the_log_on_my_day(client, office, world):
    from django.urls import reverse

    from propdesk.internal.models import PatrolFinding

    client.force_login(office.crew.manager)
    assert "个人工作日志" in client.get(reverse("internal:my_day")).content.decode()
    client.post(reverse("internal:work_log"), {"summary": "晨会、巡视"})
    client.post(
        reverse("internal:work_log"),
        {"action": "finding", "community": world.community_a.pk, "location": "地库B2", "description": "排水沟堵塞"},
    )
    finding = PatrolFinding.objects.get()
    client.post(reverse("internal:finding_ticket", args=[finding.pk]))
    html = client.get(reverse("internal:my_day")).content.decode()
    assert PatrolFinding.objects.get().ticket.number in html
    client.force_login(office.crew.plumber)
    assert "个人工作日志" not in client.get(reverse("internal:my_day")).content.decode()
    assert client.post(reverse("internal:finding_ticket", args=[finding.pk])).status_code == 404


def test_the_log_over_the_api(office, world):
    from propdesk.api.tests.conftest import bearer

    api = bearer(office.crew.manager)
    assert api.get("/api/v1/internal/work-log").json()["findings"] == []
    assert api.post("/api/v1/internal/work-log", {"summary": "巡视"}).json()["version"] == 1
    finding = api.post(
        "/api/v1/internal/findings",
        {"community_id": world.community_a.pk, "location": "5栋", "description": "单元门禁失灵"},
    )
    assert finding.status_code == 201, finding.content
    ticketed = api.post(f"/api/v1/internal/findings/{finding.json()['id']}/ticket")
    assert ticketed.json()["ticket"].startswith("BX-")
    wrong = {"community_id": world.community_b.pk, "location": "x", "description": "y"}
    assert api.post("/api/v1/internal/findings", wrong).status_code == 400
    assert bearer(office.crew.plumber).post("/api/v1/internal/work-log", {"summary": "x"}).status_code == 403
