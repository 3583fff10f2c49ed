"""Important emails (R-IC-6): the information manager forwards an important email into a task for its owner,
who is told; it is reminded once within 24 h of its due time and on the last working day before a statutory
holiday (from 14:00); the import command reads a Maildir or mbox once per message."""

import datetime as dt
import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from propdesk.api.tests.conftest import bearer
from propdesk.dispatch.tests.helpers import inbox, on18
from propdesk.internal import selectors, services
from propdesk.internal.models import EmailTask
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.testing.roles import role_user

API = "/api/v1/internal"


@pytest.fixture
def info(world):
    return role_user(Role.INFO_MANAGER, world.center_a, username="info")


def forward(info, world, owner, **overrides):
    data = {
        "center": world.center_a,
        "sender": "品质部 <quality@example.com>",
        "subject": "月度质量检查整改回复",
        "body": "请于周五前提交整改回复。",
        "received_at": on18(9),
        "owner_id": owner.pk,
        "due_at": on18(10) + dt.timedelta(hours=30),
    }
    return services.email_forward(actor=info, **{**data, **overrides})


def test_a_forwarded_email_becomes_a_task_reminded_once_within_24_hours(office, world, info, clock):
    task = forward(info, world, office.crew.supervisor)
    assert inbox(office.crew.supervisor, "internal.email_task") == [
        "重要邮件待办：月度质量检查整改回复（11-19 16:00 前）"
    ]
    assert [t.pk for t in selectors.my_email_tasks(user=office.crew.supervisor)] == [task.pk]
    assert services.remind_email_tasks() == 0  # due in 30 h
    clock.move_to(on18(17))
    assert services.remind_email_tasks() == 1
    assert services.remind_email_tasks() == 0
    assert inbox(office.crew.supervisor, "reminder.24h") == ["24 小时内到期：月度质量检查整改回复（11-19 16:00）"]


def test_a_task_due_during_a_holiday_is_reminded_the_working_day_before(office, world, info, clock):
    clock.move_to(shanghai_time(2026, 9, 30, 9))
    forward(
        info,
        world,
        office.crew.supervisor,
        received_at=shanghai_time(2026, 9, 30, 8),
        due_at=shanghai_time(2026, 10, 5, 12),
    )
    assert services.remind_email_tasks() == 0  # before 14:00
    clock.move_to(shanghai_time(2026, 9, 30, 14, 5))
    assert services.remind_email_tasks() == 1
    assert services.remind_email_tasks() == 0
    assert inbox(office.crew.supervisor, "reminder.holiday") == [
        "节前提醒：1 封重要邮件的待办将在假期（2026-10-01 起）到期"
    ]


def test_done_tasks_are_not_reminded_and_only_the_information_manager_forwards(office, world, info, clock):
    task = forward(info, world, office.crew.supervisor)
    with pytest.raises(PermissionDenied):
        services.email_task_complete(actor=office.crew.plumber, task=task)
    services.email_task_complete(actor=office.crew.supervisor, task=task, expected_version=0)
    clock.move_to(on18(17))
    assert services.remind_email_tasks() == 0
    with pytest.raises(PermissionDenied):
        forward(office.crew.plumber, world, office.crew.supervisor)
    with pytest.raises(ValidationError, match="到期时间应晚于现在"):
        forward(info, world, office.crew.supervisor, due_at=on18(9))
    with pytest.raises(ValidationError, match="请选择本服务中心的负责人"):
        forward(info, world, office.crew.tech_b)
    assert EmailTask.objects.count() == 1


def test_email_tasks_over_the_api(office, world, info):
    body = {
        "center_id": world.center_a.pk,
        "sender": "quality@example.com",
        "subject": "整改回复",
        "received_at": "2026-11-18T09:00",
        "owner_id": office.crew.supervisor.pk,
        "due_at": "2026-11-20T17:00",
    }
    created = bearer(info).post(f"{API}/email-tasks", body)
    assert created.status_code == 201, created.content
    assert bearer(info).post(f"{API}/email-tasks", {**body, "due_at": "2026-11-18T08:00"}).status_code == 400
    assert bearer(office.crew.plumber).post(f"{API}/email-tasks", body).status_code == 403
    mine = bearer(office.crew.supervisor)
    [row] = mine.get(f"{API}/email-tasks").json()
    assert bearer(office.crew.plumber).post(f"{API}/email-tasks/{row['id']}/done", {}).status_code == 404
    assert mine.post(f"{API}/email-tasks/{row['id']}/done", {"expected_version": 0}).status_code == 200
    assert mine.get(f"{API}/email-tasks").json() == []


def test_the_import_command_reads_an_mbox_once(office, world, tmp_path):
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    message = EmailMessage()
    message["From"] = "品质部 <quality@example.com>"
    message["Subject"] = "消防演练通知"
    message["Date"] = "Wed, 18 Nov 2026 09:30:00 +0800"
    message["Message-ID"] = "<abc@example.com>"
    message.set_content("本周五下午消防演练。")
    box.add(message)
    box.flush()
    args = [str(path), "--center", str(world.center_a.pk), "--owner", office.crew.supervisor.username]
    out = io.StringIO()
    call_command("import_emails", *args, stdout=out)
    call_command("import_emails", *args, stdout=out)
    assert out.getvalue().split() == ["imported=1", "skipped=0", "imported=0", "skipped=1"]
    task = EmailTask.objects.get()
    assert (task.subject, task.user, task.body.strip()) == (
        "消防演练通知",
        office.crew.supervisor,
        "本周五下午消防演练。",
    )
    assert task.due_at == on18(10) + dt.timedelta(hours=48)
