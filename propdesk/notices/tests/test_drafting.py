"""core.publishing's drafter: another app's text becomes a draft notice that goes through the normal chain."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.core.publishing import NoticeDraft, can_publish, draft_notice
from propdesk.notices import services
from propdesk.notices.models import Notice
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

pytestmark = pytest.mark.usefixtures("clock")


def _draft(world, **overrides) -> NoticeDraft:
    base = {"service_center_id": world.center_a.pk, "title": "2026年11月满意度调查结果",
            "body": "<p>本月共回收问卷 120 份。</p><script>x()</script>", "source": "engagement.survey:12",
            "community_id": world.community_a.pk}  # fmt: skip
    return NoticeDraft(**{**base, **overrides})


def test_a_drafted_notice_goes_through_the_approval_chain(client, world, info_a, manager_a, sealed_center):
    assert can_publish()
    pk = draft_notice(actor=info_a, draft=_draft(world))
    notice = Notice.objects.get(pk=pk)
    assert notice.status == "draft" and notice.kind == "info" and notice.source == "engagement.survey:12"
    assert notice.audience == "community" and notice.community == world.community_a
    assert "script" not in notice.body and notice.created_by == info_a
    assert (notice.valid_until - notice.valid_from).days == 30
    client.force_login(info_a)
    html = client.get(reverse("notices:detail", args=[pk])).content.decode()
    assert 'id="notice-source"' in html and "engagement.survey:12" in html
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)
    assert notice.status == "posted" and notice.source == "engagement.survey:12"
    second = Notice.objects.get(pk=draft_notice(actor=info_a, draft=_draft(world, community_id=None, valid_days=7)))
    assert second.audience == "center" and second.community is None
    client.post(
        reverse("notices:edit", args=[second.pk]),
        {"kind": "info", "title": "改过的标题", "body": "<p>x</p>", "audience": "center", "language": "zh-hans",
         "valid_from": "2026-11-16T09:00", "valid_until": "2026-11-20T09:00", "version": second.version},
    )  # fmt: skip
    second.refresh_from_db()
    assert second.title == "改过的标题" and second.source == "engagement.survey:12"


def test_an_actor_without_the_draft_right_is_refused(world):
    receptionist = role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")
    with pytest.raises(PermissionDenied):
        draft_notice(actor=receptionist, draft=_draft(world))
    stranger = role_user(Role.INFO_MANAGER, world.center_b, username="info-b")
    with pytest.raises(PermissionDenied):
        draft_notice(actor=stranger, draft=_draft(world))
    assert not Notice.objects.exists()


def test_a_bad_draft_is_refused_like_a_typed_in_one(world, info_a):
    with pytest.raises(ValidationError) as caught:
        draft_notice(actor=info_a, draft=_draft(world, title="", kind="nonsense"))
    assert {"title", "kind"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError):
        draft_notice(actor=info_a, draft=_draft(world, community_id=world.community_b.pk))
    with pytest.raises(ValidationError):
        draft_notice(actor=info_a, draft=_draft(world, valid_days=0))
    assert not Notice.objects.exists()
