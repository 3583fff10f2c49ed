"""Satisfaction surveys (R-EN-2, 001 §4.5, §4.7.2): the questionnaire and its formula, approved by the company's
customer-service center before use; the sample; answers entered by staff (paper, phone) or by residents (one per
household, anonymous if they wish); the results analysed, reviewed by the center manager, approved by the branch
leader."""

import random
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Household
from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import can, require
from propdesk.org.models import ServiceCenter

from ..choices import SURVEY_TRANSITIONS, AnswerChannel, EngagementEventKind, QuestionKind, Sampling, SurveyStatus
from ..formula import rounded, sheet_scores
from ..models import Survey, SurveyAnswer, SurveyEvent, SurveyQuestion, SurveyResponse, SurveySample, SurveySection
from .common import households_of, lock

MAX_SECTIONS, MAX_QUESTIONS, MAX_OPTIONS = 10, 60, 10


def _weight(value, field: str) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("权重应为不小于 0 的数字"), "invalid") from None
    if not weight.is_finite() or weight < 0 or weight > 1000:
        raise field_error(field, _("权重应为 0 至 1000 的数字"), "invalid")
    return weight.quantize(Decimal("0.01"))


def _options(raw, field: str) -> list[dict]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise field_error(field, _("单选题应有 2 至 %(n)s 个选项") % {"n": MAX_OPTIONS}, "invalid")
    options = []
    for item in raw:
        if not isinstance(item, dict):
            raise field_error(field, _("选项应有名称和分数"), "invalid")
        label = clean_text(str(item.get("label", "")), field, limit=50)
        score = item.get("score")
        if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= 100:
            raise field_error(field, _("选项分数应为 0 至 100"), "invalid")
        options.append({"label": label, "score": score})
    return options


def _build(survey: Survey, sections) -> int:
    if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
        raise field_error("sections", _("问卷应有 1 至 %(n)s 个部分") % {"n": MAX_SECTIONS}, "invalid")
    number = 0
    for i, raw in enumerate(sections, 1):
        section = SurveySection.objects.create(
            survey=survey,
            title=clean_text(raw.get("title"), "sections", limit=100),
            weight=_weight(raw.get("weight", 1), "sections"),
            order=i,
        )
        questions = raw.get("questions") or []
        if not questions:
            raise field_error("sections", _("每个部分至少要有一道题"), "invalid")
        for q in questions:
            number += 1
            kind = q.get("kind", QuestionKind.SCALE)
            if kind not in QuestionKind.values:
                raise field_error("sections", _("题型应为评分、单选或文字"), "invalid")
            SurveyQuestion.objects.create(
                section=section,
                text=clean_text(q.get("text"), "sections", limit=200),
                kind=kind,
                options=_options(q.get("options"), "sections") if kind == QuestionKind.CHOICE else [],
                weight=_weight(q.get("weight", 1), "sections"),
                order=number,
            )
    if number > MAX_QUESTIONS:
        raise field_error("sections", _("问卷最多 %(n)s 道题") % {"n": MAX_QUESTIONS}, "invalid")
    return number


def _settings(service_center, communities, sampling, sample_rate, previous, survey=None) -> list:
    communities = list(communities)
    if not communities or any(c.service_center_id != service_center.pk for c in communities):
        raise field_error("communities", _("请选择本服务中心的小区"), "invalid")
    if sampling not in Sampling.values:
        raise field_error("sampling", _("请选择抽样方式"), "invalid_choice")
    if not isinstance(sample_rate, int) or isinstance(sample_rate, bool) or not 1 <= sample_rate <= 100:
        raise field_error("sample_rate", _("抽样比例应为 1 至 100"), "invalid")
    if previous is not None and previous.service_center_id != service_center.pk:
        raise field_error("previous", _("上次调查应为本服务中心的调查"), "invalid")
    if previous is not None and survey is not None and previous.pk == survey.pk:
        raise field_error("previous", _("上次调查不能是本次调查"), "invalid")
    return communities


