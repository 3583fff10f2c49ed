"""The ticket page shows system steps (escalations by the sweeper) and work orders without an assignee."""

import datetime as dt

from propdesk.sla.services import sweep
from propdesk.testing.clock import pinned
from propdesk.tickets.services import ticket_create

RECEIVED = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_escalations_by_the_system_are_shown_on_the_ticket(client, world, reception_a):
    with pinned(dt.datetime(2026, 10, 1, tzinfo=dt.UTC)) as clock:
        world.household_a.refresh_from_db()
        clock.move_to(RECEIVED)
        # given a repair nobody dispatched: its 5-minute dispatch clock breaches
        ticket = ticket_create(
            actor=reception_a, kind="repair", content="下水道堵塞", channel="phone", household=world.household_a
        )
        clock.move_to(RECEIVED + dt.timedelta(minutes=10))
        sweep()
        # when the receptionist opens the ticket
        client.force_login(reception_a)
        response = client.get(f"/tickets/{ticket.pk}/")
    # then the page shows the breach recorded by the system and the waiting work order
    page = response.content.decode()
    assert response.status_code == 200
    assert "系统" in page
    assert "已超时（第 2 级）" in page
    assert f"{ticket.number}-1" in page
    assert "待派单" in page
