"""The pages: the editor's preview, the print with the seal only once sealed, the public board and its feed
without login, the broadcast panel and the acknowledgement in one tap."""

import pytest
from django.urls import reverse

from propdesk.notices import services
from propdesk.notices.models import Notice

from .conftest import notice_data

pytestmark = pytest.mark.usefixtures("clock")


def _posted(world, info_a, manager_a, **data) -> Notice:
    notice = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world, **data))
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    notice = services.notice_seal(actor=info_a, notice=notice, expected_version=None)
    return services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)


def test_the_editor_saves_a_draft_and_shows_errors(client, world, info_a):
    client.force_login(info_a)
    assert client.get(reverse("notices:new")).status_code == 200
    refused = client.post(reverse("notices:new"), {"kind": "notice", "title": "", "audience": "community"})
    assert refused.status_code == 400 and 'class="error"' in refused.content.decode()
    assert not Notice.objects.exists()
    made = client.post(
        reverse("notices:new"),
        {
            "center": world.center_a.pk, "kind": "tip", "title": "寒潮温馨提示", "body": "<p>注意保暖</p>",
            "audience": "community", "community": world.community_a.pk, "language": "zh-hans",
            "valid_from": "2026-11-16T09:00", "valid_until": "2026-11-20T09:00",
        },
    )  # fmt: skip
    notice = Notice.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("notices:detail", args=[notice.pk])
    assert notice.kind == "tip" and notice.created_by == info_a


def test_the_preview_is_made_safe(client, info_a):
    client.force_login(info_a)
    html = client.post(reverse("notices:preview"), {"body": "<p>停车</p><script>x()</script>"}).content.decode()
    assert "<p>停车</p>" in html and "script" not in html


def test_the_print_shows_the_seal_only_once_sealed(client, world, info_a, manager_a, sealed_center):
    client.force_login(info_a)
    draft = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world))
    assert 'id="notice-seal"' not in client.get(reverse("notices:print", args=[draft.pk])).content.decode()
    posted = _posted(world, info_a, manager_a, title="第二份")
    html = client.get(reverse("notices:print", args=[posted.pk])).content.decode()
    assert 'id="notice-seal" src="data:image/png;base64,' in html


def test_the_public_board_and_feed_need_no_login(client, world, info_a, manager_a, sealed_center):
    world.company.hotline = "400-800-1234"
    world.company.save()
    _posted(world, info_a, manager_a, title="冬季防火安全知识")
    board = client.get(reverse("notices:board", args=[world.community_a.code])).content.decode()
    assert "400-800-1234" in board and "冬季防火安全知识" in board
    assert "info-a" not in board  # customer-service staff only
    feed = client.get(reverse("notices:feed", args=[world.community_a.code]))
    assert feed["Content-Type"].startswith("application/atom+xml") and "冬季防火安全知识" in feed.content.decode()
    other = client.get(reverse("notices:board", args=[world.community_b.code])).content.decode()
    assert "冬季防火安全知识" not in other


def test_the_board_lists_cs_staff_with_employee_numbers(client, world, reception_a):
    board = client.get(reverse("notices:board", args=[world.community_a.code])).content.decode()
    profile = reception_a.staff_profile
    assert profile.name in board and profile.employee_no in board


def test_acknowledge_in_one_tap_from_the_warning_page(client, world, operator_a, manager_a):
    warning = services.warning_enter(actor=operator_a, service_center=world.center_a, hazard="rainstorm", level=2)
    client.force_login(manager_a)
    page = client.get(reverse("notices:warning", args=[warning.pk])).content.decode()
    assert 'id="ack-button"' in page
    client.post(reverse("notices:ack", args=[warning.pk]))
    page = client.get(reverse("notices:warning", args=[warning.pk])).content.decode()
    assert 'id="ack-button"' not in page
    pending = page.split('id="pending-acks"')[1].split("</section>")[0]
    assert "operator-a" in pending and "manager-a" not in pending


def test_the_broadcast_panel_lists_open_tasks_first_and_records_done(client, world, operator_a):
    services.warning_enter(actor=operator_a, service_center=world.center_a, hazard="typhoon", level=3)
    client.force_login(operator_a)
    panel = client.get(reverse("notices:broadcasts_panel")).content.decode()
    assert 'data-task="' in panel and "翠湖花园" in panel
    from propdesk.notices.models import BroadcastTask

    open_task = BroadcastTask.objects.get()
    client.post(
        reverse("notices:broadcast_done", args=[open_task.pk]),
        {"methods": ["loudspeaker", "sms"], "version": open_task.version},
    )
    open_task.refresh_from_db()
    assert open_task.status == "done" and open_task.methods == ["loudspeaker", "sms"]
    assert 'id="no-open-tasks"' in client.get(reverse("notices:broadcasts_panel")).content.decode()


def test_a_guard_cannot_open_the_approval_queue(client, world, staff):
    from propdesk.org.choices import Role

    client.force_login(staff(Role.SECURITY_GUARD))
    assert client.get(reverse("notices:approvals")).status_code == 403
