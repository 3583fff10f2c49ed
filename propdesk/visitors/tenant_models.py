"""Tenant temporary-residence registration (暂住登记, 002 §六.20): which households of a community are let, and the
tenants living there with their lease period — the identity number kept like a visitor's (encrypted, digested,
masked). Imported by ``models.py`` so Django finds the models in the app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import DocumentType, TenantEventKind


class Letting(models.Model):
    """A household whose unit is let (出租户), as the service center knows it; ended when it is let no more."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="lettings"
    )
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="lettings"
    )
    since = models.DateField(_("出租起始日期"), null=True, blank=True)
    ended_at = models.DateTimeField(_("停止出租时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community", "household": "household"}

    class Meta:
        verbose_name = _("出租户")
        verbose_name_plural = _("出租户")
        ordering = ["community", "household", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(ended_at__isnull=True), name="visitors_one_open_letting"
            )
        ]

    def __str__(self) -> str:
        return str(self.household)


class TenantRegistration(models.Model):
    """A tenant of a let household registered for temporary residence, with the lease period."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="tenant_registrations"
    )
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="tenant_registrations"
    )
    letting = models.ForeignKey(
        Letting, verbose_name=_("出租户"), on_delete=models.PROTECT, related_name="registrations"
    )
    name = models.CharField(_("租户姓名"), max_length=50)
    document_type = models.CharField(_("证件类型"), max_length=16, choices=DocumentType.choices)
    id_encrypted = models.TextField(_("证件号码（加密）"), blank=True, editable=False)
    id_digest = models.CharField(_("证件号码摘要"), max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    phone = models.CharField(_("租户电话"), max_length=20, blank=True)
    lease_start = models.DateField(_("租期开始"))
    lease_end = models.DateField(_("租期结束"))
    police_reference = models.CharField(
        _("暂住登记编号"), max_length=40, blank=True, help_text=_("公安机关暂住（居住）登记的编号或回执号")
    )
    ended_at = models.DateTimeField(_("退租时间"), null=True, blank=True)
    id_erased_at = models.DateTimeField(_("证件号码删除时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community", "household": "household"}

    class Meta:
        verbose_name = _("租户暂住登记")
        verbose_name_plural = _("租户暂住登记")
        ordering = ["lease_end", "id"]
        indexes = [
            models.Index(
                fields=["lease_end"], condition=models.Q(ended_at__isnull=True), name="visitors_tenant_open_end_idx"
            ),
            models.Index(fields=["community", "household"], name="visitors_tenant_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.household}）"


class TenantEvent(DomainEvent):
    subject_field = "registration"
    registration = models.ForeignKey(
        TenantRegistration, verbose_name=_("租户登记"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("动作"), max_length=20, choices=TenantEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("租户登记记录")
        verbose_name_plural = _("租户登记记录")
