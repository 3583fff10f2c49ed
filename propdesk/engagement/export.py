"""The interview register (客户访谈记录表) and a survey's results as .xlsx sheets, cells by core.xlsx. The register:
every cell text (nothing typed becomes a formula), interviewers by name, findings with their ticket numbers, no
phone numbers at all. The results: names as text, scores and counts as numbers."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from propdesk.core import xlsx
from propdesk.core.people import person_name

XLSX = xlsx.XLSX
ROW_CAP = 20_000


def _cell(ws, value, bold: bool = False):
    """A text cell (what a user typed never becomes a formula); None is an empty text."""
    text = str(value if value is not None else "")
    return xlsx.cell(ws, text, font=Font(bold=True)) if bold else xlsx.cell(ws, text)


def headers() -> list[str]:
    return [
        _("访谈时间"),
        _("小区"),
        _("房号"),
        _("受访人"),
        _("访谈方式"),
        _("访谈人"),
        _("服务满意度"),
        _("意见和建议"),
        _("维修效率和质量"),
        _("潜在投诉"),
        _("服务需求"),
        _("整改措施"),
        _("转工单"),
    ]


def row(interview) -> list:
    findings = "；".join(f"{f.get_kind_display()} {f.ticket.number}" for f in interview.findings.all())
    return [
        f"{timezone.localtime(interview.at):%Y-%m-%d %H:%M}",
        interview.community.name,
        interview.household.unit.label,
        interview.interviewee,
        interview.get_kind_display() + (_("（深入）") if interview.in_depth else ""),
        "、".join(person_name(p) for p in interview.interviewers.all()),
        interview.get_satisfaction_display(),
        interview.opinions,
        interview.repair_feedback,
        interview.potential_complaints,
        interview.needs,
        interview.measures,
        findings,
    ]


def workbook_bytes(interviews) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet(_("客户访谈记录表"))
    ws.append([_cell(ws, h, bold=True) for h in headers()])
    for interview in interviews[:ROW_CAP]:
        ws.append([_cell(ws, v) for v in row(interview)])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _number_cell(ws, value):
    """A number stays a number (a score, a count); nothing shows as an empty cell."""
    return _cell(ws, "") if value is None else xlsx.cell(ws, value)


def _sheet(book, title: str, head: list, rows: list[list]) -> None:
    ws = book.create_sheet(title)
    ws.append([_cell(ws, h, bold=True) for h in head])
    for values in rows:
        ws.append([_cell(ws, v) if isinstance(v, str) else _number_cell(ws, v) for v in values])


def results_bytes(survey, tables: dict) -> bytes:
    """The results of ``survey`` (results.result_tables): the communities, the sections and each question's
    distribution — the same numbers as the page's tables and charts."""
    book = Workbook(write_only=True)
    head = [_("得分"), _("答卷"), _("上次得分"), _("变化")]
    _sheet(
        book,
        _("小区得分"),
        [_("小区"), *head],
        [[_("服务中心"), tables["overall"], tables["responses"], tables["previous"], tables["change"]]]
        + [
            [r["community"].name, r["score"], r["responses"], r["previous"], r["change"]] for r in tables["communities"]
        ],
    )
    _sheet(
        book,
        _("部分得分"),
        [_("部分"), _("得分"), _("上次得分"), _("变化")],
        [[r["section"].title, r["score"], r["previous"], r["change"]] for r in tables["section_rows"]],
    )
    rows = []
    for q in tables["questions"]:
        for level in q["levels"]:
            rows.append(
                [
                    f"Q{q['question'].order} {q['question'].text}",
                    level["label"],
                    level["count"],
                    level["share"],
                    q["score"],
                ]
            )
    _sheet(book, _("题目分布"), [_("题目"), _("选项"), _("人数"), _("占比（%）"), _("题目得分")], rows)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
