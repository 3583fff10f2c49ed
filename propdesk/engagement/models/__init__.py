"""The engagement records (R-EN-1…5): interview plans and the interview register, satisfaction surveys,
suggestion boxes, consultations of special customers, owner forums, owners' committee meetings and activities."""

from .activities import ActivityEvent, CommunityActivity
from .boxes import BoxEvent, BoxItem, BoxOpening, SuggestionBox
from .interviews import Interview, InterviewEvent, InterviewFinding, InterviewPlan, PlanEvent, PlannedInterview
from .meetings import Consultation, ConsultationEvent, Meeting, MeetingEvent, MeetingOpinion
from .surveys import Survey, SurveyAnswer, SurveyEvent, SurveyQuestion, SurveyResponse, SurveySample, SurveySection

__all__ = [
    "ActivityEvent",
    "BoxEvent",
    "BoxItem",
    "BoxOpening",
    "CommunityActivity",
    "Consultation",
    "ConsultationEvent",
    "Interview",
    "InterviewEvent",
    "InterviewFinding",
    "InterviewPlan",
    "Meeting",
    "MeetingEvent",
    "MeetingOpinion",
    "PlanEvent",
    "PlannedInterview",
    "SuggestionBox",
    "Survey",
    "SurveyAnswer",
    "SurveyEvent",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveySample",
    "SurveySection",
]
