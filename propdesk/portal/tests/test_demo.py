"""The portal's demo data: the demo resident's requests, made through the portal's services, once."""

import random

from propdesk.demo.portal_demo import create_portal_demo
from propdesk.portal.models import Rating
from propdesk.tickets.choices import Channel, Status
from propdesk.tickets.models import Ticket


def test_the_demo_resident_has_portal_requests_once(world, crew, resident):
    create_portal_demo(world.center_a, random.Random(7))
    create_portal_demo(world.center_a, random.Random(7))
    tickets = Ticket.objects.filter(channel=Channel.PORTAL)
    assert sorted(tickets.values_list("kind", flat=True)) == ["consultation", "praise", "repair"]
    assert tickets.get(kind="consultation").status == Status.CLOSED
    assert Rating.objects.get().score == 5
    assert tickets.get(kind="repair").preferred_from is not None
