"""A survey's results page: the center's and each community's score with the formula applied, each section's,
the comparison with the previous survey and each question's distribution of answers — every chart with its table
beside it and an .xlsx of the same numbers — and the action that publishes the approved results as a notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import publishing, xlsx

from .. import export, services
from ..choices import SurveyStatus
from ..results import charts, result_tables
from .common import errors_of, version
from .surveys import _survey

NOT_YET = (SurveyStatus.DRAFT, SurveyStatus.SUBMITTED, SurveyStatus.APPROVED)


def notice_url(notice_id: int | None) -> str | None:
    """The notice's page in the notices app, when it is installed."""
    if not notice_id:
        return None
    try:
        return reverse("notices:detail", args=[notice_id])
    except NoReverseMatch:
        return None


def _results(request, pk: int):
    survey = _survey(request, pk)
    if survey.status in NOT_YET:
        raise Http404(_("调查尚未开始，还没有结果"))
    return survey, result_tables(survey)


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey, tables = _results(request, pk)
    options = charts(tables, has_previous=survey.previous_id is not None)
    context = {
        "survey": survey,
        "t": tables,
        "chart_community": options["community"],
        "chart_section": options["section"],
        "questions": [
            (row, option, f"chart-q{row['question'].pk}")
            for row, option in zip(tables["questions"], options["questions"], strict=True)
        ],
    }
    return render(request, "engagement/survey_results.html", context)


@login_required
def survey_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey, tables = _results(request, pk)
    response = HttpResponse(export.results_bytes(survey, tables), content_type=export.XLSX)
    response["Content-Disposition"] = xlsx.attachment(f"{survey.title}-结果.xlsx", f"survey-{survey.pk}-results.xlsx")
    return response


@login_required
@require_POST
def survey_announce(request: HttpRequest, pk: int) -> HttpResponse:
    from .surveys import survey_detail

    survey = _survey(request, pk)
    try:
        services.survey_announce(
            actor=request.user, survey=survey, expected_version=version(request.POST.get("version"))
        )
    except ValidationError as exc:
        stale = getattr(exc, "code", "") == "stale_version"
        return survey_detail(request, pk, errors=errors_of(exc), status=409 if stale else 400)
    messages.success(request, _("已生成公告草稿，请在公告中审核、盖章后发布"))
    return redirect(reverse("engagement:survey", args=[pk]))


def announce_context(user, survey) -> dict:
    from propdesk.core.permissions import can

    return {
        "may_announce": survey.status == SurveyStatus.PUBLISHED
        and not survey.notice_id
        and can(user, "survey.announce", survey),
        "can_publish": publishing.can_publish(),
        "notice_url": notice_url(survey.notice_id),
    }
