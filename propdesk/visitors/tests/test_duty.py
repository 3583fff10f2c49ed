"""Peak-hour gate duty (R-CV-5): the roster, the check-in at the post within its slot, the alert to the
security managers when a slot starts unstaffed (at 7:30), and the month's coverage rate per community."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.core.worker import registered_jobs
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.visitors import services
from propdesk.visitors.models import GateDuty

DAY = dt.date(2026, 11, 18)


@pytest.fixture
def clock_start():
    return shanghai_time(2026, 11, 18, 6, 0)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, staff):
    return {
        "supervisor": staff(Role.CS_SUPERVISOR),
        "manager": staff(Role.SECURITY_MANAGER),
        "leader": staff(Role.SECURITY_GUARD),
        "manager_b": staff(Role.SECURITY_MANAGER, world.center_b),
    }


def put_on(world, crew, who="leader", slot="morning", day=DAY):
    return services.roster_add(
        actor=crew["supervisor"], community=world.community_a, day=day, slot=slot, user=crew[who]
    )


def test_the_roster_takes_eligible_people_once(world, crew, staff):
    duty = put_on(world, crew)
    assert (duty.slot, duty.user) == ("morning", crew["leader"])
    with pytest.raises(ValidationError) as caught:
        put_on(world, crew)
    assert "已在该时段" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.roster_add(
            actor=crew["supervisor"], community=world.community_a, day=DAY, slot="noon", user=staff(Role.TECHNICIAN)
        )
    with pytest.raises(PermissionDenied):
        services.roster_add(
            actor=crew["leader"], community=world.community_a, day=DAY, slot="noon", user=crew["leader"]
        )
    with pytest.raises(ValidationError):
        put_on(world, crew, day=DAY - dt.timedelta(days=1))


def test_check_in_at_the_post_only_in_ones_own_slot(world, crew, clock):
    duty = put_on(world, crew)
    with pytest.raises(ValidationError) as caught:
        services.duty_check_in(actor=crew["leader"], duty=duty)  # 6:00, too early
    assert "值岗时段" in caught.value.messages[0]
    clock.move_to(shanghai_time(2026, 11, 18, 7, 20))
    with pytest.raises(PermissionDenied):
        services.duty_check_in(actor=crew["manager"], duty=duty)
    assert services.duty_check_in(actor=crew["leader"], duty=duty).checked_in_at is not None
    with pytest.raises(ValidationError):
        services.duty_check_in(actor=crew["leader"], duty=duty)


def test_an_unstaffed_slot_alerts_the_security_managers_at_7_30_once(world, crew, clock):
    assert "visitors.peak_unstaffed" in {job.name for job in registered_jobs()}
    put_on(world, crew)  # on the roster, but nobody checks in
    clock.move_to(shanghai_time(2026, 11, 18, 7, 29))
    assert services.alert_unstaffed() == 0
    clock.move_to(shanghai_time(2026, 11, 18, 7, 30))
    assert services.alert_unstaffed() == 2  # both communities: nobody at either gate
    told = Notification.objects.filter(kind="visitors.peak_unstaffed", channel="inapp")
    assert {(n.recipient, n.subject) for n in told} >= {
        (crew["manager"], told.filter(recipient=crew["manager"]).get().subject)
    }
    assert told.filter(recipient=crew["manager_b"]).count() == 1
    clock.move_to(shanghai_time(2026, 11, 18, 7, 31))
    assert services.alert_unstaffed() == 0  # once per slot


def test_a_staffed_slot_raises_no_alert(world, crew, clock):
    duty = put_on(world, crew)
    clock.move_to(shanghai_time(2026, 11, 18, 7, 25))
    services.duty_check_in(actor=crew["leader"], duty=duty)
    clock.move_to(shanghai_time(2026, 11, 18, 7, 30))
    services.alert_unstaffed()
    assert not Notification.objects.filter(recipient=crew["manager"], kind="visitors.peak_unstaffed").exists()


def test_the_months_coverage_rate(world, crew, clock):
    morning = put_on(world, crew)
    evening = put_on(world, crew, who="manager", slot="evening")
    clock.move_to(shanghai_time(2026, 11, 18, 7, 25))
    services.duty_check_in(actor=crew["leader"], duty=morning)
    clock.move_to(shanghai_time(2026, 11, 18, 18, 10))  # late: after the start, not counted as staffed
    services.duty_check_in(actor=crew["manager"], duty=evening)
    result = services.coverage(community=world.community_a, month=DAY, today=DAY)
    assert result == {"slots": 18 * 3, "staffed": 1, "rate": round(1 / 54, 4)}
    assert GateDuty.objects.count() == 2


def test_the_duty_api(world, crew, clock):
    from propdesk.api.tests.conftest import bearer

    planner = bearer(crew["supervisor"])
    body = {"community_id": world.community_a.pk, "day": "2026-11-18", "slot": "morning", "user_id": crew["leader"].pk}
    created = planner.post("/api/v1/visitors/gate-duty", body)
    assert created.status_code == 201, created.content
    assert created.json()["slot_label"] == "早高峰 7:30–8:30"
    assert planner.post("/api/v1/visitors/gate-duty", body).status_code == 400
    assert bearer(crew["leader"]).post("/api/v1/visitors/gate-duty", body).status_code == 403
    other = {**body, "community_id": world.community_b.pk}
    assert planner.post("/api/v1/visitors/gate-duty", other).status_code == 403
    leader = bearer(crew["leader"])
    assert [d["id"] for d in leader.get("/api/v1/visitors/gate-duty").json()["items"]] == [created.json()["id"]]
    clock.move_to(shanghai_time(2026, 11, 18, 7, 25))
    done = leader.post(f"/api/v1/visitors/gate-duty/{created.json()['id']}/check-in")
    assert done.status_code == 200 and done.json()["checked_in_at"].startswith("2026-11-18T07:25")
    coverage = planner.get(
        "/api/v1/visitors/gate-duty/coverage", {"community_id": world.community_a.pk, "month": "2026-11-01"}
    ).json()
    assert (coverage["slots"], coverage["staffed"]) == (18 * 3, 1)
    assert (
        leader.get(
            "/api/v1/visitors/gate-duty/coverage", {"community_id": world.community_a.pk, "month": "2026-11-01"}
        ).status_code
        == 404
    )


def test_the_person_on_duty_checks_in_from_the_gate_page(world, crew, clock):
    from django.test import Client

    duty = put_on(world, crew)
    client = Client()
    client.force_login(crew["leader"])
    assert "我的高峰期值岗" in client.get("/visitors/").content.decode()
    early = client.post(f"/visitors/duty/{duty.pk}/check-in/", follow=True).content.decode()
    assert "值岗时段" in early
    clock.move_to(shanghai_time(2026, 11, 18, 7, 28))
    page = client.post(f"/visitors/duty/{duty.pk}/check-in/", follow=True).content.decode()
    assert "已登记到岗" in page and "07:28 已到岗" in page
    other = Client()
    other.force_login(crew["manager"])
    assert other.post(f"/visitors/duty/{duty.pk}/check-in/").status_code in (302, 403, 404)
    duty.refresh_from_db()
    assert duty.checked_in_at is not None
