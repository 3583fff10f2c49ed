"""The reports a center hands in on deadlines (R-RP-2/3/4, 001 §4.3), the due date of each step of their chains,
their history, the business-management department's yearly sampling and the company's deadline setting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent

from .choices import EventKind, FilingKind, FilingStatus, HolidayRule, Step

USER = settings.AUTH_USER_MODEL


class Filing(models.Model):
    """One report for one period: the half-month statistics of a center, the quarterly management-service report or
    the monthly work brief of a project (community), or a remuneration-model project's yearly budget. Its figures
    are filled from the data (``figures``), its text sections written by staff (``sections``), its finance rows
    entered or imported (``finance``); ``status`` moves only along its kind's chain."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="filings"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
    )
    kind = models.CharField(_("报告类别"), max_length=12, choices=FilingKind.choices)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    status = models.CharField(_("状态"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    needs_quality = models.BooleanField(
        _("需品质管理中心审批"), default=False, help_text=_("新项目首两次报告需报品质管理中心审批")
    )
    figures = models.JSONField(_("统计数字"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("数字取数时间"), null=True, blank=True)
    sections = models.JSONField(_("文字部分"), default=dict, blank=True)
    finance = models.JSONField(_("财务收支"), default=list, blank=True)
    document = models.FileField(_("文件"), upload_to="filings/%Y/", blank=True)
    notice = models.ForeignKey(
        "notices.Notice", verbose_name=_("公告"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receipt_by = models.CharField(_("签收人"), max_length=50, blank=True)
    receipt_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    receipt_note = models.CharField(_("签收说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("建立人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("建立时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("报送报告")
        verbose_name_plural = _("报送报告")
        ordering = ["-period_start", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "period_start"],
                condition=Q(community__isnull=False),
                name="filings_one_per_project_period",
            ),
            models.UniqueConstraint(
                fields=["service_center", "kind", "period_start"],
                condition=Q(community__isnull=True),
                name="filings_one_per_center_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start or ''}"

    @property
    def place(self):
        return self.community or self.service_center


class FilingDeadline(models.Model):
    """When one step of a filing's chain is due, when it was done, and when its lateness was flagged (once)."""

    filing = models.ForeignKey(Filing, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("步骤"), max_length=20, choices=Step.choices)
    position = models.PositiveSmallIntegerField(_("顺序"))
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(USER, verbose_name=_("完成人"), null=True, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报告期限")
        verbose_name_plural = _("报告期限")
        ordering = ["filing", "position"]
        constraints = [models.UniqueConstraint(fields=["filing", "step"], name="filings_one_deadline_per_step")]
        indexes = [models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="filings_open_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.due_on}"

    def is_late(self, today) -> bool:
        return self.done_at is None and self.due_on < today


class FilingEvent(DomainEvent):
    """A filing's history: created, edited, each step, returned, flagged late, sampled."""

    subject_field = "filing"
    filing = models.ForeignKey(Filing, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("报告记录")
        verbose_name_plural = _("报告记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class SamplingResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class SamplingCheck(models.Model):
    """The business-management department's sampling of one report (at least one per project a year)."""

    filing = models.ForeignKey(Filing, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="samplings")
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("结论"), max_length=8, choices=SamplingResult.choices)
    note = models.CharField(_("意见"), max_length=300, blank=True)
    checked_by = models.ForeignKey(USER, verbose_name=_("抽查人"), on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("抽查时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报告抽查")
        verbose_name_plural = _("报告抽查")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_result_display()}"


class FilingSettings(models.Model):
    """The company's choices for filing deadlines."""

    company = models.OneToOneField(
        "org.Company", verbose_name=_("公司"), on_delete=models.CASCADE, related_name="filing_settings"
    )
    holiday_rule = models.CharField(
        _("期限遇节假日"), max_length=10, choices=HolidayRule.choices, default=HolidayRule.PREVIOUS
    )
    half_month_days = models.PositiveSmallIntegerField(_("半月信息统计表报送天数"), default=3)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("报告期限设置")
        verbose_name_plural = _("报告期限设置")

    def __str__(self) -> str:
        return self.get_holiday_rule_display()
