"""Whereabouts (R-IC-1) and leave (R-IC-2) of a service center's staff, each with its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import LeaveEventKind, LeaveKind, LeaveStatus, OutingEventKind


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
