"""The gate-duty page and its new API: the roster of the next two weeks (add, remove before the slot starts,
audited), one's own check-in at the post, the month's coverage and the slots that started unstaffed; who may open
it. Time pinned: Wednesday 2026-11-18 06:00 in Shanghai."""

import datetime as dt

import pytest
from django.test import Client

from propdesk.api.tests.conftest import bearer
from propdesk.core.models import Event
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.visitors import services
from propdesk.visitors.models import GateDuty

DAY = dt.date(2026, 11, 18)
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start():
    return shanghai_time(2026, 11, 18, 6, 0)


@pytest.fixture
def crew(world, staff):
    return {
        "supervisor": staff(Role.CS_SUPERVISOR),
        "leader": staff(Role.SECURITY_GUARD),
        "technician": staff(Role.TECHNICIAN),
    }


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_plan_check_in_and_see_the_coverage(world, crew, clock):
    planner = login(crew["supervisor"])
    page = planner.get("/visitors/duty/")
    assert page.status_code == 200
    added = planner.post(
        "/visitors/duty/add/",
        {"community": world.community_a.pk, "day": "2026-11-18", "slot": "morning", "user": crew["leader"].pk},
    )
    assert added.status_code == 302
    duty = GateDuty.objects.get()
    refused = planner.post(
        "/visitors/duty/add/",
        {"community": world.community_a.pk, "day": "2026-11-18", "slot": "morning", "user": crew["technician"].pk},
    )
    assert refused.status_code == 400 and "只能安排" in refused.content.decode()
    clock.move_to(shanghai_time(2026, 11, 18, 7, 20))
    leader = login(crew["leader"])
    own = leader.get("/visitors/duty/").content.decode()
    assert f"/visitors/duty/{duty.pk}/check-in/" in own
    done = leader.post(f"/visitors/duty/{duty.pk}/check-in/", {"next": "duty"})
    assert done["Location"].startswith("/visitors/duty/")
    clock.move_to(shanghai_time(2026, 11, 18, 12, 30))
    planner.force_login(crew["supervisor"])
    html = planner.get("/visitors/duty/").content.decode()
    assert "按时到岗 1 / 54 个时段" in html
    # Every slot of the month so far started unstaffed but this morning's: 17 days × 3, and noon today.
    assert "缺岗提醒 52 次" in html and "11-18 午间 12:00–13:00" in html


def test_remove_only_before_the_slot_starts_and_audited(world, crew, clock):
    planner = login(crew["supervisor"])
    later = services.roster_add(
        actor=crew["supervisor"], community=world.community_a, day=DAY, slot="evening", user=crew["leader"]
    )
    morning = services.roster_add(
        actor=crew["supervisor"], community=world.community_a, day=DAY, slot="morning", user=crew["leader"]
    )
    clock.move_to(shanghai_time(2026, 11, 18, 7, 45))
    planner.force_login(crew["supervisor"])
    refused = planner.post(f"/visitors/duty/{morning.pk}/remove/", follow=True)
    assert "已开始" in refused.content.decode() and GateDuty.objects.filter(pk=morning.pk).exists()
    assert login(crew["leader"]).post(f"/visitors/duty/{later.pk}/remove/").status_code == 403
    planner.post(f"/visitors/duty/{later.pk}/remove/")
    assert not GateDuty.objects.filter(pk=later.pk).exists()
    assert Event.objects.filter(verb="gate_duty.removed", target_id=str(later.pk)).count() == 1


def test_who_may_open_the_duty_page(world, crew, staff):
    assert login(crew["technician"]).get("/visitors/duty/").status_code == 403
    assert login(crew["leader"]).get("/visitors/duty/").status_code == 403  # not on any roster
    assert login(staff(Role.CENTER_MANAGER)).get("/visitors/duty/").status_code == 200


def test_the_duty_api_removes_lists_people_and_unstaffed_slots(world, crew, clock):
    api = bearer(crew["supervisor"])
    people = api.get("/api/v1/visitors/gate-duty/people", {"community_id": world.community_a.pk}).json()
    assert {p["id"] for p in people} == {crew["supervisor"].pk, crew["leader"].pk}
    duty = services.roster_add(
        actor=crew["supervisor"], community=world.community_a, day=DAY, slot="noon", user=crew["leader"]
    )
    assert api.post(f"/api/v1/visitors/gate-duty/{duty.pk}/remove", {}).status_code == 204
    assert not GateDuty.objects.exists()
    clock.move_to(shanghai_time(2026, 11, 18, 8, 0))
    gaps = api.get(
        "/api/v1/visitors/gate-duty/unstaffed", {"community_id": world.community_a.pk, "month": "2026-11-01"}
    ).json()
    assert gaps[-1] == {"day": "2026-11-18", "slot": "morning", "slot_label": "早高峰 7:30–8:30"}
    assert len(gaps) == 17 * 3 + 1
    other = bearer(crew["technician"])
    assert other.get("/api/v1/visitors/gate-duty/people", {"community_id": world.community_a.pk}).status_code == 404
