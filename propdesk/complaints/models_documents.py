"""The complaint's written documents and the audit of register exports: the reply letter to a written
complaint, the written reports to the developer (class 2 facilities) and to the departments concerned (class 3),
each printable with the center's seal and its sending recorded (R-CP-1, R-CP-2); every .xlsx export of the
register (PIPL: who took which rows, when, with which filters)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    REPLY = "reply", _("书面答复函")
    DEVELOPER = "developer", _("致开发商书面报告")
    DEPARTMENT = "department", _("致有关部门书面报告")


class SendMethod(models.TextChoices):
    POST = "post", _("邮寄")
    HAND = "hand", _("当面递交")
    EMAIL = "email", _("电子邮件")
    FAX = "fax", _("传真")


class ComplaintLetter(models.Model):
    """One written document about a complaint: drafted from the template of its kind, printed with the seal,
    then sent (when, how, by whom). A sent letter is never changed; a correction is a new letter."""

    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书类别"), max_length=12, choices=LetterKind.choices)
    recipient = models.CharField(_("收件人"), max_length=100)
    body = models.TextField(_("正文"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("拟稿人"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("拟稿时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    sent_method = models.CharField(_("发出方式"), max_length=8, choices=SendMethod.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_note = models.CharField(_("发出说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("投诉文书")
        verbose_name_plural = _("投诉文书")
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_kind_display()}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class ComplaintExport(models.Model):
    """One export of the complaint register as .xlsx (phones masked): who, when, which filters, how many rows."""

    at = models.DateTimeField(_("导出时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉登记导出记录")
        verbose_name_plural = _("投诉登记导出记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.at:%Y-%m-%d %H:%M} ({self.rows})"
