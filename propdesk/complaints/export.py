"""The complaint register as an .xlsx sheet with the page's filters: phones masked, every cell text (a title typed
as "=…" never becomes a formula), at most ``EXPORT_ROW_CAP`` rows; each export writes a ``ComplaintExport``
audit row in the same transaction (PIPL)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from propdesk.core.masking import mask_phone
from propdesk.core.people import person_name
from propdesk.core.permissions import require
from propdesk.core.xlsx import XLSX as XLSX
from propdesk.core.xlsx import attachment
from propdesk.core.xlsx import text_cell as cell

from . import selectors
from .models import Complaint, ComplaintExport

EXPORT_ROW_CAP = 50_000


def headers() -> list[str]:
    return [
        _("编号"),
        _("接报时间"),
        _("小区"),
        _("房号"),
        _("联系人"),
        _("电话（脱敏）"),
        _("摘要"),
        _("责任类别"),
        _("有效性"),
        _("状态"),
        _("负责人"),
        _("重复投诉"),
        _("集体投诉"),
        _("超时"),
        _("客户意见"),
    ]


def row(complaint: Complaint) -> list:
    ticket = complaint.ticket
    return [
        ticket.number,
        ticket.received_at,
        complaint.community.name,
        ticket.place,
        ticket.contact_name,
        mask_phone(ticket.contact_phone),
        ticket.title,
        complaint.class_label,
        complaint.get_validity_display(),
        ticket.get_status_display(),
        person_name(complaint.owner) if complaint.owner_id else "",
        _("是") if complaint.is_repeat else "",
        complaint.collective.title if complaint.collective_id else "",
        _("已超时") if getattr(complaint, "late", False) else "",
        complaint.customer_opinion,
    ]


@transaction.atomic
def export_register(fileobj, *, actor, filters: dict, summary: dict, ip_address=None) -> int:
    """Write the filtered register to ``fileobj`` and the audit row; returns the number of rows written."""
    require(actor, "complaint.export", message=_("您无权导出投诉登记"))
    rows = selectors.complaint_list(user=actor, **filters).filter(
        pk__in=Complaint.objects.restrict(actor, "complaint.export").values("pk")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("投诉登记"))
    bold = Font(bold=True)
    ws.append([cell(ws, _("客户投诉登记"), font=Font(bold=True, size=14))])
    who = {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": person_name(actor)}
    ws.append([cell(ws, _("导出时间：%(t)s　导出人：%(who)s　电话已脱敏") % who)])
    ws.append([cell(ws, h, font=bold) for h in headers()])
    written = 0
    for complaint in rows[:EXPORT_ROW_CAP].iterator(chunk_size=2000):
        ws.append([cell(ws, value) for value in row(complaint)])
        written += 1
    if written == EXPORT_ROW_CAP:
        ws.append([cell(ws, _("已达导出上限 %(n)s 条，请缩小筛选范围") % {"n": EXPORT_ROW_CAP})])
    wb.save(fileobj)
    ComplaintExport.objects.create(actor=actor, filters=summary, rows=written, ip_address=ip_address)
    return written


def content_disposition(day: dt.date, stem: str = "complaints") -> str:
    name = _("投诉登记_%(d)s.xlsx") % {"d": f"{day:%Y%m%d}"}
    return attachment(name, f"{stem}_{day:%Y%m%d}.xlsx")
