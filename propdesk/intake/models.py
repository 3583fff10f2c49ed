"""Interactions (来电来访记录): every call, visit, letter, email, portal message, suggestion-box note,
superior instruction, interview or survey finding — recorded even when no ticket results (R-IN-1, R-CV-1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.communities.models import Community
from propdesk.core.scoping import ScopedQuerySet, get_scope
from propdesk.tickets.choices import Channel, Kind, Source
from propdesk.tickets.models import FIELD_ROLES

from .choices import Outcome


class InteractionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> "InteractionQuerySet":
        scope = get_scope(user)
        if scope.unrestricted:
            return self.all()
        desk_communities = sorted(c for c in scope.community if scope.roles_in_community(c) - FIELD_ROLES)
        condition = Q(pk__in=[])
        if desk_communities:
            condition |= Q(community__in=desk_communities)
            # Interactions not tied to a community belong to the center that recorded them.
            centers = Community.objects.filter(pk__in=desk_communities).values("service_center")
            condition |= Q(community__isnull=True, service_center__in=centers)
        return self.filter(condition)


class Interaction(models.Model):
    """One contact with a customer or an instruction from above, as the front desk recorded it."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="interactions"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    unit = models.ForeignKey(
        "communities.Unit", verbose_name=_("房号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    resident = models.ForeignKey(
        "communities.Resident",
        verbose_name=_("来电/来访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    caller_name = models.CharField(_("姓名"), max_length=50, blank=True)
    caller_phone = models.CharField(_("电话"), max_length=20, blank=True, db_index=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.CUSTOMER)
    source_detail = models.CharField(_("来源说明"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    content = models.TextField(_("内容"))
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices)
    outcome_note = models.TextField(_("答复/处理说明"), blank=True)
    received_at = models.DateTimeField(_("接报时间"), db_index=True)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接待人"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("来电来访记录")
        verbose_name_plural = _("来电来访记录")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-received_at"], name="intake_comm_recv_idx"),
            models.Index(fields=["household", "-received_at"], name="intake_household_idx"),
            models.Index(fields=["service_center", "-received_at"], name="intake_center_recv_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.content[:20]}"


class CallState(models.TextChoices):
    RINGING = "ringing", _("振铃中")
    ANSWERED = "answered", _("通话中")
    ENDED = "ended", _("已结束")


class Call(models.Model):
    """One telephone call as the phone system reported it (ring, answer, hang-up on an extension), and the
    interaction the desk recorded for it: the call's start, end and recording stay with the record (R-CV-1)."""

    call_id = models.CharField(_("呼叫编号"), max_length=100, unique=True)
    caller_phone = models.CharField(_("来电号码"), max_length=30, blank=True, db_index=True)
    extension = models.CharField(_("分机号"), max_length=20, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接听人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter",
        verbose_name=_("服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=CallState.choices, default=CallState.RINGING)
    rang_at = models.DateTimeField(_("振铃时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂断时间"), null=True, blank=True)
    recording_ref = models.CharField(_("录音"), max_length=300, blank=True)
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("来电来访记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("电话呼叫")
        verbose_name_plural = _("电话呼叫")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["extension", "-created_at"], name="intake_call_ext_idx")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.extension} {self.get_state_display()}"

    @property
    def started_at(self):
        return self.rang_at or self.answered_at or self.created_at
