"""The reports as .xlsx: the same rows as the pages (counts only, no personal data beyond staff names)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from propdesk.core.xlsx import XLSX, cell

from .selectors_monthly import MonthlyStatistics

__all__ = ["XLSX", "write_dashboard", "write_monthly"]

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
