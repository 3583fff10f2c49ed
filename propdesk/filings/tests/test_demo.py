"""The demo data: the ended periods opened, the quarterly report submitted, the half-month statistics
circulated; a second call changes nothing."""

import random

import pytest

from propdesk.demo.filings_demo import create_filings_demo
from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing, FilingEvent

pytestmark = pytest.mark.usefixtures("clock")


def test_the_demo_brings_the_centers_filings_along_their_chains(cast, world):
    create_filings_demo(world.center_a, random.Random(7))
    mine = dict(Filing.objects.filter(service_center=world.center_a).values_list("kind", "status"))
    assert mine == {FilingKind.HALF_MONTH: "circulated", FilingKind.QUARTERLY: "submitted"}
    events = FilingEvent.objects.count()
    create_filings_demo(world.center_a, random.Random(7))
    assert FilingEvent.objects.count() == events
