"""A collective complaint that keeps growing (R-CP-4): the manager hears of the sixth and each later household in
the inbox, once per household; the opening alone goes through the SMS/IM gateway (it is the urgent one)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from propdesk.complaints import services
from propdesk.complaints.models import CollectiveComplaint, Complaint
from propdesk.complaints.tests.conftest import LIFT
from propdesk.core.texts import render
from propdesk.notify.models import Channel, Notification
from propdesk.testing.factories import HouseholdFactory, UnitFactory

pytestmark = pytest.mark.usefixtures("clock")


def joined(cast) -> list:
    return list(
        Notification.objects.filter(
            recipient=cast.manager, channel=Channel.INAPP, dedupe_key__startswith="complaint-collective-joined"
        ).order_by("pk")
    )


def test_the_sixth_and_seventh_households_reach_the_managers_inbox(wave, cast, settings):
    settings.PROPDESK_WEBHOOK_URL = "https://gateway.example/hook"
    cast.manager.staff_profile.phone = "13900000001"
    cast.manager.staff_profile.save()
    wave(5)
    assert joined(cast) == []
    wave(2, start=5)
    collective = CollectiveComplaint.objects.get()
    rows = joined(cast)
    assert [render(n.subject) for n in rows] == [
        "集体投诉新增住户：翠湖花园 已有 6 户",
        "集体投诉新增住户：翠湖花园 已有 7 户",
    ]
    assert rows[0].url == reverse("complaints:collective", args=[collective.pk])
    # only the opening was urgent enough for the gateway
    assert Notification.objects.filter(recipient=cast.manager, channel=Channel.WEBHOOK).count() == 1


def test_a_household_complaining_again_says_nothing_new(wave, record, homes, cast):
    wave(6)
    assert len(joined(cast)) == 1
    again = record(content=LIFT[0], household=homes[5])
    assert Complaint.objects.get(pk=again.pk).collective_id is not None
    assert len(joined(cast)) == 1


def test_linking_by_hand_tells_the_manager_too(wave, record, homes, cast):
    wave(5)
    collective = CollectiveComplaint.objects.get()
    other = record(content="楼上漏水到我家了", household=homes[5])
    assert Complaint.objects.get(pk=other.pk).collective_id is None
    services.complaint_link_collective(actor=cast.reception, complaint=other, collective=collective)
    assert [render(n.subject) for n in joined(cast)] == ["集体投诉新增住户：翠湖花园 已有 6 户"]


def _joining_statements(record, home, content) -> tuple[list[str], Complaint]:
    with CaptureQueriesContext(connection) as ctx:
        complaint = record(content=content, household=home)
    return [q["sql"] for q in ctx.captured_queries], Complaint.objects.get(pk=complaint.pk)


def test_joining_costs_the_same_however_large_the_collective_complaint(wave, record, homes, clock):
    # given an open collective complaint of seven households
    wave(7)
    building = homes[0].unit.building
    more = [
        HouseholdFactory(unit=UnitFactory(building=building, entrance="9单元", number=f"{n + 10}09")) for n in range(30)
    ]
    early, joined_early = _joining_statements(record, more[0], LIFT[1])
    # when twenty-eight more households join it
    for i, home in enumerate(more[1:-1]):
        clock.shift(dt.timedelta(minutes=1))
        record(content=LIFT[i % len(LIFT)], household=home)
    late, joined_late = _joining_statements(record, more[-1], LIFT[1])
    # then the thirty-seventh joins as the eighth did, with as many statements
    collective = CollectiveComplaint.objects.get()
    assert joined_early.collective_id == joined_late.collective_id == collective.pk
    assert joined_late.same_event_nth > joined_early.same_event_nth
    assert Complaint.objects.filter(collective=collective).values("household").distinct().count() == 37
    assert len(late) == len(early)
    # … without reading the members one by one: the fit comes from the candidates already scored, the households
    # are counted from an index
    by_collective = f'"complaints_complaint"."collective_id" = {collective.pk}'
    members_read = [sql for sql in late if '"signature"' in sql and by_collective in sql]
    assert members_read == []
