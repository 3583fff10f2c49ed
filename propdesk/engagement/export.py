"""The interview register (客户访谈记录表) as an .xlsx sheet: every cell text (nothing typed becomes a formula),
interviewers by name, findings with their ticket numbers; no phone numbers at all."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from propdesk.core.people import person_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_CAP = 20_000


def _cell(ws, value, bold: bool = False):
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(value if value is not None else "")))
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


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
