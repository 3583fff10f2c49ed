"""The shapes of the survey builder, results, publishing, box admin and activity endpoints (names start with
``Engagement``)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, Version

from .api_contacts_schemas import EngagementSectionIn


class EngagementSurveyUpdateIn(Schema):
    title: str = Field(..., max_length=100)
    community_ids: list[Id] = Field(..., min_length=1, max_length=50)
    sections: list[EngagementSectionIn] = Field(..., min_length=1, max_length=10)
    sampling: Literal["all", "stratified"] = "all"
    sample_rate: int = Field(100, ge=1, le=100)
    allow_anonymous: bool = True
    previous_id: Id | None = None
    version: Version | None = None


class EngagementLevelOut(Schema):
    label: str
    count: int
    share: Decimal | None


class EngagementQuestionResultOut(Schema):
    question_id: int
    number: int
    text: str
    answered: int
    score: Decimal | None
    levels: list[EngagementLevelOut]


class EngagementCommunityResultOut(Schema):
    community_id: int
    community: str
    score: Decimal | None
    responses: int
    previous: Decimal | None
    change: Decimal | None


class EngagementSectionResultOut(Schema):
    title: str
    score: Decimal | None
    previous: Decimal | None
    change: Decimal | None


class EngagementResultTablesOut(Schema):
    overall: Decimal | None
    responses: int
    sample: int
    previous: Decimal | None
    change: Decimal | None
    communities: list[EngagementCommunityResultOut]
    sections: list[EngagementSectionResultOut]
    questions: list[EngagementQuestionResultOut]


class EngagementNoticeIn(Schema):
    version: Version | None = None


class EngagementMeetingNoticeIn(Schema):
    summary: str = Field(..., max_length=5000)


class EngagementNoticeOut(Schema):
    notice_id: int


class EngagementBoxUpdateIn(Schema):
    place: str = Field(..., max_length=100)
    owner_id: Id
    starts_on: InputDate
    is_active: bool = True
    version: Version | None = None


class EngagementOpeningItemOut(Schema):
    kind: str
    text: str
    ticket: str


class EngagementOpeningListOut(Schema):
    id: int
    opened_on: dt.date
    found_nothing: bool
    note: str
    items: list[EngagementOpeningItemOut]


class EngagementActivityIn(Schema):
    community_id: Id
    title: str = Field(..., max_length=100)
    held_on: InputDate
    place: str = Field(..., max_length=100)
    organiser: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)


class EngagementActivityUpdateIn(Schema):
    title: str = Field(..., max_length=100)
    held_on: InputDate
    place: str = Field(..., max_length=100)
    organiser: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    version: Version | None = None


class EngagementActivityRecordIn(Schema):
    held: bool = True
    attendance: int | None = Field(None, ge=0, le=100000)
    feedback: str = Field("", max_length=5000)
    version: Version | None = None


class EngagementActivityOut(Schema):
    id: int
    community_id: int
    title: str
    held_on: dt.date
    place: str
    organiser: str
    description: str
    status: str
    notice_id: int | None
    attendance: int | None
    feedback: str
    version: int
