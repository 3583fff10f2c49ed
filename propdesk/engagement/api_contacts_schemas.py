"""The shapes of the survey, suggestion-box and contact endpoints (names start with ``Engagement``)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, Version

from .api_schemas import EngagementFindingIn, EngagementPerson

AnswerValue = Annotated[int, Field(ge=0, le=100)] | Annotated[str, Field(max_length=1000)]
SurveyStatusIn = Literal["submitted", "approved", "draft", "open", "closed", "analysed", "reviewed", "published"]


class EngagementQuestionIn(Schema):
    text: str = Field(..., max_length=200)
    kind: Literal["scale", "choice", "text"] = "scale"
    weight: Decimal = Field(Decimal(1), ge=0, le=1000, decimal_places=2)
    options: list[dict] = Field(
        default_factory=list, max_length=10, description='单选题：[{"label": "满意", "score": 100}]'
    )


class EngagementSectionIn(Schema):
    title: str = Field(..., max_length=100)
    weight: Decimal = Field(Decimal(1), ge=0, le=1000, decimal_places=2)
    questions: list[EngagementQuestionIn] = Field(..., min_length=1, max_length=60)


class EngagementSurveyIn(Schema):
    service_center_id: Id
    title: str = Field(..., max_length=100)
    community_ids: list[Id] = Field(..., min_length=1, max_length=50)
    sections: list[EngagementSectionIn] = Field(..., min_length=1, max_length=10)
    sampling: Literal["all", "stratified"] = "all"
    sample_rate: int = Field(100, ge=1, le=100)
    allow_anonymous: bool = True
    previous_id: Id | None = None


class EngagementSurveyStepIn(Schema):
    to_status: SurveyStatusIn
    version: Version | None = None
    reason: str = Field("", max_length=500)
    analysis: str = Field("", max_length=5000)


class EngagementQuestionOut(Schema):
    id: int
    number: int
    text: str
    kind: str
    weight: Decimal
    options: list[dict]


class EngagementSectionOut(Schema):
    title: str
    weight: Decimal
    questions: list[EngagementQuestionOut]


class EngagementSurveyOut(Schema):
    id: int
    title: str
    status: str
    service_center_id: int
    community_ids: list[int]
    sampling: str
    sample_rate: int
    allow_anonymous: bool
    formula: list[str]
    sections: list[EngagementSectionOut]
    version: int


class EngagementAnswerIn(Schema):
    household_id: Id
    channel: Literal["paper", "phone"]
    answers: dict[str, AnswerValue] = Field(
        ..., max_length=60, description="题目 id → 评分 1–5、选项序号（从 0 起）或文字"
    )


class EngagementPortalAnswerIn(Schema):
    answers: dict[str, AnswerValue] = Field(..., max_length=60)
    anonymous: bool = False


class EngagementCommunityScoreOut(Schema):
    community_id: int
    community: str
    score: Decimal | None
    responses: int


class EngagementSectionScoreOut(Schema):
    title: str
    score: Decimal | None


class EngagementResultsOut(Schema):
    overall: Decimal | None
    responses: int
    sample: int
    by_community: list[EngagementCommunityScoreOut]
    sections: list[EngagementSectionScoreOut]
    previous: Decimal | None
    change: Decimal | None
    texts: list[str]


class EngagementPortalSurveyOut(Schema):
    id: int
    title: str
    answered: bool
    allow_anonymous: bool


class EngagementBoxIn(Schema):
    community_id: Id
    place: str = Field(..., max_length=100)
    owner_id: Id
    starts_on: InputDate


class EngagementBoxOut(Schema):
    id: int
    community_id: int
    place: str
    owner: EngagementPerson
    starts_on: dt.date
    due: dt.date
    missed: bool
    is_active: bool
    version: int


class EngagementOpeningIn(Schema):
    opened_on: InputDate | None = None
    items: list[EngagementFindingIn] = Field(default_factory=list, max_length=30)
    note: str = Field("", max_length=200)


class EngagementOpeningOut(Schema):
    id: int
    opened_on: dt.date
    found_nothing: bool
    tickets: list[str]


class EngagementConsultationIn(Schema):
    special_customer_id: Id
    held_on: InputDate
    opinions: str = Field(..., max_length=2000)
    contact: str = Field("", max_length=100)
    follow_up_kind: Literal["complaint", "repair", "suggestion", ""] = ""
    follow_up_text: str = Field("", max_length=2000)


class EngagementMeetingIn(Schema):
    community_id: Id
    kind: Literal["forum", "committee", "activity"]
    held_on: InputDate
    title: str = Field(..., max_length=100)
    attendees: str = Field(..., max_length=2000)
    attendance: int = Field(0, ge=0, le=100000)
    minutes: str = Field("", max_length=10000)
    opinions: list[EngagementFindingIn] = Field(default_factory=list, max_length=30)


class EngagementRecordOut(Schema):
    id: int
    tickets: list[str]


class EngagementCustomerCoverageOut(Schema):
    id: int
    name: str
    kind: str
    consulted_this_quarter: bool


class EngagementCoverageOut(Schema):
    community_id: int
    special_customers: list[EngagementCustomerCoverageOut]
    forum_held: bool
    forum_flag: bool
    committee_held: bool
    committee_flag: bool
    boxes_missed: int
