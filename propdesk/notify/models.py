"""The notification outbox: rows written in the same transaction as the change that causes them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core import texts

SUBJECT_MAX = 200


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("邮件")
    WEBHOOK = "webhook", _("短信/即时通讯网关")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DEAD = "dead", _("发送失败")


class Notification(models.Model):
    """One message to one person on one channel. ``dedupe_key`` makes creating it idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=40)
    # What the system wrote, as ``core.texts`` (msgid + parameters): read with ``subject_text``/``body_text``
    # in the reader's language. The rendered subject is at most SUBJECT_MAX characters.
    subject = models.TextField(_("标题"))
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="notify_pending_idx"),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notify_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=Q(channel="inapp", read_at__isnull=True), name="notify_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject_text()}"

    def subject_text(self, language: str | None = None) -> str:
        """The subject in the active language (or ``language``), at most SUBJECT_MAX characters."""
        return texts.shorten(texts.render(self.subject, language), SUBJECT_MAX)

    def body_text(self, language: str | None = None) -> str:
        return texts.render(self.body, language)
