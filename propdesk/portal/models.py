"""The resident portal's own records: each center's portal policy, residents' ratings of their requests and
the one-time sign-in codes sent by SMS."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PortalSettings(models.Model):
    """How a service center treats what residents do in the portal."""

    service_center = models.OneToOneField(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="portal_settings"
    )
    rating_replaces_return_visit = models.BooleanField(
        _("满意评价代替回访电话"),
        default=False,
        help_text=_("住户在线确认办结并评价满意（3 分及以上）时，不再电话回访，直接销单；不满意的照常重新派单"),
    )

    class Meta:
        verbose_name = _("住户服务设置")
        verbose_name_plural = _("住户服务设置")

    def __str__(self) -> str:
        return str(self.service_center)


class Rating(models.Model):
    """A resident's confirmation and rating of a finished request: one per round (a reopened request is
    rated again when it is finished again)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="portal_ratings"
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    household = models.ForeignKey("communities.Household", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    at = models.DateTimeField(_("评价时间"), default=timezone.now)
    stood_in_for_visit = models.BooleanField(_("代替回访"), default=False)

    class Meta:
        verbose_name = _("住户评价")
        verbose_name_plural = _("住户评价")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "round"], name="portal_rating_once_per_round")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.score}"

    @property
    def satisfied(self) -> bool:
        return self.score >= 3


class LoginCode(models.Model):
    """A one-time sign-in code asked for a phone number. Kept hashed; a row is written whether or not the
    number belongs to a resident, so that throttling and answers never tell which numbers are registered."""

    phone = models.CharField(_("手机号"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.created_at:%m-%d %H:%M}"
