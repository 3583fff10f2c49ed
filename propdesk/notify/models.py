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
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DEAD = "dead", _("发送失败")


class Receipt(models.TextChoices):
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("未送达")


class Notification(models.Model):
    """One message to one person on one channel. ``dedupe_key`` makes creating it idempotent."""

    # A person with a login; an SMS to a bare phone number (a one-time code, a visitor's pass) has none.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # The address used by SMS (and WeCom robots' mentions), taken when the row is written.
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    # The language the message is rendered in when it leaves the system (SMS, email, WeCom).
    language = models.CharField(_("语言"), max_length=10, blank=True)
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
    # What the provider answered: its message id, and later its delivery receipt (where it offers one).
    provider_ref = models.CharField(_("服务商消息编号"), max_length=100, blank=True, db_index=True)
    receipt = models.CharField(_("送达回执"), max_length=20, choices=Receipt.choices, blank=True)
    receipt_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    receipt_detail = models.CharField(_("回执说明"), max_length=200, blank=True)

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
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(phone=""), name="notify_recipient_or_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient or self.phone}: {self.subject_text()}"

    def subject_text(self, language: str | None = None) -> str:
        """The subject in the active language (or ``language``), at most SUBJECT_MAX characters."""
        return texts.shorten(texts.render(self.subject, language), SUBJECT_MAX)

    def body_text(self, language: str | None = None) -> str:
        return texts.render(self.body, language)


class Category(models.TextChoices):
    """What a message is about: the first part of its kind (``dispatch.assigned`` → dispatch). Preferences
    are chosen per category; kinds of an unknown category fall under "other"."""

    TICKET = "ticket", _("工单（派给我、转交、重开、客户回复）")
    DISPATCH = "dispatch", _("派工与维修")
    SLA = "sla", _("时限提醒、催办与升级")
    COMPLAINTS = "complaints", _("投诉")
    REQUEST = "request", _("我的报修与诉求进度")
    NOTICES = "notices", _("通知公告与天气预警")
    VISITORS = "visitors", _("来访与值班")
    ENGAGEMENT = "engagement", _("回访、调查与走访")
    INTERNAL = "internal", _("内部事务")
    OTHER = "other", _("其他")


# The channels a person may switch on or off; in-app messages are always written.
CHOOSABLE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECOM)


class Preference(models.Model):
    """How one person wants to be told: channels per category, quiet hours and the language of messages
    that leave the system. A person without a row gets the defaults (services.default_channels)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notify_preference"
    )
    # {category: [channel, …]}: a category left out keeps the default channels.
    channels = models.JSONField(_("渠道"), default=dict, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    language = models.CharField(_("消息语言"), max_length=10, choices=settings.LANGUAGES, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)
