"""The invitation's QR code, drawn offline with ``segno`` (no service, no CDN). It encodes only the invitation's
6-digit code — no name, room or phone — so a scanner at the gate types the code into the code field, and a
photo of the QR code tells nobody anything else."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe

# Medium error correction survives a cracked phone screen; 6 digits fit version 1 (21 × 21 modules).
ERROR = "m"


def _qr(code: str) -> segno.QRCode:
    if not (code.isascii() and code.isdigit()):
        raise ValueError("an invitation code is digits only")
    return segno.make_qr(code, error=ERROR, boost_error=False)


def svg_document(code: str, *, scale: int = 10) -> bytes:
    """A standalone SVG file (the API's ``qr.svg``)."""
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="svg", scale=scale, border=4, xmldecl=True, title=code)
    return buffer.getvalue()


def svg_inline(code: str, *, scale: int = 8) -> SafeString:
    """An ``<svg>`` element for a page (no inline style, so the Content-Security-Policy holds)."""
    markup = _qr(code).svg_inline(scale=scale, border=4, svgclass="invitation-qr", lineclass=None)
    return mark_safe(markup)  # noqa: S308 -- segno's own markup of a digits-only payload
