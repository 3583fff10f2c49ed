"""A notice as a PDF: the same content as its print page, with the center's seal once it is sealed.

The notice's body is the safe HTML kept by the editor; it is read here into core.pdf blocks (paragraphs, list
items, headings, tables), never passed on as markup.
"""

from html.parser import HTMLParser

from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import pdf

from .choices import NoticeStatus
from .models import Notice

_BREAKS = {"p", "br", "li", "blockquote", "h2", "h3", "h4", "hr", "tr", "ul", "ol"}
_HEADINGS = {"h2": 1, "h3": 2, "h4": 2}


class _BodyReader(HTMLParser):
    """The blocks of a notice body: text split at paragraphs and line breaks, headings and tables kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list = []
        self.text: list[str] = []
        self.heading = 0
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def _flush(self):
        text = "".join(self.text).strip()
        self.text = []
        if text:
            self.blocks.append(pdf.Heading(text, self.heading) if self.heading else pdf.Paragraph(text))

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._flush()
            self.table = []
        elif self.table is not None and tag == "tr":
            self.table.append([])
        elif self.table is not None and tag in ("td", "th"):
            self.cell = []
        elif self.cell is None and tag in _BREAKS:
            self._flush()
            self.heading = _HEADINGS.get(tag, 0)
            if tag == "li":
                self.text.append("• ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.table[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = [r for r in self.table if r]
            if rows:
                self.blocks.append(pdf.Table(header=rows[0], rows=rows[1:]))
            self.table, self.cell = None, None
        elif self.cell is None and tag in _BREAKS:
            self._flush()
            self.heading = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.table is None:
            self.text.append(data)

    def result(self) -> list:
        self._flush()
        return self.blocks


def body_blocks(body: str) -> list:
    reader = _BodyReader()
    reader.feed(body or "")
    reader.close()
    return reader.result()


def is_sealed(notice: Notice) -> bool:
    """The seal goes on a notice sealed by the information manager and not withdrawn (as on the print page)."""
    return notice.sealed_at is not None and notice.status != NoticeStatus.WITHDRAWN


def _header(notice: Notice) -> str:
    if notice.status in (NoticeStatus.DRAFT, NoticeStatus.RETURNED):
        return _("草稿（未经审批，不得张贴）")
    if not is_sealed(notice):
        return _("%(status)s（尚未盖章，不得张贴）") % {"status": notice.get_status_display()}
    return ""


def notice_pdf(notice: Notice, *, compress: bool = True) -> bytes:
    """The notice as an A4 PDF: title, outage times, body, the center's name and date with the seal when sealed,
    the center's phone and the company's hotline at the foot of each page."""
    center = notice.service_center
    blocks: list = []
    if notice.is_outage and notice.starts_at and notice.ends_at:
        when = "{} – {}".format(
            timezone.localtime(notice.starts_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M"),
        )
        blocks.append(pdf.KeyValues([(notice.get_utility_display(), when)]))
    blocks.extend(body_blocks(notice.body))
    if notice.source:
        blocks.append(pdf.Paragraph(_("来源") + " " + notice.source))
    signed = timezone.localtime(notice.approved_at or notice.created_at).strftime("%Y-%m-%d")
    hotline = center.branch.company.hotline
    footer = " · ".join(
        part
        for part in (
            center.name,
            (_("服务电话") + " " + center.phone) if center.phone else "",
            (_("服务热线") + " " + hotline) if hotline else "",
        )
        if part
    )
    return pdf.render_pdf(
        title=notice.title,
        subtitle=_header(notice),
        blocks=blocks,
        seal_image=pdf.seal_bytes(center.seal) if is_sealed(notice) else None,
        signature=[center.name, signed],
        footer=footer,
        page_label=_("第 %(page)s 页"),
        compress=compress,
    )
