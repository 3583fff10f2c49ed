"""The notices demo data builds a working center and is safe to run twice."""

import random

import pytest

from propdesk.demo.notices_demo import create_notices_demo
from propdesk.notices.models import BroadcastTask, Notice, WeatherWarning

pytestmark = pytest.mark.usefixtures("clock")


def test_demo_notices(world, info_a, manager_a, operator_a, sealed_center):
    create_notices_demo(world.center_a, random.Random(1))
    statuses = sorted(Notice.objects.values_list("kind", "status"))
    assert statuses == [("notice", "posted"), ("outage_planned", "posted"), ("promotion", "submitted")]
    assert WeatherWarning.objects.get().acks.filter(acknowledged_at__isnull=False).exists()
    assert not BroadcastTask.objects.exists()  # a yellow rainstorm is not broadcast
    create_notices_demo(world.center_a, random.Random(1))
    assert Notice.objects.count() == 3
