"""Ad-hoc reassignments (R-IC-3): reported to the department manager, who is told and acknowledges; a worker
dispatched outside their shift on the rota with no report covering the moment is listed for the department
manager. The technicians' day shift on Wednesday 18 November is 08:00–17:00."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.choices import Status
from propdesk.dispatch.tests.helpers import advance, inbox, new_ticket, on18, work_order_of
from propdesk.internal import selectors, services
from propdesk.internal.models import Reassignment, ReassignmentEvent

API = "/api/v1/internal"


def report(office, actor=None, **overrides):
    data = {
        "user": office.crew.plumber,
        "from_post": "白班维修",
        "to_post": "夜间值班（控制中心）",
        "starts_at": on18(19),
        "ends_at": on18(23),
        "reason": "值班员病假，临时顶班",
    }
    return services.reassignment_report(actor=actor or office.crew.plumber, **{**data, **overrides})


def dispatched_at(office, world, clock, moment):
    clock.move_to(moment)
    wo = work_order_of(new_ticket(office.crew.receptionist, world))
    return advance(wo, office.crew, Status.ASSIGNED, worker=office.crew.plumber)


def test_a_report_tells_the_department_manager_who_acknowledges_it_once(office):
    item = report(office)
    assert inbox(office.dept_manager, "internal.reassignment") == [
        "临时调动：plumber 从 白班维修 调往 夜间值班（控制中心）（11-18 19:00–11-18 23:00）"
    ]
    with pytest.raises(PermissionDenied):
        services.reassignment_acknowledge(actor=office.crew.electrician, reassignment=item)
    assert Reassignment.objects.get(pk=item.pk).acknowledged_at is None
    done = services.reassignment_acknowledge(actor=office.dept_manager, reassignment=item, expected_version=0)
    assert (done.acknowledged_by, done.version) == (office.dept_manager, 1)
    assert list(ReassignmentEvent.objects.filter(reassignment=item).values_list("kind", flat=True)) == [
        "reported",
        "acknowledged",
    ]
    with pytest.raises(Exception, match="已确认知悉"):
        services.reassignment_acknowledge(actor=office.dept_manager, reassignment=item)


def test_bad_reports_change_nothing(office, world):
    with pytest.raises(Exception, match="结束时间应晚于开始时间"):
        report(office, ends_at=on18(18))
    with pytest.raises(PermissionDenied):
        report(office, actor=office.crew.electrician)  # a colleague without a managing role
    with pytest.raises(PermissionDenied):
        report(office, actor=office.crew.tech_b)
    assert Reassignment.objects.count() == 0


def test_a_dispatch_outside_the_shift_without_a_report_is_listed(office, world, clock):
    wo = dispatched_at(office, world, clock, on18(20))
    [row] = selectors.unreported_reassignments(user=office.dept_manager, center_id=world.center_a.pk)
    assert (row["work_order"].pk, row["user"], row["at"]) == (wo.pk, office.crew.plumber, on18(20))
    assert [str(r) for r in row["reasons"]] == ["不在排班时间内"]
    # The center manager sees it too; a technician is shown nothing.
    assert len(selectors.unreported_reassignments(user=office.crew.manager, center_id=world.center_a.pk)) == 1
    assert selectors.unreported_reassignments(user=office.crew.electrician, center_id=world.center_a.pk) == []
    page = _dashboard(office)
    assert wo.number in page and "不在排班时间内" in page


def test_with_a_report_it_is_not_listed(office, world, clock):
    dispatched_at(office, world, clock, on18(20))
    report(office, actor=office.crew.repair_manager)
    assert selectors.unreported_reassignments(user=office.dept_manager, center_id=world.center_a.pk) == []


def test_inside_the_shift_it_is_not_listed(office, world, clock):
    dispatched_at(office, world, clock, on18(10, 30))
    assert selectors.unreported_reassignments(user=office.dept_manager, center_id=world.center_a.pk) == []


def test_reassignments_over_the_api(office, world, clock):
    me = bearer(office.crew.plumber)
    body = {
        "user_id": office.crew.plumber.pk,
        "from_post": "白班维修",
        "to_post": "夜班",
        "starts_at": "2026-11-18T19:00",
        "ends_at": "2026-11-18T23:00",
        "reason": "顶班",
    }
    created = me.post(f"{API}/reassignments", body)
    assert created.status_code == 201, created.content
    assert me.post(f"{API}/reassignments", {**body, "ends_at": "2026-11-18T18:00"}).status_code == 400
    item = created.json()
    boss = bearer(office.dept_manager)
    assert me.post(f"{API}/reassignments/{item['id']}/acknowledge", {}).status_code == 403
    assert boss.post(f"{API}/reassignments/{item['id']}/acknowledge", {"expected_version": 5}).status_code == 409
    done = boss.post(f"{API}/reassignments/{item['id']}/acknowledge", {"expected_version": 0})
    assert done.status_code == 200 and done.json()["acknowledged_by"]["name"] == "dept-manager"
    dispatched_at(office, world, clock, on18(18))
    rows = boss.get(f"{API}/reassignments/unreported", {"center_id": world.center_a.pk}).json()
    assert [r["reasons"] for r in rows] == [["不在排班时间内"]]
    assert me.get(f"{API}/reassignments/unreported", {"center_id": world.center_a.pk}).status_code == 403


def test_the_phone_form_reports_oneself(client, office):
    client.force_login(office.crew.plumber)
    assert "reassignment-form" in client.get(reverse("internal:reassignments")).content.decode()
    response = client.post(
        reverse("internal:reassignments"),
        {
            "from_post": "白班",
            "to_post": "夜班",
            "starts_at": "2026-11-18T19:00",
            "ends_at": "2026-11-18T23:00",
            "reason": "顶班",
        },
    )
    assert response.status_code == 302
    assert Reassignment.objects.get().user == office.crew.plumber
    bad = client.post(reverse("internal:reassignments"), {"from_post": "白班", "to_post": "", "reason": "x"})
    assert bad.status_code == 400 and Reassignment.objects.count() == 1


def _dashboard(office) -> str:
    from django.test import Client

    client = Client()
    client.force_login(office.dept_manager)
    return client.get(reverse("internal:dashboard")).content.decode()
