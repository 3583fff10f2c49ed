"""The approval chain and the seal (R-PB-2/3): no step can be skipped, nothing unapproved is published, each
step is an event; the planned outage's 72 hours (R-PB-3)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.notices import services
from propdesk.notices.models import BroadcastTask, Notice
from propdesk.notify.models import Notification
from propdesk.org.choices import Role

from .conftest import NOW, notice_data, outage_data

pytestmark = pytest.mark.usefixtures("clock")


def _draft(world, actor, **data):
    return services.notice_create(actor=actor, service_center=world.center_a, data=notice_data(world, **data))


def test_the_body_is_kept_safe(world, info_a):
    notice = _draft(
        world, info_a, body='<p onclick="x()">停车<script>alert(1)</script><a href="javascript:x">卡</a></p>'
    )
    assert "script" not in notice.body and "onclick" not in notice.body and "javascript" not in notice.body
    assert "停车" in notice.body


def test_full_chain_with_an_event_per_step(world, info_a, manager_a, sealed_center):
    notice = _draft(world, info_a)
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=notice.version)
    assert Notification.objects.filter(recipient=manager_a, kind="notices.submitted").exists()
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=notice.version)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=notice.version)
    notice = services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=notice.version)
    assert notice.status == "posted" and notice.posted_at == NOW
    kinds = list(notice.events.values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "approved", "sealed", "scheduled", "posted"]
    assert notice.approved_by == manager_a


def test_no_step_can_be_skipped(world, info_a, manager_a, sealed_center):
    notice = _draft(world, info_a)
    with pytest.raises(ValidationError, match="不能直接"):
        services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    with pytest.raises(ValidationError, match="不能直接"):
        services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    with pytest.raises(ValidationError, match="不能直接"):
        services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    with pytest.raises(ValidationError, match="不能直接"):
        services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    with pytest.raises(ValidationError, match="不能直接"):
        services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)
    notice.refresh_from_db()
    assert notice.status == "approved" and notice.posted_at is None


def test_only_the_center_manager_approves(world, info_a, manager_b, staff):
    notice = services.notice_submit(actor=info_a, notice=_draft(world, info_a), expected_version=None)
    for someone in (info_a, manager_b, staff(Role.CS_SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            services.notice_approve(actor=someone, notice=notice, expected_version=None)
    notice.refresh_from_db()
    assert notice.status == "submitted"


def test_returned_with_a_reason_then_edited_and_submitted_again(world, info_a, manager_a):
    notice = services.notice_submit(actor=info_a, notice=_draft(world, info_a), expected_version=None)
    with pytest.raises(ValidationError):
        services.notice_return(actor=manager_a, notice=notice, reason="", expected_version=None)
    notice = services.notice_return(actor=manager_a, notice=notice, reason="收费标准写错了", expected_version=None)
    assert notice.events.last().reason == "收费标准写错了"
    assert Notification.objects.filter(recipient=info_a, kind="notices.returned").exists()
    notice = services.notice_update(
        actor=info_a, notice=notice, data=notice_data(world, title="更正后的通知"), expected_version=notice.version
    )
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=notice.version)
    assert notice.status == "submitted" and notice.title == "更正后的通知"


def test_a_stale_version_is_refused(world, info_a):
    from propdesk.core.errors import StaleVersion

    notice = _draft(world, info_a)
    with pytest.raises(StaleVersion):
        services.notice_submit(actor=info_a, notice=notice, expected_version=notice.version + 1)


def test_sealing_needs_the_centers_seal(world, info_a, manager_a):
    notice = services.notice_submit(actor=info_a, notice=_draft(world, info_a), expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    with pytest.raises(ValidationError, match="业务专用章"):
        services.notice_seal(actor=info_a, notice=notice, expected_version=None)


def test_scheduled_posts_at_its_time_and_expires(world, info_a, manager_a, sealed_center, clock):
    notice = services.notice_submit(actor=info_a, notice=_draft(world, info_a), expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    later = NOW + dt.timedelta(hours=3)
    notice = services.notice_schedule(actor=info_a, notice=notice, publish_at=later, expected_version=None)
    assert services.post_due() == 0
    clock.move_to(later)
    assert services.post_due() == 1
    notice.refresh_from_db()
    assert notice.status == "posted"
    clock.move_to(NOW + dt.timedelta(days=31))
    services.post_due()
    notice.refresh_from_db()
    assert notice.status == "expired"


def test_a_wrong_audience_is_refused(world, info_a):
    with pytest.raises(ValidationError) as caught:
        _draft(world, info_a, audience="buildings", building_ids=[])
    assert "buildings" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _draft(world, info_a, community_id=world.community_b.pk)
    assert "community" in caught.value.message_dict


# --- the 72 hours of a planned outage --------------------------------------------------------------------------


def _outage(world, info_a, hours: float, **data):
    starts = NOW + dt.timedelta(hours=hours)
    return services.notice_create(actor=info_a, service_center=world.center_a, data=outage_data(world, starts, **data))


def test_planned_outage_71h59_is_refused(world, info_a):
    notice = _outage(world, info_a, 71 + 59 / 60)
    with pytest.raises(ValidationError) as caught:
        services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    message = caught.value.message_dict["starts_at"][0]
    assert "至少 72 小时" in message and "71 小时 59 分钟" in message
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_planned_outage_72h_is_accepted(world, info_a):
    notice = _outage(world, info_a, 72)
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    assert notice.status == "submitted"


def test_emergency_outage_skips_the_lead_time_and_becomes_a_broadcast_task(world, info_a, manager_a, operator_a):
    notice = _outage(world, info_a, 1, kind="outage_emergency", title="3栋水管爆裂紧急停水")
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    assert not BroadcastTask.objects.exists()
    services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    task = BroadcastTask.objects.get()
    assert task.community == world.community_a and task.status == "open" and task.notice == notice
    alert = Notification.objects.get(recipient=operator_a, kind="notices.broadcast")
    assert alert.url == "/notices/broadcasts/"


def test_outage_needs_its_times(world, info_a):
    with pytest.raises(ValidationError) as caught:
        services.notice_create(
            actor=info_a,
            service_center=world.center_a,
            data=notice_data(world, kind="outage_planned", utility="water"),
        )
    assert {"starts_at", "ends_at"} <= set(caught.value.message_dict)
    assert Notice.objects.count() == 0
