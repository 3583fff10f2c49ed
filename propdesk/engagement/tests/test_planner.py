"""The interview planner: households spread over the months and the interviewers, each at most once a year unless
re-planned, balanced per person, complaints first and recent interviews last; progress and the flags of the 25th."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.communities.models import Household, Unit
from propdesk.engagement import selectors, services
from propdesk.engagement.models import PlannedInterview
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.factories import BuildingFactory
from propdesk.tickets.services import ticket_create

from .conftest import add_households

pytestmark = pytest.mark.usefixtures("clock")


def many_households(community, n: int) -> list:
    building = BuildingFactory(community=community, name="9栋")
    units = Unit.objects.bulk_create(
        [Unit(building=building, entrance="", number=f"{i:04d}", code=f"9-{i:04d}") for i in range(n)]
    )
    return Household.objects.bulk_create([Household(unit=u) for u in units])


def record(actor, household, **extra):
    base = {"kind": "phone", "satisfaction": 4}
    return services.interview_record(actor=actor, household=household, **{**base, **extra})


def test_a_large_community_each_household_once_balanced_complaints_first(world, cs_sup, assistant, staff):
    community = world.community_a
    many_households(community, 309)
    community.household_count = 310
    community.save()
    engineer = staff(Role.REPAIR_MANAGER, username="eng-sup")
    complained = Household.objects.filter(unit__building__community=community).order_by("pk")[200]
    ticket_create(actor=cs_sup, kind="complaint", content="电梯噪音大", channel="phone", household=complained)
    plan = services.plan_make(actor=cs_sup, community=community, year=2026, members=[cs_sup, assistant, engineer])
    assert (plan.target, plan.monthly_minimum) == (310, 0)
    slots = list(plan.slots.all())
    assert len(slots) == 310
    assert len({s.household_id for s in slots}) == 310  # each household once
    assert {s.month for s in slots} == set(range(3, 13))  # March to December
    loads = Counter(s.assignee_id for s in slots).values()
    assert max(loads) - min(loads) <= 1
    months = Counter(s.month for s in slots)
    assert max(months.values()) - min(months.values()) <= 1
    first = next(s for s in slots if s.household_id == complained.pk)
    assert first.month == 3 and first.reason == "complaint"


def test_re_planning_keeps_the_done_and_never_plans_a_household_twice(world, cs_sup, assistant, clock):
    community = world.community_a
    add_households(community, 39)
    community.household_count = 40
    community.save()
    plan = services.plan_make(actor=cs_sup, community=community, year=2026, members=[cs_sup], small_project=False)
    # 40 households < 300: a small project all the same, 25 a month.
    assert plan.monthly_minimum == 25
    mine = list(selectors.my_households(user=cs_sup, year=2026, month=3))
    assert len(mine) == 25
    done = record(cs_sup, mine[0].household)
    clock.move_to(shanghai_time(2026, 4, 2, 9))
    plan = services.plan_make(
        actor=cs_sup, community=community, year=2026, members=[cs_sup, assistant], expected_version=plan.version
    )
    march = plan.slots.filter(month=3)
    assert march.count() == 25 and march.filter(interview=done).count() == 1
    for month in range(4, 13):
        households = list(plan.slots.filter(month=month).values_list("household_id", flat=True))
        assert len(households) == 25 == len(set(households))
    april = Counter(plan.slots.filter(month=4).values_list("assignee_id", flat=True))
    assert sorted(april.values()) == [12, 13]
    with pytest.raises(ValidationError) as stale:
        services.plan_make(actor=cs_sup, community=community, year=2026, members=[cs_sup], expected_version=1)
    assert stale.value.code == "stale_version"


def test_a_120_household_small_project_gets_25_a_month(world, cs_sup):
    add_households(world.community_a, 119)
    world.community_a.household_count = 120
    world.community_a.save()
    plan = services.plan_make(actor=cs_sup, community=world.community_a, year=2026, members=[cs_sup])
    per_month = Counter(plan.slots.values_list("month", flat=True))
    assert per_month == dict.fromkeys(range(3, 13), 25)
    # The first 120 slots cover every household once before any is planned again.
    ordered = list(plan.slots.order_by("month", "pk").values_list("household_id", flat=True))
    assert len(set(ordered[:120])) == 120


def test_only_planners_plan_and_only_eligible_people_interview(world, cs_sup, assistant, staff):
    with pytest.raises(PermissionDenied):
        services.plan_make(actor=assistant, community=world.community_a, year=2026, members=[assistant])
    guard = staff(Role.SECURITY_GUARD, username="guard")
    with pytest.raises(ValidationError) as refused:
        services.plan_make(actor=cs_sup, community=world.community_a, year=2026, members=[guard])
    assert "members" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.plan_make(actor=cs_sup, community=world.community_a, year=2025, members=[cs_sup])


def test_progress_and_the_flag_of_the_25th_once_a_month(world, cs_sup, assistant, manager, clock):
    add_households(world.community_a, 39)
    world.community_a.household_count = 40
    world.community_a.save()
    plan = services.plan_make(actor=cs_sup, community=world.community_a, year=2026, members=[cs_sup, assistant])
    for slot in selectors.my_households(user=assistant, year=2026, month=3):
        record(assistant, slot.household)
    clock.move_to(shanghai_time(2026, 3, 24, 20))
    assert services.flag_behind() == 0
    progress = selectors.plan_progress(plan)
    assert (progress.planned_to_date, progress.done_to_date, progress.behind) == (25, 12, False)
    clock.move_to(shanghai_time(2026, 3, 25, 9))
    progress = selectors.plan_progress(plan)
    assert progress.behind
    late = {p.user.pk: p.behind for p in progress.people}
    assert late == {cs_sup.pk: True, assistant.pk: False}
    assert services.flag_behind() == 2  # the plan is behind; the manager has no in-depth interviews
    assert services.flag_behind() == 2
    behind = Notification.objects.filter(kind="engagement.behind_plan", recipient=manager)
    assert behind.count() == 1
    assert "13" in behind.get().body


def test_the_managers_two_in_depth_interviews_a_month(world, cs_sup, manager, clock):
    services.plan_make(actor=cs_sup, community=world.community_a, year=2026, members=[cs_sup])
    households = add_households(world.community_a, 2)
    record(manager, households[0], in_depth=True, kind="home_visit")
    clock.move_to(shanghai_time(2026, 3, 25, 9))
    assert selectors.in_depth_status(manager=manager, center_id=world.center_a.pk)["flag"] is True
    services.flag_behind()
    assert Notification.objects.filter(kind="engagement.in_depth", recipient=manager).count() == 1
    record(manager, households[1], in_depth=True, kind="home_visit")
    status = selectors.in_depth_status(manager=manager, center_id=world.center_a.pk)
    assert status == {"done": 2, "need": 2, "flag": False}
    clock.move_to(shanghai_time(2026, 4, 25, 9))
    assert PlannedInterview.objects.exists()
    services.flag_behind()
    assert Notification.objects.filter(kind="engagement.in_depth", recipient=manager).count() == 2
