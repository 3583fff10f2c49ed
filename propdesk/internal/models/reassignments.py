"""Ad-hoc reassignments (临时调动, R-IC-3): someone put on another post or shift outside the work schedule,
reported to the manager of their department, who acknowledges it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import ReassignmentEventKind


class Reassignment(models.Model):
    """One reported reassignment: who, from which post/shift to which, for which time, why; acknowledged by
    the department manager."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="reassignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调动人员"), on_delete=models.PROTECT, related_name="reassignments"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="reassignments"
    )
    from_post = models.CharField(_("原岗位/班次"), max_length=100)
    to_post = models.CharField(_("调往岗位/班次"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=200)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("知悉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("临时调动")
        verbose_name_plural = _("临时调动")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "starts_at", "ends_at"], name="internal_reassign_window_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.from_post} → {self.to_post}"


class ReassignmentEvent(DomainEvent):
    subject_field = "reassignment"
    reassignment = models.ForeignKey(
        Reassignment, verbose_name=_("临时调动"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("动作"), max_length=20, choices=ReassignmentEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("调动记录")
        verbose_name_plural = _("调动记录")
