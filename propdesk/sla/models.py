"""Policies (what must happen by when), calendars, the deadline rows and the escalation steps taken."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core import texts
from propdesk.core.scoping import ScopedQuerySet

from .choices import CalendarKind, TargetState, Trigger


class BusinessCalendar(models.Model):
    """When a policy's clock runs: 24×7, or daily opening hours with or without statutory holidays."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=CalendarKind.choices, default=CalendarKind.ALWAYS)
    opens = models.TimeField(_("开始时间"), default=dt.time(9, 0))
    closes = models.TimeField(_("结束时间"), default=dt.time(20, 0))

    class Meta:
        verbose_name = _("营业日历")
        verbose_name_plural = _("营业日历")
        ordering = ["name"]

    def __str__(self) -> str:
        return texts.render(self.name)


class CalendarDay(models.Model):
    """A local override of the statutory calendar: a holiday or a make-up workday (e.g. a year the
    calendar package does not know yet, or a local arrangement)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选为调休上班日；不勾选为放假"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class SlaPolicy(models.Model):
    """One target: for matching tickets, the clock starts at ``start_event`` and must reach ``stop_event``
    within ``duration_minutes`` (or by the close of the business day). A policy without a service center
    is the company-wide default; a center's policy with the same code replaces it for that center."""

    code = models.SlugField(_("代码"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    service_center = models.ForeignKey(
        "org.ServiceCenter",
        verbose_name=_("服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text=_("留空为全公司默认"),
    )
    kinds = models.JSONField(_("适用工单类别"), default=list, blank=True, help_text=_("留空为全部类别"))
    sources = models.JSONField(_("适用来源"), default=list, blank=True)
    priorities = models.JSONField(_("适用紧急程度"), default=list, blank=True)
    start_event = models.CharField(_("开始事件"), max_length=40, choices=Trigger.choices)
    stop_events = models.JSONField(_("结束事件"), default=list)
    duration_minutes = models.PositiveIntegerField(_("时限（分钟）"), null=True, blank=True)
    same_business_day = models.BooleanField(_("当日办结"), default=False)
    clock_from_receipt = models.BooleanField(
        _("从接报时间起算"),
        default=False,
        help_text=_("开始事件发生时，以工单的接报时间作为起点（如“接报后 2 小时内上报上级”）"),
    )
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("营业日历"), on_delete=models.PROTECT)
    pause_statuses = models.JSONField(_("暂停计时的状态"), default=list, blank=True)
    warn_ratio = models.FloatField(_("预警比例"), default=0.8)
    ladder = models.JSONField(
        _("升级阶梯"),
        default=list,
        blank=True,
        help_text=_(
            '如 [{"when": "warn", "notify": ["owner"]}, {"when": "due", "after_minutes": 0, "notify": ["supervisor"]}]'
        ),
    )
    requirement = models.CharField(_("依据"), max_length=50, blank=True, help_text=_("如 R-WO-1"))
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center", "member_company": "service_center__branch__company"}

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["code", "service_center"]
        constraints = [
            models.UniqueConstraint(fields=["code", "service_center"], name="sla_policy_code_center_uniq"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(service_center__isnull=True), name="sla_policy_default_code_uniq"
            ),
        ]

    def __str__(self) -> str:
        # A seeded name is its msgid (choices.SEEDED_NAMES): read in the reader's language.
        return texts.render(self.name)

    @property
    def duration(self) -> dt.timedelta | None:
        return dt.timedelta(minutes=self.duration_minutes) if self.duration_minutes is not None else None


class SlaTarget(models.Model):
    """One deadline row per (ticket, policy) clock. The sweeper reads only ``next_check_at``."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="sla_targets"
    )
    policy = models.ForeignKey(SlaPolicy, verbose_name=_("时限规则"), on_delete=models.PROTECT, related_name="targets")
    work_order = models.ForeignKey(
        "dispatch.WorkOrder",
        verbose_name=_("工作单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_targets",
    )
    fixed_due_at = models.DateTimeField(
        _("指定到期时间"), null=True, blank=True, help_text=_("如交班前签认：以当班结束时间为准")
    )
    service_center = models.ForeignKey("org.ServiceCenter", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("工单类别"), max_length=20)
    state = models.CharField(_("状态"), max_length=12, choices=TargetState.choices, default=TargetState.RUNNING)
    started_at = models.DateTimeField(_("开始时间"))
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    pauses = models.JSONField(_("暂停记录"), default=list, blank=True)
    stopped_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    breach_recorded_at = models.DateTimeField(_("超时记录时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("已升级级别"), default=0)
    next_check_at = models.DateTimeField(_("下次检查"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "ticket__community"}

    class Meta:
        verbose_name = _("时限记录")
        verbose_name_plural = _("时限记录")
        ordering = ["due_at"]
        constraints = [
            # One running clock per ticket (or work order) and policy at a time.
            models.UniqueConstraint(
                fields=["ticket", "policy"],
                condition=Q(state__in=["running", "paused"], work_order__isnull=True),
                name="sla_target_one_open_per_policy",
            ),
            models.UniqueConstraint(
                fields=["work_order", "policy"],
                condition=Q(state__in=["running", "paused"], work_order__isnull=False),
                name="sla_target_one_open_per_wo_policy",
            ),
        ]
        indexes = [
            # The sweeper's only read path: partial index of rows with something pending.
            models.Index(
                fields=["next_check_at"], condition=Q(next_check_at__isnull=False), name="sla_target_next_check_idx"
            ),
            models.Index(fields=["ticket", "state"], name="sla_target_ticket_idx"),
            models.Index(fields=["service_center", "state", "started_at"], name="sla_target_center_idx"),
            models.Index(fields=["due_at"], name="sla_target_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.policy_id} {self.state}"


class EscalationStep(models.Model):
    """A ladder step taken for a target (warning, breach, each escalation). Unique per level: taken once."""

    target = models.ForeignKey(SlaTarget, verbose_name=_("时限记录"), on_delete=models.PROTECT, related_name="steps")
    level = models.PositiveSmallIntegerField(_("级别"))
    when = models.CharField(_("触发"), max_length=10)
    due_at = models.DateTimeField(_("应触发时间"))
    taken_at = models.DateTimeField(_("触发时间"), default=timezone.now)
    recipients = models.JSONField(_("通知对象"), default=list)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledgement = models.CharField(_("确认说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("升级记录")
        verbose_name_plural = _("升级记录")
        ordering = ["target", "level"]
        constraints = [models.UniqueConstraint(fields=["target", "level"], name="sla_step_once_per_level")]

    def __str__(self) -> str:
        return f"{self.target_id} L{self.level}"


class ConfigGeneration(models.Model):
    """The token every process keeps the SLA configuration under (one row, id 1): policies with their calendars
    and the working-day rules. Replaced by a new random value in the transaction that saves or deletes a policy,
    a business calendar or a calendar day (``sla.config``), so every process rereads them on its next use."""

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("时限配置版本")
        verbose_name_plural = _("时限配置版本")

    def __str__(self) -> str:
        return str(self.token)
