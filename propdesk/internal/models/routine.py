"""The manager's routine (R-RP-6): the duty calendar's tasks and the daily work log with its patrol findings."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import DutyEventKind, WorkLogEventKind


class DutyTask(models.Model):
    """One recurring duty of a manager's calendar (002 §五) for one month or week, with its due day (moved off
    weekends and holidays) and when it was done."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="duty_tasks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="duty_tasks"
    )
    code = models.CharField(_("事项"), max_length=32)
    period = models.DateField(_("周期"), help_text=_("月初或周一"))
    due_on = models.DateField(_("到期日"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("完成说明"), max_length=200, blank=True)
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("例行工作")
        verbose_name_plural = _("例行工作")
        ordering = ["due_on", "code", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "code", "period"], name="internal_duty_task_uniq")]

    def __str__(self) -> str:
        return f"{self.user} {self.code} {self.period}"

    @property
    def title(self) -> str:
        from django.utils.translation import gettext

        from ..duties import BY_CODE

        duty = BY_CODE.get(self.code)
        return gettext(duty.title) if duty else self.code

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.due_on < today


class DutyEvent(DomainEvent):
    subject_field = "task"
    task = models.ForeignKey(DutyTask, verbose_name=_("例行工作"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=DutyEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("例行工作记录")
        verbose_name_plural = _("例行工作记录")


class WorkLog(models.Model):
    """A manager's daily work log (个人工作日志, 002 §七.4): the day's summary and the patrol findings."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="work_logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT, related_name="work_logs"
    )
    day = models.DateField(_("日期"))
    summary = models.TextField(_("工作内容"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("个人工作日志")
        verbose_name_plural = _("个人工作日志")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="internal_work_log_uniq")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class PatrolFinding(models.Model):
    """Something seen on the daily patrol (巡视): fixed on the spot, or turned into a ticket in one action."""

    log = models.ForeignKey(WorkLog, verbose_name=_("工作日志"), on_delete=models.CASCADE, related_name="findings")
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("位置"), max_length=100)
    description = models.CharField(_("问题"), max_length=500)
    fixed_on_spot = models.BooleanField(_("当场处理"), default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发现时间"), default=timezone.now)

    class Meta:
        verbose_name = _("巡视发现")
        verbose_name_plural = _("巡视发现")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.location} {self.description[:20]}"


class WorkLogEvent(DomainEvent):
    subject_field = "log"
    log = models.ForeignKey(WorkLog, verbose_name=_("工作日志"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=WorkLogEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("日志记录")
        verbose_name_plural = _("日志记录")
