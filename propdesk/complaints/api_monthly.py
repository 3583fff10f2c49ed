"""Monthly-work endpoints on the complaints router (R-CP-8): the month's summary, training cases, the
public-interest notice, corrective/preventive actions and the developer-legacy statistics. Same contracts as the
complaint endpoints (scoped reads, ``expected_version`` on writes, refusals as 4xx)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, LocalDateTime, UserRef, Version, user_ref
from propdesk.communities.models import Community
from propdesk.org.models import ServiceCenter

from . import selectors_monthly
from .api import _get as _complaint
from .api import router
from .models import Complaint
from .models_monthly import ActionKind, CorrectiveAction, LegacyReport, PublicNotice, TrainingCase
from .services import legacy, monthly

Month = Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="月份，如 2026-11")


def _month(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw + "-01")


class ComplaintsCountOut(Schema):
    label: str
    count: int


class ComplaintsMonthlyOut(Schema):
    month: dt.date
    total: int
    open: int
    repeats: int
    collective: int
    clocks_met: int
    clocks_breached: int
    clocks_running_late: int
    on_time_rate: float | None
    by_class: list[ComplaintsCountOut]
    by_validity: list[ComplaintsCountOut]
    by_category: list[ComplaintsCountOut]
    by_community: list[ComplaintsCountOut]
    by_handler: list[ComplaintsCountOut]


class ComplaintsMonthQuery(Schema):
    month: str = Month


class ComplaintsCaseIn(Schema):
    title: str = Field(max_length=100)
    lessons: str = Field("", max_length=2000)


class ComplaintsCaseOut(Schema):
    id: int
    complaint_id: int
    title: str
    story: str
    lessons: str
    written_by: UserRef
    written_at: LocalDateTime

    @staticmethod
    def resolve_written_by(obj: TrainingCase) -> dict | None:
        return user_ref(obj.written_by)


class ComplaintsNoticeIn(Schema):
    service_center_id: Id
    month: str = Month
    title: str = Field(max_length=100)
    body: str = Field(max_length=10000)
    complaint_ids: list[Id] = Field(max_length=200)


class ComplaintsNoticeOut(Schema):
    id: int
    service_center_id: int
    month: dt.date
    title: str
    body: str
    complaint_ids: list[int]
    status: str
    due_on: dt.date
    late: bool
    approved_at: LocalDateTime | None
    published_at: LocalDateTime | None
    published_how: str
    version: int

    @staticmethod
    def resolve_complaint_ids(obj: PublicNotice) -> list[int]:
        return sorted(obj.complaints.values_list("pk", flat=True))


class ComplaintsVersionIn(Schema):
    expected_version: Version | None = None


class ComplaintsPublishIn(ComplaintsVersionIn):
    how: str = Field(max_length=100, description="公布方式：公告栏、业主群、业户门户……")


class ComplaintsNoteIn(ComplaintsVersionIn):
    note: str = Field("", max_length=2000)


class ComplaintsActionIn(Schema):
    service_center_id: Id
    month: str = Month
    kind: ActionKind
    title: str = Field(max_length=100)
    detail: str = Field("", max_length=2000)
    due_on: dt.date


class ComplaintsActionOut(Schema):
    id: int
    service_center_id: int
    month: dt.date
    kind: str
    title: str
    detail: str
    due_on: dt.date
    overdue: bool
    progress: list[dict]
    done_at: LocalDateTime | None
    done_note: str
    version: int


class ComplaintsLegacyIn(Schema):
    community_id: Id
    year: int = Field(ge=2000, le=2099)
    quarter: int = Field(ge=1, le=4)


class ComplaintsLegacyOut(Schema):
    id: int
    community_id: int
    year: int
    quarter: int
    figures: dict
    reviewed_at: LocalDateTime | None
    review_note: str
    submitted_at: LocalDateTime | None
    version: int


E = {409: ErrorOut, **COMMON_ERRORS}


@router.get(
    "/complaints/monthly/summary", response={200: ComplaintsMonthlyOut, **COMMON_ERRORS}, summary="月度汇总 / Month"
)
def monthly_summary(request: HttpRequest, query: Query[ComplaintsMonthQuery]):
    """本月投诉按责任类别、有效性、投诉类别、小区、负责人与及时性汇总。 / The month's complaints summarised."""
    s = selectors_monthly.monthly_summary(user=request.auth, month=_month(query.month))
    rows = lambda pairs: [{"label": str(a), "count": b} for a, b in pairs]  # noqa: E731
    return {
        **{k: getattr(s, k) for k in ("month", "total", "open", "repeats", "collective", "clocks_met")},
        **{k: getattr(s, k) for k in ("clocks_breached", "clocks_running_late", "on_time_rate")},
        **{k: rows(getattr(s, k)) for k in ("by_class", "by_validity", "by_category", "by_community", "by_handler")},
    }


