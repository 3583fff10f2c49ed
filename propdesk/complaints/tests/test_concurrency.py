"""Races on PostgreSQL (R-CP-4): two fifth complaints recorded at the same moment open ONE collective complaint,
with both in it and the manager told once — through the desk (where the ticket core's numbering already
serialises creation) and below it, two detections deciding at once (without the community lock this opens two:
checked by removing it); two desks linking the same complaint link it once."""

import pytest

from propdesk.complaints import services
from propdesk.complaints.models import CollectiveComplaint, CollectiveEvent, Complaint
from propdesk.notify.models import Channel, Notification
from propdesk.org.choices import Role
from propdesk.testing.concurrency import errors, postgresql_only, run_together, seed_default_policies
from propdesk.testing.factories import HouseholdFactory, UnitFactory, build_world
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel as TicketChannel
from propdesk.tickets.choices import Kind
from propdesk.tickets.services import ticket_create

from .conftest import LIFT

pytestmark = [postgresql_only(), pytest.mark.django_db(transaction=True)]


def _setup():
    seed_default_policies()
    world = build_world()
    building = world.household_a.unit.building
    homes = [world.household_a] + [
        HouseholdFactory(unit=UnitFactory(building=building, entrance="1单元", number=f"{n}01")) for n in range(2, 8)
    ]
    desks = [role_user(Role.RECEPTIONIST, world.center_a) for _ in range(2)]
    manager = role_user(Role.CENTER_MANAGER, world.center_a)
    return world, homes, desks, manager


def _record(desk, text, household):
    ticket = ticket_create(
        actor=desk, kind=Kind.COMPLAINT, content=text, channel=TicketChannel.PHONE, household=household
    )
    return Complaint.objects.get(ticket=ticket)


def test_two_fifth_complaints_at_once_open_one_collective():
    _world, homes, desks, manager = _setup()
    for i in range(3):
        _record(desks[0], LIFT[i], homes[i])
    # The 4th and 5th households call two desks at the same moment: either one is the fifth.
    _record(desks[0], LIFT[3], homes[3])
    results = run_together(2, lambda i: _record(desks[i], LIFT[4 + i], homes[4 + i]))
    assert errors(results) == []
    assert CollectiveComplaint.objects.count() == 1
    collective = CollectiveComplaint.objects.get()
    assert Complaint.objects.filter(collective=collective).count() == 6
    assert CollectiveEvent.objects.filter(collective=collective, kind="opened").count() == 1
    assert_told_once(manager)


def assert_told_once(manager) -> None:
    """The opening reaches the manager once; the sixth household at most once more (none when the collective was
    opened with all six at once)."""
    inbox = Notification.objects.filter(recipient=manager, channel=Channel.INAPP)
    assert inbox.filter(dedupe_key__startswith="complaint-collective-opened").count() == 1
    assert inbox.filter(dedupe_key__startswith="complaint-collective-joined").count() <= 1
    assert inbox.count() <= 2


def test_two_detections_at_once_open_one_collective(monkeypatch):
    """Below the ticket core (which serialises numbering): two indexed fifth complaints decided at the same moment."""
    from django.db import transaction

    from propdesk.complaints.services import collective as collective_services

    _world, homes, desks, manager = _setup()
    for i in range(4):
        _record(desks[0], LIFT[i], homes[i])
    monkeypatch.setattr(collective_services, "join_detected", lambda complaint, actor=None, fresh=False: None)
    fifth = [_record(desks[0], LIFT[4 + i], homes[4 + i]) for i in range(2)]
    monkeypatch.undo()
    assert CollectiveComplaint.objects.count() == 0

    def decide(i):
        with transaction.atomic():
            complaint = Complaint.objects.get(pk=fifth[i].pk)
            return collective_services.join_detected(complaint)

    results = run_together(2, decide)
    assert errors(results) == []
    assert CollectiveComplaint.objects.count() == 1
    collective = CollectiveComplaint.objects.get()
    assert Complaint.objects.filter(collective=collective).count() == 6
    assert CollectiveEvent.objects.filter(collective=collective, kind="joined").count() == 6
    assert_told_once(manager)


def test_two_desks_linking_one_complaint_link_it_once():
    _world, homes, desks, _manager = _setup()
    for i in range(5):
        _record(desks[0], LIFT[i], homes[i])
    collective = CollectiveComplaint.objects.get()
    loose = _record(desks[0], "3栋楼道灯坏了好几天没人修", homes[5])
    results = run_together(
        2,
        lambda i: services.complaint_link_collective(actor=desks[i], complaint=loose, collective=collective),
    )
    assert len(errors(results)) == 1
    assert CollectiveEvent.objects.filter(collective=collective, kind="joined", data__complaint=loose.pk).count() == 1
