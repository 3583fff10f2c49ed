"""The satisfaction survey pages: the list, and one survey with its readable formula, the next steps the user may
take, the staff entry of a paper or phone answer sheet, and the results with the formula applied."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Household
from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import SURVEY_TRANSITIONS, AnswerChannel, QuestionKind, SurveyStatus
from ..formula import formula_text
from ..models import Survey
from .common import errors_of, version

STEP_RULES = {
    SurveyStatus.SUBMITTED: "survey.build",
    SurveyStatus.DRAFT: "survey.approve_formula",
    SurveyStatus.APPROVED: "survey.approve_formula",
    SurveyStatus.OPEN: "survey.build",
    SurveyStatus.CLOSED: "survey.build",
    SurveyStatus.ANALYSED: "survey.build",
    SurveyStatus.REVIEWED: "survey.review",
    SurveyStatus.PUBLISHED: "survey.publish",
}


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.surveys_for(user=request.user)
    may_build = selectors.survey_communities(user=request.user).exists()
    return render(request, "engagement/surveys.html", {"surveys": surveys, "may_build": may_build})


def _survey(request, pk: int) -> Survey:
    found = selectors.surveys_for(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("调查不存在或您无权查看"))
    return found


@login_required
def survey_detail(request: HttpRequest, pk: int, errors: dict | None = None, status: int = 200) -> HttpResponse:
    from .results import announce_context

    survey = _survey(request, pk)
    sections = list(survey.sections.prefetch_related("questions"))
    steps = []
    for target in SURVEY_TRANSITIONS[SurveyStatus(survey.status)]:
        rule = STEP_RULES[target]
        if target == SurveyStatus.CLOSED and survey.status != SurveyStatus.OPEN:
            rule = "survey.review" if survey.status == SurveyStatus.ANALYSED else "survey.publish"
        if can(request.user, rule, survey):
            steps.append((target, SurveyStatus(target).label))
    context = {
        "survey": survey,
        "sections": sections,
        "formula": formula_text(sections),
        "steps": steps,
        "results": selectors.survey_results(survey) if survey.status != SurveyStatus.DRAFT else None,
        "may_enter": survey.status == SurveyStatus.OPEN and can(request.user, "survey.enter", survey),
        "channels": [(c.value, c.label) for c in (AnswerChannel.PAPER, AnswerChannel.PHONE)],
        "text_kind": QuestionKind.TEXT,
        "errors": errors or {},
        "may_edit": survey.status == SurveyStatus.DRAFT and can(request.user, "survey.build", survey),
        "has_results": survey.status not in (SurveyStatus.DRAFT, SurveyStatus.SUBMITTED, SurveyStatus.APPROVED),
        **announce_context(request.user, survey),
    }
    return render(request, "engagement/survey_detail.html", context, status=status)


@login_required
@require_POST
def survey_step(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        services.survey_transition(
            actor=request.user,
            survey=survey,
            to_status=request.POST.get("to_status", ""),
            expected_version=version(request.POST.get("version")),
            reason=request.POST.get("reason", ""),
            analysis=request.POST.get("analysis", ""),
        )
    except ValidationError as exc:
        stale = getattr(exc, "code", "") == "stale_version"
        return survey_detail(request, pk, errors=errors_of(exc), status=409 if stale else 400)
    messages.success(request, _("调查状态已更新"))
    return redirect(reverse("engagement:survey", args=[pk]))


@login_required
@require_POST
def survey_enter(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    household = Household.objects.filter(
        pk=parse_id(request.POST.get("household")), unit__building__community__in=survey.communities.all()
    ).first()
    answers = {}
    for key, raw in request.POST.items():
        if key.startswith("q_") and raw.strip():
            answers[key[2:]] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else raw
    try:
        if household is None:
            raise ValidationError({"household": _("请选择样本中的住户")})
        services.survey_answer(
            actor=request.user,
            survey=survey,
            household=household,
            answers=answers,
            channel=request.POST.get("channel", ""),
        )
    except ValidationError as exc:
        return survey_detail(request, pk, errors=errors_of(exc), status=400)
    messages.success(request, _("答卷已录入"))
    return redirect(reverse("engagement:survey", args=[pk]))
