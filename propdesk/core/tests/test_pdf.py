"""core.pdf: an A4 PDF whose Chinese text is in the document, with the seal image only when one is given."""

import io
import re

from PIL import Image

from propdesk.core.pdf import Heading, KeyValues, Paragraph, Table, render_pdf

_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _unescape(raw: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(match):
        token = match.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return simple.get(token, token)

    return _ESCAPE.sub(one, raw)


def _text(data: bytes) -> str:
    """All the text shown on the pages (uncompressed streams; the CID font's strings are UTF-16BE)."""
    strings = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data, re.S)
    return "".join(_unescape(s).decode("utf-16-be", "replace") for s in strings)


def _seal() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (80, 80), (200, 0, 0, 160)).save(buffer, "PNG")
    return buffer.getvalue()


BLOCKS = [
    Heading("停水范围"),
    Paragraph("3 栋全部住户。\n\n请提前储水 <b>不是标记</b> & 符号"),
    KeyValues([("开始时间", "2026-12-01 09:00")]),
    Table(header=["项目", "收费标准"], rows=[["物业服务费", "2.50 元/㎡·月"]]),
]


def test_a_pdf_with_its_chinese_text_and_the_seal():
    data = render_pdf(
        title="停水通知",
        blocks=BLOCKS,
        seal_image=_seal(),
        signature=["阳光物业服务中心", "2026年11月29日"],
        footer="服务热线 400-000-0000",
        compress=False,
    )
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    text = _text(data)
    for expected in ("停水通知", "停水范围", "请提前储水", "<b>不是标记</b> & 符号", "物业服务费", "2.50 元/㎡·月"):
        assert expected in text
    assert "阳光物业服务中心" in text and "服务热线" in text and "第 1 页" in text
    assert b"/Subtype /Image" in data
    assert b"/Count 1" in data


def test_no_seal_no_image_and_long_content_breaks_pages():
    data = render_pdf(title="草稿", blocks=[Paragraph("很长的一段。" * 40)] * 12, compress=False)
    assert data.startswith(b"%PDF-")
    assert b"/Subtype /Image" not in data
    assert re.search(rb"/Count ([2-9]|\d\d)", data)
    assert "第 2 页" in _text(data)


def test_compressed_by_default():
    data = render_pdf(title="通知", blocks=[Paragraph("正文")])
    assert data.startswith(b"%PDF-") and b"/FlateDecode" in data
