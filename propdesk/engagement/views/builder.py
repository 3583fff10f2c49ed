"""The survey builder: a questionnaire in sections and questions (scale, choice with its options and their
scores, text), the weights, and the formula in words, kept up to date as the user types (static/builder.js; the
server shows the same lines on every reload). Saved as a draft or saved and submitted to the company's
customer-service center for approval; read-only once submitted. No script is needed to use it: "add a section"
and "add a question" reload the form with one more row."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import QuestionKind, Sampling, SurveyStatus
from ..formula import formula_text
from ..models import Survey
from ..services.surveys import MAX_QUESTIONS, MAX_SECTIONS
from .common import errors_of, version
from .surveys import _survey

FIELDS = ("title", "communities", "sampling", "sample_rate", "previous", "sections", "status")


class _Rows(list):
    def all(self):
        return self


class _Item:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def _options_text(options) -> str:
    return "\n".join(f"{o['label']}={o['score']}" for o in options or [])


def _from_survey(survey: Survey) -> list[dict]:
    return [
        {
            "title": s.title,
            "weight": f"{s.weight.normalize():f}",
            "questions": [
                {
                    "text": q.text,
                    "kind": q.kind,
                    "weight": f"{q.weight.normalize():f}",
                    "options": _options_text(q.options),
                }
                for q in s.questions.all()
            ],
        }
        for s in survey.sections.prefetch_related("questions")
    ]


def _from_post(post) -> list[dict]:
    sections = []
    count = min(parse_id(post.get("section_count")) or 1, MAX_SECTIONS + 1)
    for i in range(1, count + 1):
        questions = []
        for j in range(1, min(parse_id(post.get(f"s{i}_count")) or 1, MAX_QUESTIONS + 1) + 1):
            key = f"s{i}_q{j}_"
            questions.append(
                {
                    "text": post.get(key + "text", "").strip(),
                    "kind": post.get(key + "kind", QuestionKind.SCALE),
                    "weight": post.get(key + "weight", "1").strip(),
                    "options": post.get(key + "options", "").strip(),
                }
            )
        sections.append(
            {
                "title": post.get(f"s{i}_title", "").strip(),
                "weight": post.get(f"s{i}_weight", "1").strip(),
                "questions": questions,
            }
        )
    return sections


def _parse_options(text: str, number: int) -> list[dict]:
    options = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        label, sep, score = line.replace("＝", "=").rpartition("=")
        if not sep or not score.strip().isdigit() or not label.strip():
            raise ValidationError({"sections": _("第 %(n)s 题的选项格式应为“名称=分数”，每行一个") % {"n": number}})
        options.append({"label": label.strip(), "score": int(score.strip())})
    return options


def _payload(rows: list[dict]) -> list[dict]:
    """The sections the service takes: empty rows left out, options parsed."""
    sections, number = [], 0
    for s in rows:
        questions = []
        for q in s["questions"]:
            if not q["text"]:
                continue
            number += 1
            item = {"text": q["text"], "kind": q["kind"], "weight": q["weight"] or "1"}
            if q["kind"] == QuestionKind.CHOICE:
                item["options"] = _parse_options(q["options"], number)
            questions.append(item)
        if s["title"] or questions:
            sections.append({"title": s["title"], "weight": s["weight"] or "1", "questions": questions})
    return sections


def _decimal(raw) -> Decimal:
    try:
        value = Decimal(str(raw or "1"))
        return value.quantize(Decimal("0.01")) if value.is_finite() and value >= 0 else Decimal(1)
    except (InvalidOperation, ValueError):
        return Decimal(1)


def preview(rows: list[dict]) -> list[str]:
    """The formula of the rows being edited, in the words of formula.formula_text."""
    sections, number = [], 0
    for s in rows:
        questions = _Rows()
        for q in s["questions"]:
            if q["text"]:
                number += 1
                questions.append(_Item(kind=q["kind"], weight=_decimal(q["weight"]), order=number))
        if s["title"] or questions:
            sections.append(_Item(title=s["title"] or "—", weight=_decimal(s["weight"]), questions=questions))
    return formula_text(sections) if sections else []


def _grow(rows: list[dict], add: str) -> list[dict]:
    blank_q = {"text": "", "kind": QuestionKind.SCALE, "weight": "1", "options": ""}
    if not rows or (add == "section" and len(rows) < MAX_SECTIONS):
        rows.append({"title": "", "weight": "1", "questions": [dict(blank_q)]})
    elif add.startswith("q") and add[1:].isdigit() and 1 <= int(add[1:]) <= len(rows):
        rows[int(add[1:]) - 1]["questions"].append(dict(blank_q))
    return rows


def _buildable(user) -> list:
    communities = list(selectors.survey_communities(user=user))
    if not communities:
        raise PermissionDenied(_("您无权创建满意度调查"))
    return communities


def _numbered(rows):
    number = 0
    for i, s in enumerate(rows, 1):
        s["i"] = i
        for j, q in enumerate(s["questions"], 1):
            q["j"] = j
            if q["text"]:
                number += 1
                q["number"] = number
    return rows


def _render(request, survey, rows, settings, errors=None, status=200):
    communities = _buildable(request.user)
    centers = {c.service_center_id for c in communities}
    previous = selectors.surveys_for(user=request.user).filter(service_center__in=centers)
    if survey is not None:
        previous = previous.exclude(pk=survey.pk)
    context = {
        "survey": survey,
        "sections": _numbered(rows),
        "settings": settings,
        "communities": communities,
        "previous_choices": previous,
        "kinds": QuestionKind.choices,
        "samplings": Sampling.choices,
        "formula": preview(rows),
        "formula_words": {
            "total": _("总分 = (%(sum)s) ÷ (%(weights)s)"),
            "section": _("「%(title)s」 = (%(sum)s) ÷ (%(weights)s)"),
            "note": _(
                "评分题得分 = 分值 × 20（5 分 = 100 分）；选择题得分 = 所选项的分数；文字题不计分；均保留两位小数"
            ),
        },
        "errors": errors or {},
    }
    return render(request, "engagement/survey_builder.html", context, status=status)


def _settings_from(post) -> dict:
    return {
        "title": post.get("title", ""),
        "communities": {parse_id(v) for v in post.getlist("communities")},
        "sampling": post.get("sampling", Sampling.ALL),
        "sample_rate": post.get("sample_rate", "100"),
        "allow_anonymous": post.get("allow_anonymous") == "1",
        "previous": parse_id(post.get("previous")),
        "version": post.get("version", ""),
    }


def _save(request, survey, settings, rows):
    communities = [c for c in _buildable(request.user) if c.pk in settings["communities"]]
    center = communities[0].service_center if communities else (survey.service_center if survey else None)
    previous = (
        selectors.surveys_for(user=request.user).filter(pk=settings["previous"]).first()
        if settings["previous"]
        else None
    )
    raw_rate = str(settings["sample_rate"]).strip()
    data = {
        "title": settings["title"],
        "communities": communities,
        "sections": _payload(rows),
        "sampling": settings["sampling"],
        "sample_rate": int(raw_rate) if raw_rate.isascii() and raw_rate.isdigit() and len(raw_rate) < 4 else 0,
        "allow_anonymous": settings["allow_anonymous"],
        "previous": previous,
    }
    if center is None:
        raise ValidationError({"communities": _("请选择本服务中心的小区")})
    with transaction.atomic():
        if survey is None:
            survey = services.survey_create(actor=request.user, service_center=center, **data)
        else:
            survey = services.survey_update(
                actor=request.user, survey=survey, expected_version=version(settings["version"]), **data
            )
        if request.POST.get("submit") == "1":
            survey = services.survey_transition(actor=request.user, survey=survey, to_status=SurveyStatus.SUBMITTED)
    return survey


def _builder(request: HttpRequest, survey: Survey | None) -> HttpResponse:
    if request.method != "POST":
        rows = _from_survey(survey) if survey else []
        settings = {
            "title": survey.title if survey else "",
            "communities": {c.pk for c in survey.communities.all()} if survey else set(),
            "sampling": survey.sampling if survey else Sampling.ALL,
            "sample_rate": survey.sample_rate if survey else 100,
            "allow_anonymous": survey.allow_anonymous if survey else True,
            "previous": survey.previous_id if survey else None,
            "version": survey.version if survey else "",
        }
        return _render(request, survey, rows or _grow(rows, ""), settings)
    rows, settings = _from_post(request.POST), _settings_from(request.POST)
    add = request.POST.get("add", "")
    if add:
        return _render(request, survey, _grow(rows, add), settings)
    try:
        saved = _save(request, survey, settings, rows)
    except ValidationError as exc:
        stale = getattr(exc, "code", "") == "stale_version"
        return _render(request, survey, rows, settings, errors_of(exc, FIELDS), status=409 if stale else 400)
    submitted = saved.status == SurveyStatus.SUBMITTED
    messages.success(request, _("问卷已保存并提交公司客服中心审核") if submitted else _("问卷已保存为草稿"))
    return redirect(reverse("engagement:survey", args=[saved.pk]))


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    return _builder(request, None)


@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if not can(request.user, "survey.build", survey):
        raise PermissionDenied(_("您无权修改满意度调查"))
    if survey.status != SurveyStatus.DRAFT and request.method != "POST":
        messages.info(request, _("问卷已提交或已审核，只能查看"))
        return redirect(reverse("engagement:survey", args=[pk]))
    return _builder(request, survey)
