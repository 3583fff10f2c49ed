"""Schemas of the filings API."""

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, LocalDateTime, Offset, UserRef, Version

from .choices import FilingKind, HolidayRule, Step
from .models import SamplingResult


class FilingsFilters(Schema):
    service_center_id: Id | None = None
    kind: FilingKind | None = None
    outstanding: bool = False
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=100)


class FilingsOpenIn(Schema):
    kind: FilingKind
    service_center_id: Id
    community_id: Id | None = Field(None, description="项目；半月信息统计表不填")
    day: InputDate = Field(description="期间内任一日")


class FilingsUpdateIn(Schema):
    sections: dict[str, str] = Field(default_factory=dict, description="文字部分：键见 sections")
    finance: list[tuple[str, str]] | None = Field(None, description="财务收支 [[项目, 金额], …]；不填则不变")
    expected_version: Version | None = None


class FilingsVersionIn(Schema):
    expected_version: Version | None = None


class FilingsStepIn(Schema):
    step: Step
    expected_version: Version | None = None
    receipt_by: str = Field("", max_length=50, description="签收人（呈交步骤）")
    receipt_note: str = Field("", max_length=200)


class FilingsReasonIn(Schema):
    reason: str = Field(max_length=300)
    expected_version: Version | None = None


class FilingsSampleIn(Schema):
    result: SamplingResult
    note: str = Field("", max_length=300)


class FilingsSettingsIn(Schema):
    company_id: Id
    holiday_rule: HolidayRule
    half_month_days: int = Field(ge=1, le=15)
    expected_version: Version | None = None


class FilingsDeadlineOut(Schema):
    step: str
    due_on: str
    done_at: LocalDateTime | None
    done_by: UserRef | None
    late: bool


class FilingsSectionOut(Schema):
    key: str
    label: str
    text: str


class FilingsFigureOut(Schema):
    section: str
    key: str
    label: str
    value: int


class FilingsFilingOut(Schema):
    id: int
    kind: str
    kind_label: str
    service_center_id: int
    community_id: int | None
    period_start: str
    period_end: str
    status: str
    status_label: str
    needs_quality: bool
    next_step: str | None
    figures: list[FilingsFigureOut]
    sections: list[FilingsSectionOut]
    finance: list[list[str]]
    notice_id: int | None
    notice_status: str | None
    receipt_by: str
    receipt_at: LocalDateTime | None
    deadlines: list[FilingsDeadlineOut]
    version: int


class FilingsPage(Schema):
    count: int
    count_exact: bool
    items: list[FilingsFilingOut]


class FilingsSampleOut(Schema):
    id: int
    filing_id: int
    year: int
    result: str
    note: str


class FilingsChecklistRow(Schema):
    community_id: int
    community: str
    filings: int
    sampled: bool


class FilingsPublicationOut(Schema):
    title: str
    center: str
    due_on: str
    status: str
    done: bool


class FilingsSettingsOut(Schema):
    company_id: int
    holiday_rule: str
    half_month_days: int
    version: int
