"""Important emails forwarded into the system by the information manager (R-IC-6, 000 §3.2.5): each becomes a
task for its owner, reminded 24 h before it is due and before a major holiday."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import EmailTaskEventKind


class EmailTask(models.Model):
    """A forwarded email (from, subject, body, received at) and the task it produced (owner ``user``, due)."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="email_tasks"
    )
    sender = models.CharField(_("发件人"), max_length=200)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    received_at = models.DateTimeField(_("收件时间"))
    message_id = models.CharField(_("邮件标识"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="email_tasks"
    )
    due_at = models.DateTimeField(_("到期时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("转入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("转入时间"), default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("24 小时提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("重要邮件任务")
        verbose_name_plural = _("重要邮件任务")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="internal_email_task_due_idx")]

    def __str__(self) -> str:
        return self.subject


class EmailTaskEvent(DomainEvent):
    subject_field = "task"
    task = models.ForeignKey(EmailTask, verbose_name=_("邮件任务"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EmailTaskEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("邮件任务记录")
        verbose_name_plural = _("邮件任务记录")
