"""The visitor register as an .xlsx sheet: identity numbers and phones masked, every cell text (a name typed
as "=…" never becomes a formula), at most ``EXPORT_ROW_CAP`` rows; each export writes a ``VisitorExport``
audit row in the same transaction (R-CV-4, PIPL)."""

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
from propdesk.core.xlsx import text_cell as _cell

from . import selectors
from .models import VisitorExport

EXPORT_ROW_CAP = 50_000


def _row(visit) -> list:
    return [
        visit.checked_in_at,
        visit.checked_out_at,
        visit.community.name,
        visit.household.unit.label if visit.household_id else "",
        visit.visitor_name,
        visit.get_document_type_display() if visit.document_type else "",
        _("已删除") if visit.id_erased_at else visit.id_masked,
        mask_phone(visit.phone),
        visit.get_purpose_display(),
        visit.area,
        visit.plate,
        visit.people,
        person_name(visit.checked_in_by),
    ]


def headers() -> list[str]:
    return [
        _("进入时间"),
        _("离开时间"),
        _("小区"),
        _("受访房号"),
        _("访客姓名"),
        _("证件类型"),
        _("证件号码（脱敏）"),
        _("电话（脱敏）"),
        _("来访事由"),
        _("允许到达区域"),
        _("车牌"),
        _("人数"),
        _("登记人"),
    ]


@transaction.atomic
def export_register(fileobj, *, actor, filters: selectors.VisitFilters, summary: dict, ip_address=None) -> int:
    """Write the filtered register to ``fileobj`` and the audit row; returns the number of rows written."""
    require(actor, "visit.export", message=_("您无权导出访客登记"))
    rows = selectors.visit_register(user=actor, filters=filters).filter(
        community__in=selectors.export_communities(user=actor)
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("来访登记"))
    bold = Font(bold=True)
    ws.append([_cell(ws, _("来访登记簿"), font=Font(bold=True, size=14))])
    who = {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": person_name(actor)}
    ws.append([_cell(ws, _("导出时间：%(t)s　导出人：%(who)s　证件号码、电话已脱敏") % who)])
    ws.append([_cell(ws, h, font=bold) for h in headers()])
    written = 0
    for visit in rows[:EXPORT_ROW_CAP].iterator(chunk_size=2000):
        ws.append([_cell(ws, value) for value in _row(visit)])
        written += 1
    if written == EXPORT_ROW_CAP:
        ws.append([_cell(ws, _("已达导出上限 %(n)s 条，请缩小日期范围") % {"n": EXPORT_ROW_CAP})])
    wb.save(fileobj)
    VisitorExport.objects.create(
        actor=actor,
        community_id=filters.community_id,
        filters=summary,
        rows=written,
        ip_address=ip_address,
    )
    return written


def content_disposition(day: dt.date) -> str:
    name = _("来访登记_%(d)s.xlsx") % {"d": f"{day:%Y%m%d}"}
    return attachment(name, f"visitors_{day:%Y%m%d}.xlsx")
