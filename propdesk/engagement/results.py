"""The results of a survey as tables (the numbers behind its charts and its .xlsx): each community's score with
the previous survey's and the change, each section's the same, and each scored question's distribution of
answers (how many chose 5, 4 … 1, or each option) with its mean score. All with the formula of formula.py."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import QuestionKind
from .formula import mean, question_score, rounded


def _change(now, before):
    return now - before if now is not None and before is not None else None


def _share(count: int, total: int) -> Decimal | None:
    return rounded(Decimal(100 * count) / total) if total else None


def _levels(question) -> list[tuple[int, str]]:
    if question.kind == QuestionKind.SCALE:
        return [(v, _("%(n)s 分") % {"n": v}) for v in (5, 4, 3, 2, 1)]
    return [(i, o["label"]) for i, o in enumerate(question.options or [])]


def distribution(survey) -> list[dict]:
    """Each scored question: its levels with the count and share (%) of answers, and its mean score."""
    from .models import SurveyAnswer

    rows = []
    answers: dict[int, list[int]] = {}
    for qid, value in SurveyAnswer.objects.filter(response__survey=survey, value__isnull=False).values_list(
        "question_id", "value"
    ):
        answers.setdefault(qid, []).append(value)
    for section in survey.sections.prefetch_related("questions"):
        for question in section.questions.all():
            if question.kind == QuestionKind.TEXT:
                continue
            values = answers.get(question.pk, [])
            levels = [
                {"label": label, "count": values.count(v), "share": _share(values.count(v), len(values))}
                for v, label in _levels(question)
            ]
            score = rounded(mean(question_score(question, v) for v in values))
            rows.append(
                {"question": question, "section": section, "answered": len(values), "levels": levels, "score": score}
            )
    return rows


def result_tables(survey) -> dict:
    """The survey's results (selectors.survey_results) with the previous survey's beside each community and
    section (matched by community, and by section title), and the distribution of each question."""
    from .selectors import survey_results

    results = survey_results(survey)
    before = survey_results(survey.previous) if survey.previous_id else None
    by_community = {r["community"].pk: r["score"] for r in before["by_community"]} if before else {}
    by_section = {r["section"].title: r["score"] for r in before["sections"]} if before else {}
    communities = [
        {
            **r,
            "previous": by_community.get(r["community"].pk),
            "change": _change(r["score"], by_community.get(r["community"].pk)),
        }
        for r in results["by_community"]
    ]
    sections = [
        {
            **r,
            "previous": by_section.get(r["section"].title),
            "change": _change(r["score"], by_section.get(r["section"].title)),
        }
        for r in results["sections"]
    ]
    return {**results, "communities": communities, "section_rows": sections, "questions": distribution(survey)}


def _number(value):
    return float(value) if value is not None else None


def charts(tables: dict, has_previous: bool) -> dict:
    """ECharts options (plain dicts) for the community, section and question charts of ``tables``."""
    this, last = _("本次"), _("上次")

    def bars(names, current, previous):
        series = [
            {
                "name": this,
                "type": "bar",
                "data": [_number(v) for v in current],
                "label": {"show": True, "position": "top"},
            }
        ]
        if has_previous:
            series.append({"name": last, "type": "bar", "data": [_number(v) for v in previous]})
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 40, "right": 10, "bottom": 60, "top": 40},
            "xAxis": {
                "type": "category",
                "data": names,
                "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 3 else 0},
            },
            "yAxis": {"type": "value", "min": 0, "max": 100},
            "series": series,
        }

    rows = tables["communities"]
    community = bars([r["community"].name for r in rows], [r["score"] for r in rows], [r["previous"] for r in rows])
    rows = tables["section_rows"]
    section = bars([r["section"].title for r in rows], [r["score"] for r in rows], [r["previous"] for r in rows])
    questions = []
    for row in tables["questions"]:
        levels = row["levels"]
        questions.append(
            {
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 40, "right": 10, "bottom": 40, "top": 20},
                "xAxis": {"type": "category", "data": [lv["label"] for lv in levels], "axisLabel": {"interval": 0}},
                "yAxis": {"type": "value", "minInterval": 1},
                "series": [
                    {
                        "type": "bar",
                        "name": _("人数"),
                        "data": [lv["count"] for lv in levels],
                        "label": {"show": True, "position": "top"},
                    }
                ],
            }
        )
    return {"community": community, "section": section, "questions": questions}
