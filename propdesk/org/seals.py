"""The service center's business seal (业务专用章) on printed pages.

Printable pages (a notice for the community board, a reply letter, a written report) embed the seal as a
``data:`` URI, so that the page prints the same with or without a media server and the image never leaves
the page's own access check. ``seal_data_uri(center)`` is what every app's print view passes to its template.
"""

import base64

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from propdesk.core.files import sniff_type

SEAL_MAX_BYTES = 512 * 1024
SEAL_TYPES = ("image/png", "image/jpeg")


def validate_seal(upload) -> None:
    """An upload is a seal when its bytes are a PNG or a JPEG (whatever its name says) of at most 512 KB."""
    if upload.size > SEAL_MAX_BYTES:
        raise ValidationError(_("印章图片不能超过 512 KB"), code="seal_too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff_type(head, upload.name or "") not in SEAL_TYPES:
        raise ValidationError(_("印章图片须为 PNG 或 JPEG 格式"), code="seal_type")


def seal_data_uri(center) -> str:
    """The center's seal as ``data:image/…;base64,…``, or "" when it has none (or the file is gone)."""
    if center is None or not center.seal:
        return ""
    try:
        with center.seal.open("rb") as handle:
            data = handle.read(SEAL_MAX_BYTES + 1)
    except (FileNotFoundError, OSError, ValueError):
        return ""
    content_type = sniff_type(data[:16], center.seal.name)
    if content_type not in SEAL_TYPES or len(data) > SEAL_MAX_BYTES:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
