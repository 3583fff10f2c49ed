"""A collective complaint that keeps growing (R-CP-4): the manager hears of the sixth and each later household in
the inbox, once per household; the opening alone goes through the SMS/IM gateway (it is the urgent one)."""

import pytest
from django.urls import reverse

from propdesk.complaints import services
from propdesk.complaints.models import CollectiveComplaint, Complaint
from propdesk.complaints.tests.conftest import LIFT
from propdesk.core.texts import render
from propdesk.notify.models import Channel, Notification

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
