"""Meetings of a service center (R-RP-6, 002 §七): the morning meeting (8:20–8:30), the weekly meeting and
others, with attendees, minutes and action items tracked to done.

A circular at "meeting" level (circulars.py) keeps its own relay record (when, minutes, who attended) because
attendance there stands for each recipient's acknowledgement; it may point to the meeting at which it was
relayed (``Circular.meeting``) so that the minutes are written once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import ActionStatus, MeetingEventKind, MeetingKind


class Meeting(models.Model):
    """One meeting held: kind, day, chair, attendees and minutes."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices)
    day = models.DateField(_("日期"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), related_name="+")
    minutes = models.TextField(_("会议记录"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class ActionItem(models.Model):
    """Something decided at a meeting: who does it (``user``), by when, and when it was done."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="actions")
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="action_items"
    )
    text = models.CharField(_("待办事项"), max_length=200)
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=200, blank=True)
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("会议待办")
        verbose_name_plural = _("会议待办")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="internal_action_open_idx")]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today


class MeetingEvent(DomainEvent):
    subject_field = "meeting"
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=MeetingEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("会议动态")
        verbose_name_plural = _("会议动态")
