"""The ticket list pages on with ``after`` (keyset): every ticket once, in order, however deep; the count can
be skipped."""

import datetime as dt

from django.utils import timezone

from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_create

TICKETS = "/api/v1/tickets"


def _tickets(actor, world, n: int) -> list[Ticket]:
    world.household_a.moved_in = dt.date(2020, 1, 1)
    world.household_a.save(update_fields=["moved_in"])
    now = timezone.now()
    same_moment = now - dt.timedelta(hours=2)  # two tickets received at the same moment: the id decides
    moments = [same_moment, same_moment] + [now - dt.timedelta(hours=3 + i) for i in range(n - 2)]
    return [
        ticket_create(
            actor=actor,
            kind="consultation",
            content=f"咨询 {i}",
            channel="phone",
            household=world.household_a,
            received_at=moment,
        )
        for i, moment in enumerate(moments)
    ]


def test_following_next_lists_every_ticket_once_in_order(api_a, receptionist_a, world):
    # given
    _tickets(receptionist_a, world, 7)
    expected = list(Ticket.objects.order_by("-received_at", "-id").values_list("pk", flat=True))

    # when
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"after": after} if after else {})}
        body = api_a.get(TICKETS, params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break

    # then
    assert seen == expected
    assert pages == 3


def test_a_bad_position_is_a_clear_400(api_a):
    response = api_a.get(TICKETS, {"after": "yesterday~x"})

    assert response.status_code == 400
    assert "翻页位置无效" in response.json()["detail"]


def test_the_count_can_be_skipped(api_a, receptionist_a, world):
    # given
    _tickets(receptionist_a, world, 4)

    # when
    body = api_a.get(TICKETS, {"limit": 3, "count": "false"}).json()

    # then
    assert (body["count"], body["count_exact"], len(body["items"])) == (3, False, 3)
    assert body["next"] is not None
