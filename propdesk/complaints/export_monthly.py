"""The month's complaint summary as an .xlsx sheet (counts only: no personal data)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .export import XLSX, cell
from .selectors_monthly import MonthlySummary

__all__ = ["XLSX", "write_summary"]


def write_summary(fileobj, summary: MonthlySummary) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("投诉月度汇总"))
    bold = Font(bold=True)
    ws.append([cell(ws, _("%(m)s 投诉汇总") % {"m": f"{summary.month:%Y-%m}"}, font=Font(bold=True, size=14))])
    ws.append([cell(ws, _("投诉总数"), font=bold), summary.total])
    ws.append([cell(ws, _("未办结"), font=bold), summary.open])
    ws.append([cell(ws, _("重复投诉"), font=bold), summary.repeats])
    ws.append([cell(ws, _("归入集体投诉"), font=bold), summary.collective])
    ws.append([cell(ws, _("时限按时完成"), font=bold), summary.clocks_met])
    ws.append([cell(ws, _("时限超时"), font=bold), summary.clocks_breached])
    ws.append([cell(ws, _("进行中已超时"), font=bold), summary.clocks_running_late])
    ws.append([cell(ws, _("及时率（%）"), font=bold), summary.on_time_rate])
    for title, rows in (
        (_("按责任类别"), summary.by_class),
        (_("按有效性"), summary.by_validity),
        (_("按投诉类别"), summary.by_category),
        (_("按小区"), summary.by_community),
        (_("按负责人"), summary.by_handler),
    ):
        ws.append([])
        ws.append([cell(ws, title, font=bold)])
        for label, n in rows:
            ws.append([cell(ws, label), n])
    wb.save(fileobj)
