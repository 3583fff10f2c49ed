"""A filing as .xlsx (its figures and finance rows, the same numbers as the page) and as an A4 PDF (with the
center's seal on the quarterly report, which goes to customers)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from propdesk.core import pdf
from propdesk.core.xlsx import cell, text_cell

from . import figures
from .choices import FilingKind
from .sections import filled

SEALED_KINDS = (FilingKind.QUARTERLY,)


def title_of(filing) -> str:
    place = filing.community.name if filing.community_id else filing.service_center.name
    return f"{place} {filing.get_kind_display()}"


def period_of(filing) -> str:
    return f"{filing.period_start:%Y-%m-%d} — {filing.period_end:%Y-%m-%d}"


def xlsx_bytes(filing) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("统计数字"))
    bold = Font(bold=True)
    sheet.append([cell(sheet, title_of(filing), font=bold)])
    sheet.append([cell(sheet, period_of(filing))])
    sheet.append(
        [cell(sheet, _("板块"), font=bold), cell(sheet, _("项目"), font=bold), cell(sheet, _("数量"), font=bold)]
    )
    for section, _key, label, value in figures.rows(filing):
        sheet.append([cell(sheet, section), cell(sheet, label), cell(sheet, value)])
    if filing.finance:
        money = book.create_sheet(_("财务收支"))
        money.append([cell(money, _("项目"), font=bold), cell(money, _("金额（元）"), font=bold)])
        for item, amount in filing.finance:
            money.append([text_cell(money, item), cell(money, float(amount), number_format="#,##0.00")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(filing, *, compress: bool = True) -> bytes:
    blocks: list = [pdf.Heading(_("统计数字"))]
    blocks.append(
        pdf.Table(
            header=[_("板块"), _("项目"), _("数量")],
            rows=[[section, label, str(value)] for section, _key, label, value in figures.rows(filing)],
        )
    )
    for _key, label, text in filled(filing):
        blocks += [pdf.Heading(label, level=2), pdf.Paragraph(text or "—")]
    if filing.finance:
        blocks += [
            pdf.Heading(_("财务收支")),
            pdf.Table(header=[_("项目"), _("金额（元）")], rows=[[i, a] for i, a in filing.finance]),
        ]
    center = filing.service_center
    sealed = filing.kind in SEALED_KINDS
    return pdf.render_pdf(
        title=title_of(filing),
        subtitle=period_of(filing),
        blocks=blocks,
        seal_image=pdf.seal_bytes(center.seal) if sealed else None,
        signature=[center.name],
        footer=center.name,
        compress=compress,
    )
