"""Important emails (R-IC-6, 000 §3.2.5): the information manager forwards an important email into the system
(by the form, or by the ``import_emails`` command reading a Maildir or an mbox); it becomes a task for its owner
with a due time, reminded like every other task: once within 24 h of the due time, and on the last working day
before a statutory holiday (from 14:00) for what falls due during it (``sla.reminders``' calendar)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.sla.reminders import HOLIDAY_REMINDER_HOUR, holiday_ahead

from ..choices import EmailTaskEventKind
from ..models import EmailTask, EmailTaskEvent
from .common import lock


def _aware(value, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise field_error(field, _("请填写时间"), "required")
    check_date(value, field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def email_forward(
    *,
    actor,
    center,
    sender: str,
    subject: str,
    body: str,
    received_at: dt.datetime,
    owner_id: int,
    due_at: dt.datetime,
    message_id: str = "",
) -> EmailTask:
    """Turn an important email into a task for ``owner_id`` (a staff member of the center), who is told.
    ``actor`` None: the import command. The same message (``message_id``) is imported once."""
    if actor is not None:
        require(actor, "email_task.forward", EmailTask(service_center=center), _("只有信息管理员可以转入重要邮件"))
    sender = clean_text(sender, "sender", limit=200)
    subject = clean_text(subject, "subject", limit=200)
    body = clean_text(body, "body", required=False, limit=20000)
    message_id = clean_text(message_id, "message_id", required=False, limit=200)
    received_at = _aware(received_at, "received_at")
    due_at = _aware(due_at, "due_at")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise field_error("received_at", _("收件时间不能晚于现在"), "future")
    if due_at <= timezone.now():
        raise field_error("due_at", _("到期时间应晚于现在"), "past")
    owner = (
        get_user_model()
        .objects.filter(pk=owner_id, is_active=True, staff_profile__department__service_center=center)
        .first()
    )
    if owner is None:
        raise field_error("owner_id", _("请选择本服务中心的负责人"), "invalid_choice")
    if message_id:
        found = EmailTask.objects.filter(service_center=center, message_id=message_id).first()
        if found is not None:
            return found
    task = EmailTask.objects.create(
        service_center=center,
        sender=sender,
        subject=subject,
        body=body,
        received_at=received_at,
        message_id=message_id,
        user=owner,
        due_at=due_at,
        created_by=actor,
    )
    EmailTaskEvent.record(task, EmailTaskEventKind.FORWARDED, actor, owner=owner.pk)
    notify(
        recipients=[owner],
        message=Message(
            kind="internal.email_task",
            subject=t(
                N_("重要邮件待办：%(subject)s（%(due)s 前）"),
                subject=subject,
                due=f"{timezone.localtime(due_at):%m-%d %H:%M}",
            ),
            body=body[:200],
            url=reverse("internal:email_tasks"),
        ),
        dedupe=f"internal.email_task:{task.pk}",
    )
    return task


@transaction.atomic
def email_task_complete(*, actor, task: EmailTask, expected_version=None) -> EmailTask:
    require(actor, "email_task.complete", task, _("只有负责人或信息管理员可以完成该任务"))
    task = lock(EmailTask, task, expected_version, _("该任务已被更新，请刷新后重试"))
    if task.done_at is not None:
        raise field_error("task", _("该任务已完成"), "done")
    task.done_at = timezone.now()
    task.version += 1
    task.save(update_fields=["done_at", "version"])
    EmailTaskEvent.record(task, EmailTaskEventKind.DONE, actor)
    return task


def remind_email_tasks(*, now: dt.datetime | None = None) -> int:
    """The 24-hour reminder (each task once) and the pre-holiday reminder (each owner once per holiday)."""
    now = now or timezone.now()
    sent = 0
    soon = EmailTask.objects.filter(
        done_at__isnull=True, reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + dt.timedelta(hours=24)
    )
    for pk in list(soon.values_list("pk", flat=True)):
        with transaction.atomic():
            task = EmailTask.objects.select_for_update().select_related("user").get(pk=pk)
            if task.reminded_at is not None or task.done_at is not None:
                continue
            task.reminded_at = now
            task.save(update_fields=["reminded_at"])
            EmailTaskEvent.record(task, EmailTaskEventKind.REMINDED, None)
            sent += len(
                notify(
                    recipients=[task.user],
                    message=Message(
                        kind="reminder.24h",
                        subject=t(
                            N_("24 小时内到期：%(subject)s（%(due)s）"),
                            subject=task.subject,
                            due=f"{timezone.localtime(task.due_at):%m-%d %H:%M}",
                        ),
                        url=reverse("internal:email_tasks"),
                    ),
                    dedupe=f"internal.email_remind24:{task.pk}",
                )
            )
    return sent + _remind_before_holiday(now)


def _remind_before_holiday(now: dt.datetime) -> int:
    local = timezone.localtime(now)
    window = holiday_ahead(local.date()) if local.hour >= HOLIDAY_REMINDER_HOUR else None
    if window is None:
        return 0
    first_day, back = window
    until = timezone.make_aware(dt.datetime.combine(back, dt.time(9)))
    by_owner: dict[int, list[EmailTask]] = {}
    for task in EmailTask.objects.filter(done_at__isnull=True, due_at__lte=until).select_related("user"):
        by_owner.setdefault(task.user_id, []).append(task)
    sent = 0
    for tasks in by_owner.values():
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=[tasks[0].user],
                    message=Message(
                        kind="reminder.holiday",
                        subject=t(
                            N_("节前提醒：%(n)s 封重要邮件的待办将在假期（%(day)s 起）到期"),
                            n=len(tasks),
                            day=first_day,
                        ),
                        body="；".join(task.subject for task in tasks[:20]),
                        url=reverse("internal:email_tasks"),
                    ),
                    dedupe=f"internal.email_holiday:{first_day}:{tasks[0].user_id}",
                )
            )
    return sent
