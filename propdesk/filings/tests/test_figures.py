"""The pre-filled figures equal the counts by hand of a fixture period: tickets of each kind, repairs done,
complaints by category and class, interviews — of the filing's project and period only."""

import datetime as dt

import pytest

from propdesk.complaints.models import Complaint
from propdesk.complaints.services.create import complaint_for
from propdesk.filings.choices import FilingKind
from propdesk.filings.services import filing_open
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel, Kind, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_create

pytestmark = pytest.mark.usefixtures("clock")


def _ticket(reception, household, kind, when, content="楼道灯坏了", community=None):
    return ticket_create(
        actor=reception,
        kind=kind,
        content=content,
        channel=Channel.PHONE,
        household=household,
        received_at=when,
        create_work_order=False,
    )


def test_the_figures_of_a_quarter_equal_the_hand_count(cast, world):
    reception = role_user(Role.RECEPTIONIST, world.center_a, username="reception-a")
    reception_b = role_user(Role.RECEPTIONIST, world.center_b, username="reception-b")
    inside = shanghai_time(2026, 8, 10, 10)
    for household in (world.household_a, world.household_b):
        household.moved_in = dt.date(2020, 1, 1)
        household.save(update_fields=["moved_in"])
    household = world.household_a
    for kind in (Kind.REPAIR, Kind.REPAIR, Kind.REPAIR, Kind.CONSULTATION, Kind.SUGGESTION, Kind.PRAISE):
        _ticket(reception, household, kind, inside)
    done = _ticket(reception, household, Kind.REPAIR, inside)
    Ticket.objects.filter(pk=done.pk).update(status=Status.CLOSED)  # one of the four repairs is done
    # Outside the quarter, or in another center: not counted.
    _ticket(reception, household, Kind.REPAIR, shanghai_time(2026, 10, 1, 0, 5))
    _ticket(reception, household, Kind.REPAIR, shanghai_time(2026, 6, 30, 23, 55))
    _ticket(reception_b, world.household_b, Kind.REPAIR, inside)
    complaints = [_ticket(reception, household, Kind.COMPLAINT, inside, content=f"投诉{i}") for i in range(3)]
    for ticket in complaints:
        complaint_for(ticket)  # the complaints app's listener opens the record; here it is opened directly
    rows = Complaint.objects.filter(ticket__in=complaints).order_by("pk")
    # Their records are created when the ticket is: set them to the fixture's month, category and class.
    for complaint, category, klass in zip(rows, ("security", "security", "environment"), (1, 2, 1), strict=True):
        Complaint.objects.filter(pk=complaint.pk).update(
            category=category, responsibility_class=klass, created_at=inside
        )
    Ticket.objects.filter(pk=complaints[0].pk).update(status=Status.CLOSED)

    filing = filing_open(
        actor=cast.cs,
        kind=FilingKind.QUARTERLY,
        service_center=world.center_a,
        community=world.community_a,
        day=dt.date(2026, 8, 1),
    )
    assert filing.figures == {
        "complaints_security": 2,
        "complaints_environment": 1,
        "repairs_received": 4,
        "repairs_done": 1,
        "complaints_repair": 0,
        "consultations": 1,
        "suggestions": 1,
        "praises": 1,
        "special_services": 0,
        "feedback": 0,
        "interviews": 0,
        "complaints_total": 3,
        "complaints_class_1": 2,
        "complaints_class_2": 1,
        "complaints_class_3": 0,
        "complaints_open": 2,
    }
