"""Community cultural activities (社区文化活动, R-EN-5, 001 §4.6.3): planned by the center "as the project needs",
announced to the residents by a notice, then recorded as held with the attendance and the residents' feedback."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import ActivityStatus, EngagementEventKind


class CommunityActivity(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100)
    organiser = models.CharField(_("组织者"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    notice_id = models.PositiveIntegerField(_("活动公告"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    feedback = models.TextField(_("住户反馈"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("社区文化活动")
        verbose_name_plural = _("社区文化活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class ActivityEvent(DomainEvent):
    subject_field = "activity"
    activity = models.ForeignKey(
        CommunityActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("活动历史")
        verbose_name_plural = _("活动历史")
