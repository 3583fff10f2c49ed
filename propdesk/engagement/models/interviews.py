"""Interview plans (访谈计划, R-EN-1, 001 §4.4.3) and the interview register (客户访谈记录表, 001 §4.4.5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import EngagementEventKind, FindingKind, InterviewEventKind, InterviewKind, Satisfaction

_SCOPE = {"community": "community"}


class InterviewPlan(models.Model):
    """One community's interview plan for one year: its target, who interviews, and the households per month."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="interview_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    small_project = models.BooleanField(_("住户较少的项目"), default=False, help_text=_("每月至少访谈 25 户"))
    household_count = models.PositiveIntegerField(_("计划时总户数"), default=0)
    target = models.PositiveIntegerField(_("全年访谈目标（户）"), default=0)
    monthly_minimum = models.PositiveSmallIntegerField(_("每月至少（户）"), default=0)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("访谈人员"), related_name="+")
    created_at = models.DateTimeField(_("制定时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = _SCOPE

    class Meta:
        verbose_name = _("访谈计划")
        verbose_name_plural = _("访谈计划")
        ordering = ["-year", "community"]
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="engagement_plan_year_uniq")]

    def __str__(self) -> str:
        return f"{self.community} {self.year}"


class PlannedInterview(models.Model):
    """One household to be interviewed by one person in one month of a plan; done when an interview of the
    household is recorded that month or later in the year."""

    plan = models.ForeignKey(InterviewPlan, verbose_name=_("访谈计划"), on_delete=models.CASCADE, related_name="slots")
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("访谈人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("优先原因"), max_length=20, blank=True)
    interview = models.ForeignKey(
        "Interview", verbose_name=_("访谈记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "plan__community"}

    class Meta:
        verbose_name = _("计划访谈住户")
        verbose_name_plural = _("计划访谈住户")
        ordering = ["month", "assignee", "household"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "household", "month"], name="engagement_slot_uniq"),
        ]
        indexes = [models.Index(fields=["plan", "month", "assignee"], name="engagement_slot_month_idx")]

    def __str__(self) -> str:
        return f"{self.plan} {self.month} {self.household}"

    @property
    def done(self) -> bool:
        return self.interview_id is not None


class Interview(models.Model):
    """One row of the interview register: who was interviewed how, by whom, and what they said."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="interviews"
    )
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="interviews"
    )
    kind = models.CharField(_("访谈方式"), max_length=12, choices=InterviewKind.choices)
    at = models.DateTimeField(_("访谈时间"), default=timezone.now)
    interviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("访谈人"), related_name="+")
    interviewee = models.CharField(_("受访人"), max_length=50, blank=True)
    in_depth = models.BooleanField(_("深入访谈"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("服务满意度"), choices=Satisfaction.choices)
    opinions = models.TextField(_("意见和建议"), blank=True)
    repair_feedback = models.TextField(_("维修效率和质量"), blank=True)
    potential_complaints = models.TextField(_("潜在投诉"), blank=True)
    needs = models.TextField(_("服务需求（特约服务、社区活动等）"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    important = models.BooleanField(_("重要信息，反馈服务中心"), default=False)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = _SCOPE

    class Meta:
        verbose_name = _("客户访谈记录")
        verbose_name_plural = _("客户访谈记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["community", "-at"], name="engagement_interview_at_idx"),
            models.Index(fields=["household", "-at"], name="engagement_interview_hh_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {timezone.localtime(self.at):%Y-%m-%d}"


class InterviewFinding(models.Model):
    """A matter raised in an interview that became a ticket (complaint, repair, suggestion), linked both ways."""

    interview = models.ForeignKey(Interview, verbose_name=_("访谈"), on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("类别"), max_length=12, choices=FindingKind.choices)
    text = models.TextField(_("内容"))
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="interview_findings"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("访谈发现")
        verbose_name_plural = _("访谈发现")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class InterviewEvent(DomainEvent):
    subject_field = "interview"
    interview = models.ForeignKey(Interview, verbose_name=_("访谈"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=InterviewEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("访谈记录历史")
        verbose_name_plural = _("访谈记录历史")


class PlanEvent(DomainEvent):
    subject_field = "plan"
    plan = models.ForeignKey(InterviewPlan, verbose_name=_("访谈计划"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("访谈计划历史")
        verbose_name_plural = _("访谈计划历史")
