"""The scoring formula of a satisfaction survey, as numbers and as a sentence a person can check.

A scale answer (1–5) scores ``value × 20`` (5 = 100); a choice scores its option's score (0–100); text is not
scored. A section scores the weighted mean of its answered questions, Σ(wᵢ × sᵢ) ÷ Σwᵢ; the sheet scores the
weighted mean of its sections, Σ(Wⱼ × Sⱼ) ÷ ΣWⱼ; a community (or the whole center) scores the mean of its
sheets. Everything is computed in decimals and rounded half up to 2 places only at the end.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .choices import QuestionKind

SCALE_POINTS = Decimal(20)
CENT = Decimal("0.01")


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def question_score(question, value) -> Decimal | None:
    """The score (0–100) of one answer, None when unanswered or not scored."""
    if value is None or question.kind == QuestionKind.TEXT:
        return None
    if question.kind == QuestionKind.SCALE:
        return Decimal(value) * SCALE_POINTS
    options = question.options or []
    if not 0 <= value < len(options):
        return None
    return Decimal(str(options[value]["score"]))


def _weighted(pairs) -> Decimal | None:
    pairs = [(Decimal(w), s) for w, s in pairs if s is not None]
    total = sum((w for w, _s in pairs), Decimal(0))
    if not pairs or total == 0:
        return None
    return sum((w * s for w, s in pairs), Decimal(0)) / total


def sheet_scores(sections, values: dict[int, int | None]) -> tuple[Decimal | None, dict[int, Decimal | None]]:
    """The unrounded total and section scores of one sheet (``values``: question id → answer value)."""
    by_section = {}
    for section in sections:
        by_section[section.pk] = _weighted(
            (q.weight, question_score(q, values.get(q.pk))) for q in section.questions.all()
        )
    total = _weighted((s.weight, by_section[s.pk]) for s in sections)
    return total, by_section


def mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) / len(values) if values else None


def _w(weight) -> str:
    return f"{Decimal(weight).normalize():f}"


def formula_text(sections) -> list[str]:
    """The formula in lines a person can read: the total, then each section, then how an answer scores."""
    total = " + ".join(f"{_w(s.weight)}×「{s.title}」" for s in sections)
    weights = " + ".join(_w(s.weight) for s in sections)
    lines = [_("总分 = (%(sum)s) ÷ (%(weights)s)") % {"sum": total, "weights": weights}]
    for section in sections:
        questions = list(section.questions.all())
        scored = [q for q in questions if q.kind != QuestionKind.TEXT]
        terms = " + ".join(f"{_w(q.weight)}×Q{q.order}" for q in scored)
        lines.append(
            _("「%(title)s」 = (%(sum)s) ÷ (%(weights)s)")
            % {"title": section.title, "sum": terms or "—", "weights": " + ".join(_w(q.weight) for q in scored) or "—"}
        )
    lines.append(_("评分题得分 = 分值 × 20（5 分 = 100 分）；选择题得分 = 所选项的分数；文字题不计分；均保留两位小数"))
    return lines
