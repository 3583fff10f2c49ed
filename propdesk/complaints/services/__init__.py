"""Every write to a complaint: its record for a new complaint ticket, classification and owner (R-CP-1, R-CP-2),
handling against the timers (R-CP-3), repeats (R-CP-6).

Each service locks the complaint row, checks ``expected_version``, asks the rule set, validates, writes, bumps
``version``, appends a complaint event and emits the SLA triggers of its timers in the same transaction.
"""

from .base import ComplaintTrigger
from .collective import complaint_link_collective, complaint_open_collective, complaint_unlink_collective
from .collective_handling import (
    collective_agree_reply,
    collective_close,
    collective_decide,
    collective_home_visit,
    missing_visits,
)
from .create import complaint_for, open_complaint_for_new_ticket, source_of
from .documents import (
    complaint_letter_send,
    complaint_letter_write,
    default_recipient,
    letter_kinds,
    written_reply_before_resolving,
)
from .handling import (
    complaint_agree_reply,
    complaint_answer_on_spot,
    complaint_file_original,
    complaint_mark_major,
    complaint_progress,
    complaint_reply,
    complaint_set_facts,
)
from .owners import complaint_assign, complaint_classify, developer_of, suggest_owner
from .record import complaint_home_visit_sign, complaint_review, complaint_sign_off
from .repeat import complaint_mark_repeat_of, complaint_reopen_repeat, mark_repeat, repeat_on_reopen
from .settings import complaint_settings_set

__all__ = [
    "ComplaintTrigger",
    "collective_agree_reply",
    "collective_close",
    "collective_decide",
    "collective_home_visit",
    "complaint_agree_reply",
    "complaint_answer_on_spot",
    "complaint_assign",
    "complaint_classify",
    "complaint_file_original",
    "complaint_for",
    "complaint_home_visit_sign",
    "complaint_letter_send",
    "complaint_letter_write",
    "complaint_link_collective",
    "complaint_mark_major",
    "complaint_mark_repeat_of",
    "complaint_open_collective",
    "complaint_progress",
    "complaint_reopen_repeat",
    "complaint_reply",
    "complaint_review",
    "complaint_set_facts",
    "complaint_settings_set",
    "complaint_sign_off",
    "complaint_unlink_collective",
    "default_recipient",
    "developer_of",
    "letter_kinds",
    "mark_repeat",
    "missing_visits",
    "open_complaint_for_new_ticket",
    "repeat_on_reopen",
    "source_of",
    "suggest_owner",
    "written_reply_before_resolving",
]
