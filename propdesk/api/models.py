"""API tokens for integrations and the idempotency keys of retried creates."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def password_fingerprint(password_hash: str) -> str:
    """What a token remembers of its owner's password: the SHA-256 of the stored password hash.

    The password hash changes whenever the password is set (a new salt every time), so a token whose
    fingerprint no longer matches was made before the password changed and is no longer valid. The
    fingerprint reveals nothing usable: it is a one-way digest of a value that is itself a salted hash.
    """
    return hashlib.sha256(f"propdesk.api.token:{password_hash}".encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user) -> "ApiTokenQuerySet":
        """The tokens a user owns, newest first (the token page lists only one's own tokens)."""
        return self.filter(user=user).select_related("user", "revoked_by").order_by("-created_at", "-id")

    def live_for(self, user) -> "ApiTokenQuerySet":
        """The user's tokens that still authenticate: not revoked, made with the current password."""
        return self.filter(user=user, revoked_at__isnull=True, password_fingerprint=password_fingerprint(user.password))


class ApiToken(models.Model):
    """A bearer token an integration sends as ``Authorization: Bearer <secret>``.

    Only the SHA-256 of the secret is stored; the secret is shown once, when the token is created.
    The first 8 characters (``prefix``) are kept so that a token can be recognised in lists.
    A revoked token stays (history) but no longer authenticates. A token also stops authenticating
    when its owner's password changes (``password_fingerprint``) or the login is deactivated; the worker
    then marks it revoked with the reason (``services.api_tokens_revoke_stale``).
    """

    class RevokedReason(models.TextChoices):
        BY_USER = "by_user", _("手动吊销")
        PASSWORD_CHANGED = "password_changed", _("密码已修改")
        USER_DEACTIVATED = "user_deactivated", _("账号已停用")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("所属账号"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("用途，如：呼叫中心系统对接"))
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=20, choices=RevokedReason.choices, blank=True)
    password_fingerprint = models.CharField(_("密码指纹"), max_length=64, blank=True, editable=False)
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

    def made_with_current_password(self) -> bool:
        return hmac.compare_digest(self.password_fingerprint, password_fingerprint(self.user.password))

    def stale_reason(self) -> str:
        """Why a token that is not revoked yet no longer authenticates ("" when it does)."""
        if not self.user.is_active:
            return self.RevokedReason.USER_DEACTIVATED
        if not self.made_with_current_password():
            return self.RevokedReason.PASSWORD_CHANGED
        return ""

    @property
    def is_usable(self) -> bool:
        return self.is_active and not self.stale_reason()

    @property
    def stale_label(self) -> str:
        reason = self.stale_reason()
        return self.RevokedReason(reason).label if reason else ""


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


class ScopeGeneration(models.Model):
    """The token ``core.scoping`` keeps users' scopes under between requests (one row, id 1): replaced by a new
    random value whenever a membership, resident link or the organisation tree changes, so every process
    recomputes scopes on its next request."""

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("权限范围版本")
        verbose_name_plural = _("权限范围版本")

    def __str__(self) -> str:
        return str(self.token)
