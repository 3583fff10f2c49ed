"""The portal's survey pages: the open surveys asking the household, one questionnaire by section, the answer
(once per household, anonymous where the survey allows it) and "已提交" afterwards."""

from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from propdesk.communities.models import Household
from propdesk.engagement.models import Survey

from . import selectors, services
from .forms import survey_answers
from .views import errors_of, resident_page


class Section(NamedTuple):
    title: str
    items: list  # (question, the answer given when the page comes back with an error)


@resident_page
def survey_list(request: HttpRequest, household: Household) -> HttpResponse:
    rows = selectors.survey_list(user=request.user, household=household)
    return render(request, "portal/surveys.html", {"rows": rows, "household": household})


@resident_page
def survey_sheet(request: HttpRequest, household: Household, pk: int) -> HttpResponse:
    try:
        row = selectors.survey_get(user=request.user, household=household, pk=pk)
    except Survey.DoesNotExist as exc:
        raise Http404(_("调查不存在或本户不在调查范围内")) from exc
    sections = selectors.survey_sections(row.survey)
    errors, status = [], 200
    if request.method == "POST":
        try:
            services.answer_survey(
                actor=request.user,
                household=household,
                survey=row.survey,
                answers=survey_answers(sections, request.POST),
                anonymous=request.POST.get("anonymous") == "1",
            )
        except ValidationError as exc:
            errors = [problem for problems in errors_of(exc).values() for problem in problems]
            status = 409 if getattr(exc, "error_dict", {}).get("household") else 400
            row = selectors.survey_get(user=request.user, household=household, pk=pk)
        else:
            messages.success(request, _("已提交，感谢您的意见"))
            return redirect("portal:survey", pk=pk)
    given = survey_answers(sections, request.POST) if request.method == "POST" else {}
    context = {
        "row": row,
        "survey": row.survey,
        "sheet": [Section(s.title, [(q, given.get(q.pk)) for q in s.questions.all()]) for s in sections],
        "household": household,
        "errors": errors,
        "anonymous": request.POST.get("anonymous") == "1",
        "scale": (1, 2, 3, 4, 5),
    }
    return render(request, "portal/survey.html", context, status=status)
