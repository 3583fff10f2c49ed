"""Consultations of special customers (R-EN-4, quarterly) and meetings with owners (R-EN-5): the yearly owner
forum, the owners' committee meetings and community activities, with their opinions turned into tickets."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import EngagementEventKind, FindingKind, MeetingKind


class Consultation(models.Model):
    """One consultation of a special customer (kindergarten, school, shop, mall): what they said."""

    customer = models.ForeignKey(
        "communities.SpecialCustomer",
        verbose_name=_("特殊顾客"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("沟通日期"))
    contact = models.CharField(_("对方参加人"), max_length=100, blank=True)
    opinions = models.TextField(_("意见和建议"))
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("跟进工单"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("特殊顾客沟通记录")
        verbose_name_plural = _("特殊顾客沟通记录")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} {self.held_on}"


class Meeting(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="owner_meetings"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=MeetingKind.choices)
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=100)
    attendees = models.TextField(_("参加人员"))
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)
    minutes = models.TextField(_("会议纪要"), blank=True)
    # The notice publishing the summary of the opinions to customers (001 §4.7.2), through core.publishing.
    notice_id = models.PositiveIntegerField(_("意见汇总公告"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("座谈会/业委会会议/社区活动")
        verbose_name_plural = _("座谈会/业委会会议/社区活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class MeetingOpinion(models.Model):
    """An opinion raised at a meeting and the ticket that follows it up."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="opinions")
    kind = models.CharField(_("类别"), max_length=12, choices=FindingKind.choices)
    text = models.TextField(_("内容"))
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("跟进工单"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("会议意见")
        verbose_name_plural = _("会议意见")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:30]


class ConsultationEvent(DomainEvent):
    subject_field = "consultation"
    consultation = models.ForeignKey(
        Consultation, verbose_name=_("沟通记录"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("沟通记录历史")
        verbose_name_plural = _("沟通记录历史")


class MeetingEvent(DomainEvent):
    subject_field = "meeting"
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("会议历史")
        verbose_name_plural = _("会议历史")
