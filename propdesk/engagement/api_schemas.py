"""The shapes of the engagement API (names start with ``Engagement``: schema names are unique across the API)."""

from typing import Literal

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, InputDateTime, LocalDateTime, Page, PageParams, Version
from propdesk.core.people import person_name

from .choices import FindingKind, InterviewKind

InterviewKindIn = Literal["phone", "home_visit", "random"]
FindingKindIn = Literal["complaint", "repair", "suggestion"]
assert set(InterviewKindIn.__args__) == set(InterviewKind.values)
assert set(FindingKindIn.__args__) == set(FindingKind.values)


class EngagementPerson(Schema):
    id: int
    name: str


def person(user) -> dict:
    return {"id": user.pk, "name": person_name(user)}


class EngagementPlanIn(Schema):
    community_id: Id
    year: int = Field(..., ge=2000, le=2099)
    member_ids: list[Id] = Field(..., max_length=50, description="访谈人员（客服、工程和安保主管人员）")
    small_project: bool = Field(False, description="住户较少的项目：每月至少访谈 25 户")
    version: Version | None = None


class EngagementMonthOut(Schema):
    month: int
    planned: int
    done: int


class EngagementPersonProgressOut(Schema):
    person: EngagementPerson | None
    planned: int
    done: int
    behind: bool


class EngagementPlanOut(Schema):
    id: int
    community_id: int
    year: int
    small_project: bool
    household_count: int
    target: int
    monthly_minimum: int
    members: list[EngagementPerson]
    covered: int
    planned_to_date: int
    done_to_date: int
    behind: bool
    months: list[EngagementMonthOut]
    people_this_month: list[EngagementPersonProgressOut]
    version: int


class EngagementSlotOut(Schema):
    id: int
    community_id: int
    community: str
    household_id: int
    room: str
    month: int
    reason: str
    done: bool
    interview_id: int | None


class EngagementFindingIn(Schema):
    kind: FindingKindIn
    text: str = Field(..., max_length=2000)


class EngagementInterviewIn(Schema):
    household_id: Id
    kind: InterviewKindIn
    satisfaction: int = Field(..., ge=1, le=5, description="1 很不满意 … 5 很满意")
    at: InputDateTime | None = Field(None, description="访谈时间，默认现在；可补登 31 天内")
    interviewer_ids: list[Id] = Field(default_factory=list, max_length=10, description="同行访谈人（登记人自动计入）")
    interviewee: str = Field("", max_length=50)
    in_depth: bool = False
    opinions: str = Field("", max_length=2000)
    repair_feedback: str = Field("", max_length=2000)
    potential_complaints: str = Field("", max_length=2000)
    needs: str = Field("", max_length=2000)
    measures: str = Field("", max_length=2000)
    important: bool = Field(False, description="重要信息：立即通知服务中心经理和客服主管")
    findings: list[EngagementFindingIn] = Field(default_factory=list, max_length=10, description="每条转为一张工单")


class EngagementFindingOut(Schema):
    kind: str
    text: str
    ticket_id: int
    ticket_number: str


class EngagementInterviewOut(Schema):
    id: int
    community_id: int
    household_id: int
    room: str
    kind: str
    at: LocalDateTime
    interviewers: list[EngagementPerson]
    interviewee: str
    in_depth: bool
    satisfaction: int
    opinions: str
    repair_feedback: str
    potential_complaints: str
    needs: str
    measures: str
    important: bool
    findings: list[EngagementFindingOut]


class EngagementInterviewPage(Page):
    items: list[EngagementInterviewOut]


class EngagementInterviewFilters(PageParams):
    community_id: Id | None = None
    kind: InterviewKindIn | None = None
    date_from: InputDate | None = None
    date_to: InputDate | None = None


class EngagementInDepthOut(Schema):
    done: int
    need: int
    flag: bool


def interview_body(interview) -> dict:
    return {
        "id": interview.pk,
        "community_id": interview.community_id,
        "household_id": interview.household_id,
        "room": interview.household.unit.label,
        "kind": interview.kind,
        "at": interview.at,
        "interviewers": [person(p) for p in interview.interviewers.all()],
        "interviewee": interview.interviewee,
        "in_depth": interview.in_depth,
        "satisfaction": interview.satisfaction,
        "opinions": interview.opinions,
        "repair_feedback": interview.repair_feedback,
        "potential_complaints": interview.potential_complaints,
        "needs": interview.needs,
        "measures": interview.measures,
        "important": interview.important,
        "findings": [
            {"kind": f.kind, "text": f.text, "ticket_id": f.ticket_id, "ticket_number": f.ticket.number}
            for f in interview.findings.all()
        ],
    }


def plan_body(plan, progress) -> dict:
    return {
        "id": plan.pk,
        "community_id": plan.community_id,
        "year": plan.year,
        "small_project": plan.small_project,
        "household_count": plan.household_count,
        "target": plan.target,
        "monthly_minimum": plan.monthly_minimum,
        "members": [person(m) for m in plan.members.all()],
        "covered": progress.covered,
        "planned_to_date": progress.planned_to_date,
        "done_to_date": progress.done_to_date,
        "behind": progress.behind,
        "months": [{"month": m, "planned": p, "done": d} for m, p, d in progress.months],
        "people_this_month": [
            {"person": person(p.user) if p.user else None, "planned": p.planned, "done": p.done, "behind": p.behind}
            for p in progress.people
        ],
        "version": plan.version,
    }
