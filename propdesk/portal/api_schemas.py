"""Shapes of the portal's API: what a resident sees of a request (as on the page: no internal notes,
escalations, staff phones or login names) and what they send."""

from typing import Annotated

from ninja import Schema
from pydantic import Field

from propdesk.api.schemas import Id, LocalDateTime, Version


class PortalHouseholdOut(Schema):
    id: int
    community_id: int
    community: str
    room: str = Field(description="房号，邀请访客时作为 room（/api/v1/visitors/invitations）")


class PortalRequestRow(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    received_at: LocalDateTime


class PortalJobOut(Schema):
    status: str
    status_label: str
    worker: str = Field(description="维修/服务人员姓名（派单后）")
    window_from: LocalDateTime | None
    window_to: LocalDateTime | None
    rating: int | None


class PortalStepOut(Schema):
    at: LocalDateTime
    label: str


class PortalMessageOut(Schema):
    at: LocalDateTime
    by: str
    from_resident: bool
    text: str
    satisfied: bool | None


class PortalPhotoOut(Schema):
    id: int
    name: str
    url: str


class PortalRatingOut(Schema):
    score: int
    comment: str
    at: LocalDateTime
    stood_in_for_visit: bool


class PortalRequestOut(PortalRequestRow):
    version: int
    content: str
    place: str
    preferred_from: LocalDateTime | None
    preferred_to: LocalDateTime | None
    jobs: list[PortalJobOut]
    steps: list[PortalStepOut]
    messages: list[PortalMessageOut]
    photos: list[PortalPhotoOut]
    rating: PortalRatingOut | None
    can_cancel: bool
    can_confirm: bool


class PortalMessageIn(Schema):
    household_id: Id
    text: str = Field(..., min_length=1, max_length=2000)


class PortalCancelIn(Schema):
    household_id: Id
    reason: str = Field("", max_length=200)
    expected_version: Version | None = None


class PortalRatingIn(Schema):
    household_id: Id
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)
    expected_version: Version | None = None


class PortalCodeIn(Schema):
    phone: str = Field(..., max_length=20)


class PortalLoginIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=6)


class PortalSentOut(Schema):
    detail: str


class PortalMeOut(Schema):
    name: str
    households: list[PortalHouseholdOut]


class PortalSurveyRow(Schema):
    id: int
    title: str
    answered: bool = Field(description="本户是否已提交（每户只能答一次）")
    allow_anonymous: bool


class PortalQuestionOut(Schema):
    id: int
    number: int
    text: str
    kind: str = Field(description="scale 评分 1–5；choice 单选（答选项序号，从 0 起）；text 文字")
    options: list[str]


class PortalSectionOut(Schema):
    title: str
    questions: list[PortalQuestionOut]


class PortalSurveyOut(PortalSurveyRow):
    sections: list[PortalSectionOut]


class PortalSurveyAnswerIn(Schema):
    household_id: Id
    answers: dict[str, Annotated[int, Field(ge=0, le=100)] | Annotated[str, Field(max_length=1000)]] = Field(
        ..., max_length=60, description="题目 id → 评分 1–5、选项序号（从 0 起）或文字"
    )
    anonymous: bool = False


class PortalAnsweredOut(Schema):
    id: int
    survey_id: int
    anonymous: bool
