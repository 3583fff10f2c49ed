"""Satisfaction surveys (满意度调查, R-EN-2, 001 §4.5): a questionnaire in sections, its scoring formula approved
by the company's customer-service center, the sample, the answers (one per household) and the results."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from ..choices import AnswerChannel, EngagementEventKind, QuestionKind, Sampling, SurveyStatus

WEIGHT = {"max_digits": 6, "decimal_places": 2, "default": Decimal("1"), "validators": [MinValueValidator(0)]}


class Survey(models.Model):
    """A satisfaction survey of a service center's communities: its questionnaire, formula, sample and approvals."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="surveys"
    )
    communities = models.ManyToManyField("communities.Community", verbose_name=_("调查小区"), related_name="surveys")
    title = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    sampling = models.CharField(_("抽样方式"), max_length=12, choices=Sampling.choices, default=Sampling.ALL)
    sample_rate = models.PositiveSmallIntegerField(_("抽样比例（%）"), default=100)
    allow_anonymous = models.BooleanField(_("允许匿名作答"), default=True)
    previous = models.ForeignKey(
        "self", verbose_name=_("上次调查"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    formula_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公式审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    formula_approved_at = models.DateTimeField(_("公式审核时间"), null=True, blank=True)
    analysis = models.TextField(_("结果分析"), blank=True)
    # The notice (in the notices app, reached through core.publishing) that publishes the results to customers.
    notice_id = models.PositiveIntegerField(_("结果公告"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经理审核"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分公司审批"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveySection(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("部分"), max_length=100)
    weight = models.DecimalField(_("权重"), **WEIGHT)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("问卷部分")
        verbose_name_plural = _("问卷部分")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    """A question: a 1–5 scale, one choice among options (each with its score out of 100), or free text (not
    scored)."""

    section = models.ForeignKey(
        SurveySection, verbose_name=_("部分"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("题目"), max_length=200)
    kind = models.CharField(_("题型"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    # For a choice: [{"label": "满意", "score": 100}, …]
    options = models.JSONField(_("选项"), default=list, blank=True)
    weight = models.DecimalField(_("权重"), **WEIGHT)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class SurveySample(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="samples")
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("抽样住户")
        verbose_name_plural = _("抽样住户")
        constraints = [models.UniqueConstraint(fields=["survey", "household"], name="engagement_sample_uniq")]

    def __str__(self) -> str:
        return f"{self.survey} {self.household}"


class SurveyResponse(models.Model):
    """One household's answer sheet: at most one per household and survey (the constraint holds it even when two
    are sent at once). An anonymous sheet is still counted once per household but never shown with it."""

    survey = models.ForeignKey(Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="responses")
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("方式"), max_length=8, choices=AnswerChannel.choices)
    anonymous = models.BooleanField(_("匿名"), default=False)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "survey__service_center", "household": "household"}

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["entered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "household"], name="engagement_response_uniq")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.PositiveSmallIntegerField(_("评分或选项"), null=True, blank=True)
    text = models.TextField(_("文字"), blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="engagement_answer_uniq")]

    def __str__(self) -> str:
        return f"{self.response} {self.question}"


class SurveyEvent(DomainEvent):
    subject_field = "survey"
    survey = models.ForeignKey(Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EngagementEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("调查历史")
        verbose_name_plural = _("调查历史")