@transaction.atomic
def survey_create(
    *,
    actor,
    service_center: ServiceCenter,
    title: str,
    communities,
    sections,
    sampling: str = Sampling.ALL,
    sample_rate: int = 100,
    allow_anonymous: bool = True,
    previous: Survey | None = None,
) -> Survey:
    """A new questionnaire (draft) of the center's ``communities`` with its sections, questions and weights."""
    require(actor, "survey.build", Survey(service_center=service_center), _("您无权创建满意度调查"))
    communities = _settings(service_center, communities, sampling, sample_rate, previous)
    survey = Survey.objects.create(
        service_center=service_center,
        title=clean_text(title, "title", limit=100),
        sampling=sampling,
        sample_rate=100 if sampling == Sampling.ALL else sample_rate,
        allow_anonymous=bool(allow_anonymous),
        previous=previous,
        created_by=actor,
    )
    survey.communities.set(communities)
    count = _build(survey, sections)
    SurveyEvent.record(survey, EngagementEventKind.CREATED, actor, sections=len(sections), questions=count)
    return survey


@transaction.atomic
def survey_update(
    *,
    actor,
    survey: Survey,
    title: str,
    communities,
    sections,
    sampling: str = Sampling.ALL,
    sample_rate: int = 100,
    allow_anonymous: bool = True,
    previous: Survey | None = None,
    expected_version: int | None = None,
) -> Survey:
    """Change a questionnaire while it is a draft (new, or returned by the company's CS center): its settings,
    and its sections and questions replaced by ``sections``. Once submitted or approved it is read-only."""
    require(actor, "survey.build", survey, _("您无权修改满意度调查"))
    survey = lock(Survey, survey, expected_version, _("调查已被他人修改，请刷新后重试"))
    if survey.status != SurveyStatus.DRAFT:
        raise field_error("status", _("问卷已提交或已审核，不能再修改"), "read_only")
    communities = _settings(survey.service_center, communities, sampling, sample_rate, previous, survey)
    survey.title = clean_text(title, "title", limit=100)
    survey.sampling = sampling
    survey.sample_rate = 100 if sampling == Sampling.ALL else sample_rate
    survey.allow_anonymous = bool(allow_anonymous)
    survey.previous = previous
    survey.version += 1
    survey.save()
    survey.communities.set(communities)
    SurveyQuestion.objects.filter(section__survey=survey).delete()
    survey.sections.all().delete()
    count = _build(survey, sections)
    SurveyEvent.record(survey, EngagementEventKind.CHANGED, actor, sections=len(sections), questions=count)
    return survey


def _draw_sample(survey: Survey, seed: int | None) -> int:
    """Every household, or ``sample_rate`` % of each building's (at least one), drawn at random."""
    rng = random.Random(seed if seed is not None else survey.pk)  # noqa: S311 -- a sample, not a secret
    chosen = []
    for community in survey.communities.all():
        households = list(households_of(community).order_by("pk"))
        if survey.sampling == Sampling.ALL:
            chosen.extend(households)
            continue
        by_building: dict[int, list] = {}
        for h in households:
            by_building.setdefault(h.unit.building_id, []).append(h)
        for group in by_building.values():
            size = max(1, round(len(group) * survey.sample_rate / 100))
            chosen.extend(rng.sample(group, size))
    SurveySample.objects.bulk_create([SurveySample(survey=survey, household=h) for h in chosen])
    return len(chosen)


_STEP_RULE = {
    SurveyStatus.SUBMITTED: "survey.build",
    SurveyStatus.DRAFT: "survey.approve_formula",
    SurveyStatus.APPROVED: "survey.approve_formula",
    SurveyStatus.OPEN: "survey.build",
    SurveyStatus.CLOSED: "survey.build",
    SurveyStatus.ANALYSED: "survey.build",
    SurveyStatus.REVIEWED: "survey.review",
    SurveyStatus.PUBLISHED: "survey.publish",
}


