"""The visitor register (R-CV-2): visits with their identity document kept encrypted (R-CV-4), invitations
with a one-time code, each with its history, and each company's visitor settings."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import DocumentType, InvitationEventKind, InvitationStatus, PeakSlot, Purpose, VisitEventKind, WatchKind

DEFAULT_RETENTION_DAYS = 90
DEFAULT_OVERSTAY_HOURS = 4
DEFAULT_DAY_END = dt.time(22, 0)
MAX_PEOPLE = 50


class VisitorSettings(models.Model):
    """How long a company keeps visitors' identity numbers and when a visitor counts as staying too long."""

    company = models.OneToOneField(
        "org.Company", verbose_name=_("物业公司"), on_delete=models.CASCADE, related_name="visitor_settings"
    )
    retention_days = models.PositiveIntegerField(
        _("证件号码保存天数"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("超过天数的来访记录自动删除证件号码，来访记录本身保留"),
    )
    overstay_hours = models.PositiveSmallIntegerField(
        _("逗留提醒（小时）"), default=DEFAULT_OVERSTAY_HOURS, validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    day_end = models.TimeField(_("日终时间"), default=DEFAULT_DAY_END, help_text=_("此时仍未离开的访客列入逗留名单"))

    class Meta:
        verbose_name = _("访客设置")
        verbose_name_plural = _("访客设置")

    def __str__(self) -> str:
        return str(self.company)


class Invitation(models.Model):
    """A visitor pre-registered by a resident (or by staff on their behalf) for a time window; the visitor
    shows the one-time code at the gate."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="invitations"
    )
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("受访住户"), on_delete=models.PROTECT, related_name="invitations"
    )
    visitor_name = models.CharField(_("访客姓名"), max_length=50)
    phone = models.CharField(_("访客电话"), max_length=20, blank=True)
    purpose = models.CharField(_("来访事由"), max_length=16, choices=Purpose.choices, default=Purpose.VISIT)
    people = models.PositiveSmallIntegerField(_("人数"), default=1)
    plate = models.CharField(_("车牌"), max_length=10, blank=True)
    valid_from = models.DateTimeField(_("有效期自"))
    valid_until = models.DateTimeField(_("有效期至"))
    code = models.CharField(_("邀请码"), max_length=8)
    status = models.CharField(
        _("状态"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(_("到访时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community", "household": "household"}

    class Meta:
        verbose_name = _("访客预约")
        verbose_name_plural = _("访客预约")
        ordering = ["valid_from", "id"]
        indexes = [
            models.Index(fields=["community", "code"], name="visitors_invitation_code_idx"),
            models.Index(fields=["community", "status", "valid_from"], name="visitors_invitation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor_name} → {self.household}"


class Visit(models.Model):
    """One visit: who came, with which document, to whom, when they came in and left."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("受访住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visitor_name = models.CharField(_("访客姓名"), max_length=50)
    document_type = models.CharField(_("证件类型"), max_length=16, choices=DocumentType.choices, blank=True)
    # The number encrypted (crypto.py), its keyed digest for exact look-ups and its masked form for lists;
    # all three are emptied when the retention period ends (id_erased_at).
    id_encrypted = models.TextField(_("证件号码（加密）"), blank=True, editable=False)
    id_digest = models.CharField(_("证件号码摘要"), max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    id_erased_at = models.DateTimeField(_("证件号码删除时间"), null=True, blank=True, editable=False)
    phone = models.CharField(_("访客电话"), max_length=20, blank=True)
    purpose = models.CharField(_("来访事由"), max_length=16, choices=Purpose.choices)
    area = models.CharField(_("允许到达区域"), max_length=100, blank=True)
    plate = models.CharField(_("车牌"), max_length=10, blank=True)
    people = models.PositiveSmallIntegerField(_("人数"), default=1)
    host_confirmed = models.BooleanField(_("住户已确认"), default=False)
    watch_alert = models.BooleanField(_("布控预警"), default=False)
    invitation = models.OneToOneField(
        Invitation, verbose_name=_("预约"), null=True, blank=True, on_delete=models.PROTECT, related_name="visit"
    )
    checked_in_at = models.DateTimeField(_("进入时间"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("离开登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community", "household": "household"}

    class Meta:
        verbose_name = _("来访登记")
        verbose_name_plural = _("来访登记")
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-checked_in_at"], name="visitors_visit_day_idx"),
            # The gate's "inside now" list and the overstay list read only the visits still open.
            models.Index(
                fields=["community", "checked_in_at"],
                condition=models.Q(checked_out_at__isnull=True),
                name="visitors_visit_inside_idx",
            ),
            # The retention job reads only the visits that still hold a number.
            models.Index(
                fields=["checked_in_at"],
                condition=models.Q(id_erased_at__isnull=True) & ~models.Q(id_encrypted=""),
                name="visitors_visit_retained_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor_name} {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"

    @property
    def inside(self) -> bool:
        return self.checked_out_at is None


class VisitEvent(DomainEvent):
    subject_field = "visit"
    visit = models.ForeignKey(Visit, verbose_name=_("来访"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=VisitEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("来访记录")
        verbose_name_plural = _("来访记录")


class InvitationEvent(DomainEvent):
    subject_field = "invitation"
    invitation = models.ForeignKey(Invitation, verbose_name=_("预约"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=InvitationEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("预约记录")
        verbose_name_plural = _("预约记录")


class WatchEntry(models.Model):
    """A person (by identity document) or a vehicle (by plate) the security manager wants to be alerted of at
    the gates of a service center (R-CV-3), with the reason and an expiry. Never shown to residents."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="watch_entries"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=WatchKind.choices)
    name = models.CharField(_("姓名或说明"), max_length=50, blank=True)
    document_type = models.CharField(_("证件类型"), max_length=16, choices=DocumentType.choices, blank=True)
    id_digest = models.CharField(_("证件号码摘要"), max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    plate = models.CharField(_("车牌"), max_length=10, blank=True, db_index=True)
    reason = models.CharField(_("布控原因"), max_length=200)
    expires_at = models.DateTimeField(_("有效期至"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("布控名单")
        verbose_name_plural = _("布控名单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or self.plate or self.id_masked}"

    @property
    def active(self) -> bool:
        return self.removed_at is None and self.expires_at > timezone.now()


class VisitorExport(models.Model):
    """Audit row of every export of the visitor register (R-CV-4, PIPL): who took which rows, when, from where."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("导出条数"), default=0)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("访客登记导出记录")
        verbose_name_plural = _("访客登记导出记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.rows}"


# When each peak slot starts and ends (local time).
PEAK_HOURS = {
    PeakSlot.MORNING: (dt.time(7, 30), dt.time(8, 30)),
    PeakSlot.NOON: (dt.time(12, 0), dt.time(13, 0)),
    PeakSlot.EVENING: (dt.time(18, 0), dt.time(19, 0)),
}


class GateDuty(models.Model):
    """One person on the peak-hour gate roster of a community for one slot of one day, and their check-in at
    the post."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="gate_duties"
    )
    day = models.DateField(_("日期"))
    slot = models.CharField(_("时段"), max_length=10, choices=PeakSlot.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值岗人员"), on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("到岗时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("排班人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("排班时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("高峰期门岗值岗")
        verbose_name_plural = _("高峰期门岗值岗")
        ordering = ["day", "slot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "slot", "user"], name="visitors_gate_duty_uniq")
        ]
        indexes = [models.Index(fields=["community", "day"], name="visitors_gate_duty_day_idx")]

    def __str__(self) -> str:
        return f"{self.community} {self.day} {self.get_slot_display()}"


from .tenant_models import Letting, TenantEvent, TenantRegistration  # noqa: E402  (the tenant register)

__all__ = [
    "GateDuty",
    "Invitation",
    "InvitationEvent",
    "Letting",
    "TenantEvent",
    "TenantRegistration",
    "Visit",
    "VisitEvent",
    "VisitorExport",
    "VisitorSettings",
    "WatchEntry",
]
