"""The reports as .xlsx: the same rows as the pages (counts only, no personal data beyond staff names)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from propdesk.core.pdf import Heading, KeyValues, Table, render_pdf
from propdesk.core.xlsx import XLSX, cell

from .selectors_monthly import MonthlyStatistics

__all__ = ["XLSX", "monthly_pdf", "write_dashboard", "write_monthly"]

BOLD = Font(bold=True)


def write_monthly(fileobj, stats: MonthlyStatistics, scope: str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("月度工作统计"))
    ws.append([cell(ws, _("客服部月度工作统计表"), font=Font(bold=True, size=14))])
    ws.append([cell(ws, _("统计月份")), cell(ws, f"{stats.month:%Y-%m}"), cell(ws, _("范围")), cell(ws, scope)])
    header = [_("项目"), f"{stats.month:%Y-%m}", f"{stats.last_month:%Y-%m}", f"{stats.last_year:%Y-%m}"]
    for section in stats.sections:
        ws.append([])
        ws.append([cell(ws, section.title, font=BOLD)])
        ws.append([cell(ws, text, font=BOLD) for text in header])
        for row in section.rows:
            ws.append([cell(ws, row.label), row.this, row.last, row.year])
    wb.save(fileobj)


def write_dashboard(fileobj, tables: list[tuple[str, list[str], list[list]]]) -> None:
    """One sheet per chart: its title, its header, its rows (the same table the page shows beside the chart)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for title, header, rows in tables:
        name = title[:28]
        while name in used:
            name = name[:26] + f"{len(used):02d}"
        used.add(name)
        ws = wb.create_sheet(title=name.replace("/", "-"))
        ws.append([cell(ws, title, font=Font(bold=True, size=14))])
        ws.append([cell(ws, text, font=BOLD) for text in header])
        for row in rows:
            ws.append([cell(ws, v) if isinstance(v, str) else v for v in row])
    wb.save(fileobj)


def monthly_pdf(stats: MonthlyStatistics, scope: str, *, compress: bool = True) -> bytes:
    """The monthly statistics as an A4 PDF: the same sections and rows as the page and the xlsx. An internal
    report (to the company), so no seal: the signature lines are for the maker and the reviewer."""
    header = [_("项目"), f"{stats.month:%Y-%m}", f"{stats.last_month:%Y-%m}", f"{stats.last_year:%Y-%m}"]
    blocks: list = [KeyValues([(_("统计月份"), f"{stats.month:%Y-%m}"), (_("范围"), scope)])]
    for section in stats.sections:
        blocks.append(Heading(section.title, level=2))
        rows = [
            [row.label, *("" if v is None else str(v) for v in (row.this, row.last, row.year))] for row in section.rows
        ]
        blocks.append(Table(header=header, rows=rows))
    return render_pdf(
        title=_("客服部月度工作统计表"),
        subtitle=scope,
        blocks=blocks,
        signature=[_("制表："), _("审核：")],
        page_label=_("第 %(page)s 页"),
        compress=compress,
    )
