"""API tokens for integrations and the idempotency keys of retried creates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user) -> "ApiTokenQuerySet":
        """The tokens a user owns, newest first (the token page lists only one's own tokens)."""
        return self.filter(user=user).select_related("revoked_by").order_by("-created_at", "-id")


class ApiToken(models.Model):
    """A bearer token an integration sends as ``Authorization: Bearer <secret>``.

    Only the SHA-256 of the secret is stored; the secret is shown once, when the token is created.
    The first 8 characters (``prefix``) are kept so that a token can be recognised in lists.
    A revoked token stays (history) but no longer authenticates.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("所属账号"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("用途，如：呼叫中心系统对接"))
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` a user sent with a create, the hash of the body it came with and the
    response that was returned, so that a retry gets the same answer instead of a second record.

    Only successful responses are kept: the row is written in the same transaction as the record it
    protects, so an error rolls both back and the client may retry the corrected request with the same key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("幂等键"), max_length=200)
    endpoint = models.CharField(_("接口"), max_length=100)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"), default=0)
    response_body = models.JSONField(_("响应内容"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key_uniq")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
