"""Circulated documents (R-IC-4): the circular, its recipients and its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import CircularEventKind, Level


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
    meeting = models.ForeignKey(
        "internal.Meeting",
        verbose_name=_("传达会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circulars",
    )
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


class CircularAttachment(models.Model):
    """A file circulated with the information (a PDF or an image, type recognised by its bytes)."""

    circular = models.ForeignKey(
        Circular, verbose_name=_("信息传达"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="circulars/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("传达附件")
        verbose_name_plural = _("传达附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
