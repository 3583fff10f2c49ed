"""The monthly work on complaints (R-CP-8, 001 §4.3.5–4.3.7, 002 §12): training cases written up from chosen
complaints (anonymised), the monthly public-interest notice (approved by the department head, published to all
customers by the 30th), corrective/preventive actions issued by the business-management department to a center,
and the quarterly developer-legacy statistics of young communities reviewed by the manager and submitted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.scoping import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class TrainingCase(models.Model):
    """One complaint written up as a training case (002 §12.1): what happened and how it was handled, with names,
    phone numbers and room numbers removed; the lessons the CS supervisor draws."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="training_cases"
    )
    title = models.CharField(_("案例标题"), max_length=100)
    story = models.TextField(_("案例经过（已脱敏）"))
    lessons = models.TextField(_("经验教训"), blank=True)
    written_by = models.ForeignKey(USER, verbose_name=_("编写人"), on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("编写时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("投诉案例")
        verbose_name_plural = _("投诉案例")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已公布")


class PublicNotice(models.Model):
    """The month's public-interest complaints and their handling, told to all customers (001 §4.3.6, 002 §12.2):
    drafted from chosen complaints, approved by the department head, published by the 30th."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月的第一天"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("所涉投诉"), related_name="public_notices"
    )
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    due_on = models.DateField(_("公布期限"))
    drafted_by = models.ForeignKey(USER, verbose_name=_("拟稿人"), on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("拟稿时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, verbose_name=_("公布人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_how = models.CharField(_("公布方式"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("月度投诉公告")
        verbose_name_plural = _("月度投诉公告")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service_center", "month"], name="complaints_one_notice_a_month")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def late(self) -> bool:
        """Published after the 30th, or not published and the 30th is past."""
        if self.published_at is not None:
            return timezone.localdate(self.published_at) > self.due_on
        return timezone.localdate() > self.due_on


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("纠正措施")
    PREVENTIVE = "preventive", _("预防措施")


class CorrectiveAction(models.Model):
    """A corrective or preventive action the business-management department issues from the monthly analysis to a
    center, with a due date; the center records progress and when it is done (001 §4.3.5)."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("责任服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("分析月份"))
    kind = models.CharField(_("类别"), max_length=12, choices=ActionKind.choices)
    title = models.CharField(_("措施"), max_length=100)
    detail = models.TextField(_("要求"), blank=True)
    due_on = models.DateField(_("完成期限"))
    issued_by = models.ForeignKey(USER, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    progress = models.JSONField(_("进展记录"), default=list, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, verbose_name=_("完成确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(_("完成情况"), blank=True)
    overdue_notified_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("纠正预防措施")
        verbose_name_plural = _("纠正预防措施")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="complaints_action_due_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.done_at is None and timezone.localdate() > self.due_on


class LegacyReport(models.Model):
    """The quarter's developer-legacy complaints of a community less than a year after handover (001 §4.3.7): the
    figures compiled, reviewed by the center manager, submitted to the business-management department."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    figures = models.JSONField(_("统计"), default=dict)
    compiled_by = models.ForeignKey(USER, verbose_name=_("统计人"), on_delete=models.PROTECT, related_name="+")
    compiled_at = models.DateTimeField(_("统计时间"), default=timezone.now)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("开发商遗留问题季度统计")
        verbose_name_plural = _("开发商遗留问题季度统计")
        ordering = ["-year", "-quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "quarter"], name="complaints_one_legacy_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}Q{self.quarter}"
