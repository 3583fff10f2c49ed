"""Collective complaints detected at intake (R-CP-4) on the pinned clock: four households → none, the fifth opens
one and the center manager is told at once (inbox + gateway), a sixth joins it; one household twice counts once;
an unrelated complaint in the same building, another community, category or a complaint outside the window do
not join; the desk links and unlinks by hand; the manager's decision is recorded once; closing is refused until
every household has a home visit; the special-event report shows the facts."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.complaints import services
from propdesk.complaints.choices import CollectiveEventKind, CollectiveStatus, EventKind
from propdesk.complaints.models import (
    CollectiveComplaint,
    CollectiveEvent,
    Complaint,
    ComplaintEvent,
    ComplaintKey,
    ComplaintSettings,
    HomeVisit,
)
from propdesk.core.errors import StaleVersion
from propdesk.notify.models import Channel, Notification
from propdesk.org.choices import Role
from propdesk.testing.factories import BuildingFactory, CommunityFactory, HouseholdFactory, UnitFactory
from propdesk.testing.roles import role_user

from .conftest import LIFT

pytestmark = pytest.mark.usefixtures("clock")


def _fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def test_a_complaint_keeps_its_signature_category_and_keys(record):
    complaint = _fresh(record(content="3栋电梯坏了，困了半天没人修"))
    assert complaint.signature["tokens"]["电梯"] > 0
    assert complaint.category == "repair"
    assert set(ComplaintKey.objects.filter(complaint=complaint).values_list("key", flat=True)) >= {"c:电梯"}


def test_four_households_open_no_collective(wave):
    wave(4)
    assert CollectiveComplaint.objects.count() == 0
    assert not Complaint.objects.filter(collective__isnull=False).exists()


def test_the_fifth_household_opens_one_and_the_manager_is_told_at_once(wave, cast, settings):
    settings.PROPDESK_WEBHOOK_URL = "https://gateway.example/hook"
    cast.manager.staff_profile.phone = "13900000001"
    cast.manager.staff_profile.save()
    made = wave(5)
    collective = CollectiveComplaint.objects.get()
    assert set(Complaint.objects.filter(collective=collective).values_list("pk", flat=True)) == {c.pk for c in made}
    assert collective.status == CollectiveStatus.OPEN
    assert CollectiveEvent.objects.filter(collective=collective, kind=CollectiveEventKind.OPENED).count() == 1
    assert ComplaintEvent.objects.filter(kind=EventKind.LINKED).count() == 5
    inbox = Notification.objects.get(recipient=cast.manager, channel=Channel.INAPP)
    assert inbox.kind == "complaint.collective"
    subject = inbox.subject_text() if hasattr(inbox, "subject_text") else inbox.subject
    assert "5 户" in subject and "翠湖花园" in subject
    assert inbox.url == reverse("complaints:collective", args=[collective.pk])
    assert Notification.objects.filter(recipient=cast.manager, channel=Channel.WEBHOOK).count() == 1


def test_a_sixth_household_joins_the_open_one(wave):
    wave(5)
    sixth = wave(1, start=5)[0]
    collective = CollectiveComplaint.objects.get()
    assert _fresh(sixth).collective_id == collective.pk
    assert CollectiveEvent.objects.filter(collective=collective, kind=CollectiveEventKind.JOINED).count() == 6


def test_one_household_twice_counts_once(wave, record, homes):
    wave(4)
    record(content=LIFT[4], household=homes[0])
    assert CollectiveComplaint.objects.count() == 0
    wave(1, start=5)
    assert Complaint.objects.filter(collective__isnull=False).count() == 6


def test_an_unrelated_complaint_in_the_same_building_does_not_join(wave, record, homes):
    wave(5)
    other = record(content="3栋楼道灯坏了好几天没人修", household=homes[5])
    assert _fresh(other).collective_id is None


def test_other_community_category_or_outside_the_window_does_not_join(wave, record, world, clock, homes):
    wave(4)
    elsewhere = HouseholdFactory(
        unit=UnitFactory(building=BuildingFactory(community=CommunityFactory(service_center=world.center_a)))
    )
    desk = role_user(Role.RECEPTIONIST, world.center_a, username="reception-a2")
    record(content="3栋电梯坏了，物业快来人", household=elsewhere, actor=desk)
    assert CollectiveComplaint.objects.count() == 0
    Complaint.objects.filter(collective__isnull=True).update(category="fees")
    record(content=LIFT[4], household=homes[4])
    assert CollectiveComplaint.objects.count() == 0
    Complaint.objects.update(category="repair")
    clock.shift(dt.timedelta(hours=25))
    record(content=LIFT[5], household=homes[5])
    assert CollectiveComplaint.objects.count() == 0


def test_the_centers_window_is_a_setting(wave, world, clock, record, homes):
    ComplaintSettings.objects.create(service_center=world.center_a, collective_window_minutes=60)
    wave(4)
    clock.shift(dt.timedelta(minutes=40))
    record(content=LIFT[4], household=homes[4])
    assert CollectiveComplaint.objects.count() == 0


def test_detection_failing_never_stops_intake(record, monkeypatch, caplog):
    from propdesk.complaints.services import detection

    def boom(*args, **kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr(detection, "index_complaint", boom)
    with caplog.at_level(logging.ERROR, logger="propdesk.complaints"):
        complaint = record(content="3栋电梯坏了")
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert "detection failed" in caplog.text


# --- by hand at the desk --------------------------------------------------------------------------------------


def test_the_desk_unlinks_and_links_again_in_one_action(wave, cast):
    made = wave(6)
    collective = CollectiveComplaint.objects.get()
    out = services.complaint_unlink_collective(actor=cast.reception, complaint=made[5], reason="不是同一部电梯")
    assert out.collective_id is None
    assert CollectiveEvent.objects.filter(collective=collective, kind=CollectiveEventKind.LEFT).count() == 1
    back = services.complaint_link_collective(actor=cast.reception, complaint=_fresh(made[5]), collective=collective)
    assert back.collective_id == collective.pk
    with pytest.raises(ValidationError, match="已在这宗集体投诉中"):
        services.complaint_link_collective(actor=cast.reception, complaint=_fresh(made[5]), collective=collective)


def test_linking_is_refused_to_others_and_on_stale_versions(wave, cast, record, homes):
    made = wave(5)
    collective = CollectiveComplaint.objects.get()
    loose = record(content="3栋楼道灯坏了好几天没人修", household=homes[6])
    with pytest.raises(PermissionDenied):
        services.complaint_link_collective(actor=cast.reception_b, complaint=loose, collective=collective)
    with pytest.raises(StaleVersion):
        services.complaint_link_collective(
            actor=cast.reception, complaint=loose, collective=collective, expected_version=99
        )
    assert _fresh(loose).collective_id is None
    assert _fresh(made[0]).collective_id == collective.pk


def test_opening_by_hand_needs_five_households(wave, cast):
    made = wave(4)
    with pytest.raises(ValidationError, match="只有 4 户"):
        services.complaint_open_collective(actor=cast.reception, complaint=made[3])
    assert CollectiveComplaint.objects.count() == 0


# --- the manager's handling -----------------------------------------------------------------------------------


def test_the_decision_is_recorded_once(wave, cast):
    wave(5)
    collective = CollectiveComplaint.objects.get()
    with pytest.raises(PermissionDenied):
        services.collective_decide(
            actor=cast.reception, collective=collective, notify_general_manager=True, notify_developer=False
        )
    decided = services.collective_decide(
        actor=cast.manager, collective=collective, notify_general_manager=True, notify_developer=False, note="影响面大"
    )
    assert decided.notify_general_manager is True and decided.decided_by == cast.manager
    assert decided.status == CollectiveStatus.HANDLING
    with pytest.raises(ValidationError, match="不能重复记录"):
        services.collective_decide(
            actor=cast.manager, collective=decided, notify_general_manager=False, notify_developer=True
        )
    assert CollectiveEvent.objects.filter(collective=collective, kind=CollectiveEventKind.DECIDED).count() == 1
    with pytest.raises(StaleVersion):
        services.collective_agree_reply(
            actor=cast.manager, collective=decided, reply_at=decided.opened_at, expected_version=1
        )


def test_closing_needs_a_home_visit_per_household(wave, cast, clock, homes):
    made = wave(5)
    collective = CollectiveComplaint.objects.get()
    reply_at = collective.opened_at + dt.timedelta(hours=4)
    services.collective_agree_reply(actor=cast.manager, collective=collective, reply_at=reply_at, note="电话约定")
    for household in homes[:4]:
        services.collective_home_visit(
            actor=cast.assistant,
            collective=collective,
            household_id=household.pk,
            visited_at=collective.opened_at,
            customer_said="已修好，满意",
            satisfied=True,
        )
    with pytest.raises(ValidationError) as refused:
        services.collective_close(actor=cast.manager, collective=collective)
    assert str(homes[4].unit) in refused.value.messages[0]
    assert _status(collective) == CollectiveStatus.OPEN
    with pytest.raises(ValidationError, match="已有上门回访记录"):
        services.collective_home_visit(
            actor=cast.assistant,
            collective=collective,
            household_id=homes[0].pk,
            visited_at=collective.opened_at,
            customer_said="再次",
        )
    with pytest.raises(ValidationError, match="签名格式不正确"):
        services.collective_home_visit(
            actor=cast.assistant,
            collective=collective,
            household_id=homes[4].pk,
            visited_at=collective.opened_at,
            customer_said="好",
            signature="data:image/png;base64,notpng",
        )
    with pytest.raises(ValidationError, match="回访人须是"):
        services.collective_home_visit(
            actor=cast.assistant,
            collective=collective,
            household_id=homes[4].pk,
            visited_by=cast.clerk,
            visited_at=collective.opened_at,
            customer_said="满意",
        )
    services.collective_home_visit(
        actor=cast.assistant,
        collective=collective,
        household_id=homes[4].pk,
        visited_by=cast.supervisor,
        visited_at=collective.opened_at,
        customer_said="满意",
    )
    assert HomeVisit.objects.get(household=homes[4]).visited_by == cast.supervisor
    assert HomeVisit.objects.filter(collective=collective).count() == 5
    closed = services.collective_close(actor=cast.manager, collective=collective)
    assert closed.status == CollectiveStatus.CLOSED and closed.closed_at is not None
    assert made


def _status(collective):
    return CollectiveComplaint.objects.get(pk=collective.pk).status


def test_the_collective_page_and_the_special_event_report_show_the_facts(wave, cast, client):
    wave(5)
    collective = CollectiveComplaint.objects.get()
    services.collective_decide(
        actor=cast.manager, collective=collective, notify_general_manager=True, notify_developer=True, note="已报总经理"
    )
    client.force_login(cast.manager)
    page = client.get(reverse("complaints:collective", args=[collective.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "5" in html and "翠湖花园" in html and LIFT[0] in html
    report = client.get(reverse("complaints:collective_report", args=[collective.pk])).content.decode()
    for fact in ("特别事件报告", "翠湖花园", "已报总经理", str(collective.opened_at.astimezone().year), "签字"):
        assert fact in report
    assert "<script>" not in report
    client.force_login(cast.reception_b)
    assert client.get(reverse("complaints:collective", args=[collective.pk])).status_code == 404


def test_the_complaint_page_shows_the_similar_complaints(wave, cast, client):
    made = wave(3)
    client.force_login(cast.reception)
    html = client.get(reverse("complaints:detail", args=[made[2].pk])).content.decode()
    assert "可能与这些投诉是同一件事" in html
    assert "第 3 宗" in html


def test_the_manager_sets_the_window_and_others_may_not(world, cast):
    with pytest.raises(PermissionDenied):
        services.complaint_settings_set(
            actor=cast.supervisor, service_center=world.center_a, collective_window_minutes=60
        )
    with pytest.raises(ValidationError, match="30 分钟到 7 天"):
        services.complaint_settings_set(actor=cast.manager, service_center=world.center_a, collective_window_minutes=5)
    assert not ComplaintSettings.objects.exists()
    row = services.complaint_settings_set(
        actor=cast.manager, service_center=world.center_a, collective_window_minutes=90
    )
    assert row.collective_window_minutes == 90
    with pytest.raises(PermissionDenied):
        services.complaint_settings_set(actor=cast.manager, service_center=world.center_b, collective_window_minutes=60)
