"""The training pages (see each section's module)."""

from .procedures import (
    procedure_action,
    procedure_detail,
    procedure_document,
    procedure_edit,
    procedure_list,
    procedure_new,
)
from .sessions import mine, session_detail, session_invite, session_print, session_sign, untrained

__all__ = [
    "mine",
    "procedure_action",
    "procedure_detail",
    "procedure_document",
    "procedure_edit",
    "procedure_list",
    "procedure_new",
    "session_detail",
    "session_invite",
    "session_print",
    "session_sign",
    "untrained",
]
