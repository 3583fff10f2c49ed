"""Optional sign-in and sign-out times (R-RP-6: 8:20 sign-in), off unless the center turns them on."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.scoping import ScopedQuerySet


class InternalSettings(models.Model):
    """A center's choices for internal communication: whether sign-in/sign-out times are kept, and by when."""

    service_center = models.OneToOneField(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="internal_settings"
    )
    sign_in_enabled = models.BooleanField(_("记录签到签退时间"), default=False)
    sign_in_by = models.TimeField(_("签到截止时间"), default=dt.time(8, 20))

    class Meta:
        verbose_name = _("内部沟通设置")
        verbose_name_plural = _("内部沟通设置")

    def __str__(self) -> str:
        return str(self.service_center)


class SignIn(models.Model):
    """One person's sign-in (and later sign-out) on one day; ``late`` when signed in after the center's time."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="sign_ins"
    )
    day = models.DateField(_("日期"))
    signed_in_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    late = models.BooleanField(_("迟到"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["-day", "signed_in_at"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="internal_sign_in_uniq")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
