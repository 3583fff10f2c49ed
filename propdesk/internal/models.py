"""Whereabouts (R-IC-1) and leave (R-IC-2) of a service center's staff, each with its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import (
    CircularEventKind,
    DutyEventKind,
    LeaveEventKind,
    LeaveKind,
    LeaveStatus,
    Level,
    OutingEventKind,
    WorkLogEventKind,
)


class Outing(models.Model):
    """A staff member out of the community during working hours (外出登记): why, where, how to reach them and
    when they expect to be back; open until they say they are back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("外出人员"), on_delete=models.PROTECT, related_name="outings"
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="outings"
    )
    reason = models.CharField(_("外出原因"), max_length=100)
    place = models.CharField(_("地点"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20)
    left_at = models.DateTimeField(_("外出时间"), default=timezone.now)
    expected_back = models.DateTimeField(_("预计返回"))
    back_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("外出登记")
        verbose_name_plural = _("外出登记")
        ordering = ["-left_at", "-id"]
        indexes = [models.Index(fields=["service_center", "back_at"], name="internal_outing_open_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.place}"

    @property
    def is_open(self) -> bool:
        return self.back_at is None

    def is_overdue(self, now=None) -> bool:
        return self.back_at is None and self.expected_back < (now or timezone.now())


class OutingEvent(DomainEvent):
    subject_field = "outing"
    outing = models.ForeignKey(Outing, verbose_name=_("外出登记"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=OutingEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("外出记录")
        verbose_name_plural = _("外出记录")


class LeaveRequest(models.Model):
    """A leave request (请假/休假) from its request to the department manager's decision, the return (销假) and
    HR's confirmation; only approved leave takes effect."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("请假人"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    kind = models.CharField(_("假别"), max_length=16, choices=LeaveKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("请假天数"), default=0, help_text=_("不含排班表上的休息日"))
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("销假时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人事确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    not_returned_at = models.DateTimeField(_("未销假提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("请假单")
        verbose_name_plural = _("请假单")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"], name="internal_leave_active_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_on}–{self.ends_on}"


class LeaveEvent(DomainEvent):
    subject_field = "leave"
    leave = models.ForeignKey(LeaveRequest, verbose_name=_("请假单"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=LeaveEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("请假记录")
        verbose_name_plural = _("请假记录")


class Circular(models.Model):
    """Information from a company department relayed by the information manager (信息传达, R-IC-4) to the
    right people of the center by its transmission level, and tracked until read and, where required,
    carried out."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="circulars"
    )
    title = models.CharField(_("标题"), max_length=100)
    source = models.CharField(_("发文部门"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    level = models.CharField(_("传送级别"), max_length=16, choices=Level.choices)
    requires_execution = models.BooleanField(_("需要落实"), default=False)
    due_on = models.DateField(_("落实期限"), null=True, blank=True)
    target_roles = models.JSONField(_("传达岗位"), default=list, blank=True)
    target_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("传达部门"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    meeting_at = models.DateTimeField(_("会议时间"), null=True, blank=True)
    meeting_minutes = models.TextField(_("会议记录"), blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("信息传达")
        verbose_name_plural = _("信息传达")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CircularRecipient(models.Model):
    """One person a circular must reach: when they read it (or attended its meeting) and carried it out."""

    circular = models.ForeignKey(
        Circular, verbose_name=_("信息传达"), on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="circulars"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    via_meeting = models.BooleanField(_("会议传达"), default=False)
    done_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    done_note = models.CharField(_("落实情况"), max_length=200, blank=True)
    chased_at = models.DateTimeField(_("最近催办"), null=True, blank=True)
    chases = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    class Meta:
        verbose_name = _("传达对象")
        verbose_name_plural = _("传达对象")
        ordering = ["circular", "id"]
        constraints = [models.UniqueConstraint(fields=["circular", "user"], name="internal_circular_recipient_uniq")]

    def __str__(self) -> str:
        return f"{self.circular} → {self.user}"


class CircularEvent(DomainEvent):
    subject_field = "circular"
    circular = models.ForeignKey(Circular, verbose_name=_("信息传达"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=CircularEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("传达记录")
        verbose_name_plural = _("传达记录")


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

        from .duties import BY_CODE

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
