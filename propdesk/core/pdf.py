"""Printable documents as PDF (a notice for the board, a reply letter, a written report), on ReportLab.

Chinese renders on any machine without system fonts: the text is set in ReportLab's built-in CID font
``STSong-Light`` (the reader supplies the glyphs). A document is a title and a list of blocks::

    from propdesk.core.pdf import Heading, KeyValues, Paragraph, Table, render_pdf

    data = render_pdf(
        title="停水通知",
        blocks=[
            Heading("一、停水范围"),
            Paragraph("3 栋全部住户。"),           # plain text, never markup; blank lines split paragraphs
            KeyValues([("开始时间", "2026-12-01 09:00")]),
            Table(header=["项目", "标准"], rows=[["物业服务费", "2.50 元/㎡·月"]]),
        ],
        seal_image=png_or_jpeg_bytes,              # drawn over the signature; None = no seal
        signature=["某某物业服务中心", "2026年11月29日"],
        footer="某某物业服务中心 · 服务热线 400-000-0000",
    )

The pages are A4 with the footer and the page number at the bottom of each. ``compress=False`` keeps the
page streams readable (for tests). ``seal_bytes(field_file)`` reads a stored seal image for ``seal_image``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus import Table as _RLTable

from propdesk.core.files import sniff_type

FONT = "STSong-Light"
SEAL_SIZE = 40 * mm
SEAL_MAX_BYTES = 512 * 1024
_MARGIN = 20 * mm


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 or 2


@dataclass(frozen=True)
class Paragraph:
    """Plain text (escaped, never interpreted as markup); blank lines start new paragraphs, newlines break."""

    text: str


@dataclass(frozen=True)
class KeyValues:
    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]] = field(default_factory=list)


Block = Heading | Paragraph | KeyValues | Table


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("pd-body", fontName=font, fontSize=11, leading=17, wordWrap="CJK", spaceAfter=6)
    return {
        "title": ParagraphStyle("pd-title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=12),
        "h1": ParagraphStyle("pd-h1", parent=base, fontSize=14, leading=20, spaceBefore=8),
        "h2": ParagraphStyle("pd-h2", parent=base, fontSize=12, leading=18, spaceBefore=6),
        "body": base,
        "cell": ParagraphStyle("pd-cell", parent=base, fontSize=10, leading=14, spaceAfter=0),
        "right": ParagraphStyle("pd-right", parent=base, alignment=2, spaceAfter=0),
    }


def _text(value) -> str:
    """Plain text as ReportLab paragraph markup: escaped, newlines kept as line breaks."""
    return escape(str(value if value is not None else "")).replace("\n", "<br/>")


def _grid(data, col_widths, *, header: bool) -> _RLTable:
    table = _RLTable(data, colWidths=col_widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f5f5")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(block, styles, width: float) -> list:
    if isinstance(block, Heading):
        return [_RLParagraph(_text(block.text), styles["h1" if block.level <= 1 else "h2"])]
    if isinstance(block, Paragraph):
        chunks = [c.strip("\n") for c in str(block.text or "").replace("\r\n", "\n").split("\n\n")]
        return [_RLParagraph(_text(c), styles["body"]) for c in chunks if c.strip()]
    cell = styles["cell"]
    if isinstance(block, KeyValues):
        if not block.rows:
            return []
        data = [[_RLParagraph(_text(k), cell), _RLParagraph(_text(v), cell)] for k, v in block.rows]
        return [_grid(data, [width * 0.28, width * 0.72], header=False), Spacer(1, 6)]
    if isinstance(block, Table):
        columns = max(1, len(block.header), *(len(r) for r in block.rows))
        rows = [list(block.header), *(list(r) for r in block.rows)]
        data = [[_RLParagraph(_text(r[i] if i < len(r) else ""), cell) for i in range(columns)] for r in rows]
        return [_grid(data, [width / columns] * columns, header=True), Spacer(1, 6)]
    raise TypeError(f"not a PDF block: {block!r}")


class _Signature(Flowable):
    """The signature lines at the right, with the seal drawn over them when there is one."""

    def __init__(self, lines: Sequence[str], seal: bytes | None, style: ParagraphStyle):
        super().__init__()
        self.lines = [str(line) for line in lines]
        self.seal = ImageReader(io.BytesIO(seal)) if seal else None
        self.style = style
        self.height = max(SEAL_SIZE + 4 * mm, len(self.lines) * style.leading + 8 * mm)

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.height

    def draw(self):
        canvas = self.canv
        size = self.style.fontSize
        canvas.setFont(self.style.fontName, size)
        top = self.height / 2 + len(self.lines) * self.style.leading / 2 - size
        for i, line in enumerate(self.lines):
            canvas.drawRightString(self.width, top - i * self.style.leading, line)
        if self.seal is not None:
            text_width = max([pdfmetrics.stringWidth(line, self.style.fontName, size) for line in self.lines] or [0])
            centre_x = self.width - max(text_width, SEAL_SIZE) / 2
            x, y = centre_x - SEAL_SIZE / 2, (self.height - SEAL_SIZE) / 2
            canvas.drawImage(self.seal, x, y, SEAL_SIZE, SEAL_SIZE, mask="auto", preserveAspectRatio=True)


def _footer(text: str, page_label: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(_font(), 9)
        canvas.setFillColor(colors.grey)
        page = page_label % {"page": doc.page}
        if text:
            canvas.drawString(_MARGIN, 10 * mm, text)
        canvas.drawRightString(A4[0] - _MARGIN, 10 * mm, page)
        canvas.restoreState()

    return draw


def render_pdf(
    *,
    title: str,
    blocks: Sequence[Block],
    seal_image: bytes | None = None,
    signature: Sequence[str] = (),
    footer: str = "",
    subtitle: str = "",
    page_label: str = "第 %(page)s 页",
    compress: bool = True,
) -> bytes:
    """An A4 PDF: ``title`` (also the document's metadata title), an optional ``subtitle`` line, the blocks,
    then the ``signature`` lines at the right with ``seal_image`` (PNG or JPEG bytes) drawn over them, and
    ``footer`` plus the page number (``page_label``, translated by the caller) at the bottom of every page."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=str(title),
        creator="PropDesk",
        pageCompression=1 if compress else 0,
        invariant=0 if compress else 1,
    )
    story: list = [_RLParagraph(_text(title), styles["title"])]
    if subtitle:
        story.append(_RLParagraph(_text(subtitle), ParagraphStyle("pd-sub", parent=styles["body"], alignment=1)))
    for block in blocks:
        story.extend(_flowables(block, styles, doc.width))
    if signature or seal_image:
        story.extend([Spacer(1, 8 * mm), _Signature(signature, seal_image, styles["right"])])
    on_page = _footer(str(footer or ""), str(page_label))
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def seal_bytes(field_file) -> bytes | None:
    """The bytes of a stored seal image (a PNG or JPEG of at most 512 KB), or None (no file, unreadable,
    another type)."""
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:
            data = handle.read(SEAL_MAX_BYTES + 1)
    except (FileNotFoundError, OSError, ValueError):
        return None
    if len(data) > SEAL_MAX_BYTES or sniff_type(data[:16], field_file.name or "") not in ("image/png", "image/jpeg"):
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, ValueError, SyntaxError):
        return None  # not a picture after all (a damaged file): the document is printed without it
    return data
