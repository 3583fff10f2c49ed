"""Writing .xlsx downloads (openpyxl, write-only mode): cells that are safe to open, and the download header.

Every register and report export builds its cells here, so that they all follow the same two rules:
- text a user typed is always stored as text — a complaint reading ``=HYPERLINK(…)`` must not become a
  formula — and stripped of the control characters the sheet's XML cannot hold;
- times are the center's local time.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean(value: str) -> str:
    """``value`` without the control characters an .xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell(ws, value, **style) -> WriteOnlyCell:
    """A write-only cell of ``ws`` holding ``value`` as it is: strings always as text (cleaned), numbers and
    dates typed; ``style`` sets cell attributes (``font``, ``alignment``, ``number_format`` …)."""
    if isinstance(value, str):
        value = clean(value)
    item = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        item.data_type = "s"
    for name, setting in style.items():
        setattr(item, name, setting)
    return item


def text_cell(ws, value, **style) -> WriteOnlyCell | None:
    """``value`` written as text (a time as the local ``YYYY-MM-DD HH:MM``); nothing for None or ``""``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return cell(ws, str(value), **style)


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition for a download (RFC 6266 with RFC 5987): the ASCII ``fallback`` for old clients
    and the real, possibly Chinese, ``filename`` in UTF-8."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