@router.post("/complaints/{complaint_id}/case", response={200: ComplaintsCaseOut, **E}, summary="编为案例 / Case")
def write_case(request: HttpRequest, complaint_id: Id, payload: ComplaintsCaseIn):
    """把投诉编为培训案例（自动去除姓名、电话、房号）。 / Write the complaint up as an anonymised training case."""
    return monthly.training_case_write(
        actor=request.auth, complaint=_complaint(request, complaint_id), **payload.model_dump()
    )


@router.get(
    "/complaints/monthly/cases", response={200: list[ComplaintsCaseOut], **COMMON_ERRORS}, summary="培训案例 / Cases"
)
def list_cases(request: HttpRequest):
    """培训案例，新的在前（最多 100 条）。 / Training cases, newest first."""
    return list(selectors_monthly.training_cases(user=request.auth)[:100])


@router.get(
    "/complaints/monthly/notices", response={200: list[ComplaintsNoticeOut], **COMMON_ERRORS}, summary="公告 / Notices"
)
def list_notices(request: HttpRequest):
    """月度公共投诉公告（含是否逾期）。 / The monthly public-interest notices, with their late flag."""
    return list(selectors_monthly.public_notices(user=request.auth)[:100])


@router.post(
    "/complaints/monthly/notices", response={200: ComplaintsNoticeOut, **E}, summary="拟写公告 / Draft a notice"
)
def draft_notice(request: HttpRequest, payload: ComplaintsNoticeIn):
    """从本中心本月选定的投诉拟写公告，30 日前公布。 / Draft the month's notice from chosen complaints."""
    center = ServiceCenter.objects.visible_to(request.auth).get(pk=payload.service_center_id)
    chosen = list(Complaint.objects.visible_to(request.auth).filter(pk__in=payload.complaint_ids))
    if len(chosen) != len(set(payload.complaint_ids)):
        raise ValidationError({"complaint_ids": _("投诉不存在或您无权访问")})
    return monthly.notice_draft(
        actor=request.auth,
        service_center=center,
        month=_month(payload.month),
        title=payload.title,
        body=payload.body,
        complaints=chosen,
    )


def _notice(request, notice_id) -> PublicNotice:
    return selectors_monthly.public_notices(user=request.auth).get(pk=notice_id)


@router.post(
    "/complaints/monthly/notices/{notice_id}/approve",
    response={200: ComplaintsNoticeOut, **E},
    summary="审批公告 / Approve",
)
def approve_notice(request: HttpRequest, notice_id: Id, payload: ComplaintsVersionIn):
    """部门负责人审批公告。 / The department head approves the notice."""
    return monthly.notice_approve(actor=request.auth, notice=_notice(request, notice_id), **payload.model_dump())


@router.post(
    "/complaints/monthly/notices/{notice_id}/publish",
    response={200: ComplaintsNoticeOut, **E},
    summary="公布 / Publish",
)
def publish_notice(request: HttpRequest, notice_id: Id, payload: ComplaintsPublishIn):
    """记录向全体业户公布（时间、方式）；超过 30 日为逾期。 / Record the publication (late after the 30th)."""
    return monthly.notice_publish(actor=request.auth, notice=_notice(request, notice_id), **payload.model_dump())


