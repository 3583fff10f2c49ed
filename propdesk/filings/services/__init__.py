"""The filing services (every write): opening and drafting, the approval chain with its notice, the late flags
and the periodic opening, sampling and the company's setting."""

from .chain import filing_return, filing_step, may_return, next_step
from .drafting import document_attach, figures_refresh, filing_open, filing_update, finance_import, may_open
from .late import flag_late_steps, open_due_filings
from .oversight import sampling_record, settings_change

__all__ = [
    "document_attach",
    "figures_refresh",
    "filing_open",
    "filing_return",
    "filing_step",
    "filing_update",
    "finance_import",
    "flag_late_steps",
    "may_open",
    "may_return",
    "next_step",
    "open_due_filings",
    "sampling_record",
    "settings_change",
]
