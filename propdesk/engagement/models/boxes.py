"""Suggestion boxes (意见箱, R-EN-3, 000 §3.3.1(3)B): opened every two days by their owner; each opening recorded,
each item found registered as a ticket with the box as its source."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import EngagementEventKind, FindingKind

OPENING_INTERVAL_DAYS = 2


class SuggestionBox(models.Model):
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="suggestion_boxes"
    )
    place = models.CharField(_("位置"), max_length=100, help_text=_("如 3栋大堂、会所、员工食堂"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("首次开启日期"))
    is_active = models.BooleanField(_("使用中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("意见箱")
        verbose_name_plural = _("意见箱")
        ordering = ["community", "place"]

    def __str__(self) -> str:
        return f"{self.community} · {self.place}"


class BoxOpening(models.Model):
    box = models.ForeignKey(SuggestionBox, verbose_name=_("意见箱"), on_delete=models.PROTECT, related_name="openings")
    opened_on = models.DateField(_("开启日期"))
    opened_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开启人"), on_delete=models.PROTECT, related_name="+"
    )
    found_nothing = models.BooleanField(_("无意见"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "box__community"}

    class Meta:
        verbose_name = _("意见箱开启记录")
        verbose_name_plural = _("意见箱开启记录")
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.box} {self.opened_on}"


class BoxItem(models.Model):
    opening = models.ForeignKey(BoxOpening, verbose_name=_("开启记录"), on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类别"), max_length=12, choices=FindingKind.choices)
    text = models.TextField(_("内容"))
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("意见箱意见")
        verbose_name_plural = _("意见箱意见")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:30]


class BoxEvent(DomainEvent):
    subject_field = "box"
    box = models.ForeignKey(SuggestionBox, verbose_name=_("意见箱"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("意见箱历史")
        verbose_name_plural = _("意见箱历史")
