"""The notices demo data builds a working center and is safe to run twice."""

import random

import pytest

from propdesk.demo.notices_demo import create_notices_demo
from propdesk.notices.models import BroadcastTask, FeeItem, Notice, ServiceContact, WeatherWarning

pytestmark = pytest.mark.usefixtures("clock")


def test_demo_notices(world, info_a, manager_a, operator_a, sealed_center):
    create_notices_demo(world.center_a, random.Random(1))
    statuses = sorted(Notice.objects.values_list("kind", "status"))
    assert statuses == [("notice", "posted"), ("outage_planned", "posted"), ("promotion", "submitted")]
    assert WeatherWarning.objects.get().acks.filter(acknowledged_at__isnull=False).exists()
    assert not BroadcastTask.objects.exists()  # a yellow rainstorm is not broadcast
    assert FeeItem.objects.filter(community=world.community_a, approval_no="深发改〔2025〕12号").exists()
    assert ServiceContact.objects.filter(community=world.community_a, kind="water").exists()
    create_notices_demo(world.center_a, random.Random(1))
    assert Notice.objects.count() == 3 and FeeItem.objects.count() == 4