@router.get(
    "/complaints/monthly/actions", response={200: list[ComplaintsActionOut], **COMMON_ERRORS}, summary="措施 / Actions"
)
def list_actions(request: HttpRequest):
    """纠正预防措施（含是否超期）。 / Corrective and preventive actions, with their overdue flag."""
    return list(selectors_monthly.corrective_actions(user=request.auth)[:200])


@router.post("/complaints/monthly/actions", response={200: ComplaintsActionOut, **E}, summary="下达措施 / Issue")
def issue_action(request: HttpRequest, payload: ComplaintsActionIn):
    """业务管理部根据月度分析向服务中心下达纠正预防措施。 / Issue an action to a center."""
    center = ServiceCenter.objects.visible_to(request.auth).get(pk=payload.service_center_id)
    data = payload.model_dump(exclude={"service_center_id", "month"})
    return monthly.action_issue(actor=request.auth, service_center=center, month=_month(payload.month), **data)


def _action(request, action_id) -> CorrectiveAction:
    return selectors_monthly.corrective_actions(user=request.auth).get(pk=action_id)


@router.post(
    "/complaints/monthly/actions/{action_id}/progress",
    response={200: ComplaintsActionOut, **E},
    summary="进展 / Progress",
)
def action_progress(request: HttpRequest, action_id: Id, payload: ComplaintsNoteIn):
    """记录措施执行进展。 / Record progress on the action."""
    return monthly.action_progress(actor=request.auth, action=_action(request, action_id), **payload.model_dump())


@router.post(
    "/complaints/monthly/actions/{action_id}/done", response={200: ComplaintsActionOut, **E}, summary="完成 / Done"
)
def action_done(request: HttpRequest, action_id: Id, payload: ComplaintsNoteIn):
    """服务中心经理确认措施完成。 / The center manager confirms the action done."""
    return monthly.action_finish(actor=request.auth, action=_action(request, action_id), **payload.model_dump())


@router.get(
    "/complaints/monthly/legacy",
    response={200: list[ComplaintsLegacyOut], **COMMON_ERRORS},
    summary="遗留问题统计 / Legacy",
)
def list_legacy(request: HttpRequest):
    """交付一年内小区的开发商遗留问题季度统计。 / Quarterly developer-legacy statistics."""
    return list(selectors_monthly.legacy_reports(user=request.auth)[:100])


@router.post("/complaints/monthly/legacy", response={200: ComplaintsLegacyOut, **E}, summary="统计 / Compile")
def compile_legacy(request: HttpRequest, payload: ComplaintsLegacyIn):
    """统计一个小区一个季度的开发商遗留问题投诉。 / Compile a community's quarter."""
    community = Community.objects.visible_to(request.auth).get(pk=payload.community_id)
    return legacy.legacy_compile(actor=request.auth, community=community, year=payload.year, quarter=payload.quarter)


def _report(request, report_id) -> LegacyReport:
    return selectors_monthly.legacy_reports(user=request.auth).get(pk=report_id)


@router.post(
    "/complaints/monthly/legacy/{report_id}/review", response={200: ComplaintsLegacyOut, **E}, summary="审核 / Review"
)
def review_legacy(request: HttpRequest, report_id: Id, payload: ComplaintsNoteIn):
    """服务中心经理审核统计。 / The center manager reviews the statistics."""
    return legacy.legacy_review(actor=request.auth, report=_report(request, report_id), **payload.model_dump())


@router.post(
    "/complaints/monthly/legacy/{report_id}/submit", response={200: ComplaintsLegacyOut, **E}, summary="报送 / Submit"
)
def submit_legacy(request: HttpRequest, report_id: Id, payload: ComplaintsVersionIn):
    """审核后报送业务管理部。 / Submit the reviewed statistics to the business-management department."""
    return legacy.legacy_submit(actor=request.auth, report=_report(request, report_id), **payload.model_dump())
