"""Every write of the engagement app (keyword-only, atomic, permission-checked, one event row)."""

from .activities import activity_announce, activity_plan, activity_record
from .contacts import box_open, box_save, consultation_record, meeting_record
from .interviews import interview_finding_to_ticket, interview_record
from .planner import flag_behind, plan_make
from .publishing import meeting_announce, survey_announce
from .surveys import may_answer_as_resident, survey_answer, survey_create, survey_transition, survey_update

__all__ = [
    "activity_announce",
    "activity_plan",
    "activity_record",
    "box_open",
    "box_save",
    "consultation_record",
    "flag_behind",
    "interview_finding_to_ticket",
    "interview_record",
    "may_answer_as_resident",
    "meeting_announce",
    "meeting_record",
    "plan_make",
    "survey_announce",
    "survey_answer",
    "survey_create",
    "survey_transition",
    "survey_update",
]
