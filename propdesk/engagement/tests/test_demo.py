"""The engagement demo data builds on a center with its staff, and a second call changes nothing."""

import random

import pytest

from propdesk.demo.engagement_demo import create_engagement_demo
from propdesk.engagement.models import CommunityActivity, Interview, InterviewPlan, Survey, SurveyResponse
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

from .conftest import add_households

pytestmark = pytest.mark.usefixtures("clock")


def test_the_demo_is_built_once(world, staff):
    for role in (Role.CS_SUPERVISOR, Role.CS_ASSISTANT, Role.REPAIR_MANAGER, Role.BUSINESS_DEPT):
        staff(role)
    add_households(world.community_a, 8)
    create_engagement_demo(world.center_a, random.Random(1))
    counts = (
        InterviewPlan.objects.count(),
        Interview.objects.count(),
        Survey.objects.count(),
        SurveyResponse.objects.count(),
    )
    assert counts == (1, 3, 1, 1)
    assert Ticket.objects.filter(channel="interview", kind="repair").count() == 1
    activities = sorted(CommunityActivity.objects.values_list("status", "attendance"))
    assert activities == [("held", 36), ("planned", None)]
    create_engagement_demo(world.center_a, random.Random(1))
    assert Interview.objects.count() == 3 and Survey.objects.get().status == "open"
