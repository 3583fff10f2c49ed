"""Lists count matches only up to a limit, so a page costs the same at a million tickets."""

from propdesk.api import schemas
from propdesk.tickets.services import ticket_create

TICKETS = "/api/v1/tickets"


def make(receptionist, world, n):
    for i in range(n):
        ticket_create(
            actor=receptionist, kind="consultation", content=f"咨询 {i}", channel="phone", household=world.household_a
        )


def test_the_count_is_exact_below_the_limit_and_capped_above(api_a, receptionist_a, world, monkeypatch):
    # given three visible tickets and a limit of two
    make(receptionist_a, world, 3)
    monkeypatch.setattr(schemas, "COUNT_LIMIT", 2)
    # when the list is read
    body = api_a.get(TICKETS, {"limit": 1}).json()
    # then the count says "at least 2" and the page is still one item
    assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 1)
    monkeypatch.setattr(schemas, "COUNT_LIMIT", 3)
    body = api_a.get(TICKETS, {"limit": 1}).json()
    assert (body["count"], body["count_exact"]) == (3, True)