@transaction.atomic
def survey_transition(
    *,
    actor,
    survey: Survey,
    to_status: str,
    expected_version: int | None = None,
    reason: str = "",
    analysis: str = "",
    seed: int | None = None,
) -> Survey:
    """Move a survey one step: submit its formula, approve or return it (company CS center), open it (draws the
    sample), close it, analyse the results, review them (center manager) and approve them (branch leader); a
    reviewer may send the analysis back (to closed)."""
    survey = lock(Survey, survey, expected_version, _("调查已被他人修改，请刷新后重试"))
    if to_status not in SurveyStatus.values or to_status not in SURVEY_TRANSITIONS[survey.status]:
        raise field_error("to_status", _("调查当前状态不能进行此操作"), "invalid_transition")
    rule = _STEP_RULE[to_status]
    if to_status == SurveyStatus.CLOSED and survey.status in (SurveyStatus.ANALYSED, SurveyStatus.REVIEWED):
        rule = "survey.review" if survey.status == SurveyStatus.ANALYSED else "survey.publish"
    require(actor, rule, survey, _("您无权进行此操作"))
    reason = clean_text(reason, "reason", required=to_status in (SurveyStatus.DRAFT,), limit=500)
    from_status, now = survey.status, timezone.now()
    if to_status == SurveyStatus.APPROVED:
        survey.formula_approved_by, survey.formula_approved_at = actor, now
    elif to_status == SurveyStatus.OPEN:
        _draw_sample(survey, seed)
    elif to_status == SurveyStatus.ANALYSED:
        survey.analysis = clean_text(analysis, "analysis", limit=5000)
    elif to_status == SurveyStatus.REVIEWED:
        survey.reviewed_by = actor
    elif to_status == SurveyStatus.PUBLISHED:
        survey.published_by = actor
    survey.status = to_status
    survey.version += 1
    survey.save()
    SurveyEvent.record(
        survey, EngagementEventKind.STATUS, actor, reason=reason, from_status=from_status, to_status=to_status
    )
    return survey


def _values(survey: Survey, answers: dict) -> tuple[dict, dict]:
    questions = {q.pk: q for q in SurveyQuestion.objects.filter(section__survey=survey)}
    values, texts = {}, {}
    for key, raw in (answers or {}).items():
        qid = int(key) if str(key).isdigit() else None
        question = questions.get(qid)
        if question is None:
            raise field_error("answers", _("题目不属于该问卷"), "invalid")
        if question.kind == QuestionKind.TEXT:
            texts[qid] = clean_text(str(raw or ""), "answers", required=False, limit=1000)
            continue
        top = 5 if question.kind == QuestionKind.SCALE else len(question.options) - 1
        low = 1 if question.kind == QuestionKind.SCALE else 0
        if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= top:
            raise field_error("answers", _("第 %(n)s 题的答案无效") % {"n": question.order}, "invalid")
        values[qid] = raw
    if not values:
        raise field_error("answers", _("请至少回答一道评分或选择题"), "required")
    return values, texts


@transaction.atomic
def survey_answer(
    *, actor, survey: Survey, household: Household, answers: dict, channel: str, anonymous: bool = False
) -> SurveyResponse:
    """One household's answer sheet (at most one per household). Staff enter paper or phone answers; a resident
    answers for their own household in the portal."""
    probe = SimpleNamespace(service_center_id=survey.service_center_id, household_id=household.pk)
    if channel == AnswerChannel.PORTAL:
        require(actor, "survey.respond", probe, _("只能为本户作答"))
    elif channel in AnswerChannel.values:
        require(actor, "survey.enter", survey, _("您无权录入该调查的答卷"))
    else:
        raise field_error("channel", _("请选择作答方式"), "invalid_choice")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise field_error("survey", _("调查未在进行中"), "not_open")
    if not survey.samples.filter(household=household).exists():
        raise field_error("household", _("该住户不在本次调查的样本中"), "not_sampled")
    if anonymous and not survey.allow_anonymous:
        raise field_error("anonymous", _("本次调查不允许匿名"), "invalid")
    values, texts = _values(survey, answers)
    sections = list(survey.sections.prefetch_related("questions"))
    total, _sections = sheet_scores(sections, values)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                household=household,
                channel=channel,
                anonymous=bool(anonymous),
                score=rounded(total),
                entered_by=actor,
            )
    except IntegrityError:
        raise field_error("household", _("该住户已提交过答卷，每户只能答一次"), "duplicate") from None
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, question_id=q, value=v) for q, v in values.items()]
        + [SurveyAnswer(response=response, question_id=q, text=t) for q, t in texts.items() if t]
    )
    data = {"channel": channel} if anonymous else {"channel": channel, "household": household.pk}
    SurveyEvent.record(survey, EngagementEventKind.ANSWERED, actor, **data)
    return response


def may_answer_as_resident(user, survey: Survey, household: Household) -> bool:
    probe = SimpleNamespace(service_center_id=survey.service_center_id, household_id=household.pk)
    return can(user, "survey.respond", probe)
