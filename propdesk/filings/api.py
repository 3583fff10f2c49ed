"""Endpoints of the JSON API for the reports handed in on deadlines (mounted by config/api.py): the due and
outstanding filings, one filing, opening, editing, importing finance rows, each chain step and returning, the
sampling check list, the complaint publications, the company's setting and the .xlsx/PDF downloads — the same
services, selectors and rules as the pages."""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, UploadedFile
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import Id, file_response, page_of, user_ref
from propdesk.communities.models import Community
from propdesk.core.xlsx import XLSX
from propdesk.org.models import Company, ServiceCenter

from . import exports, figures, selectors, services
from .api_schemas import (
    FilingsChecklistRow,
    FilingsFilingOut,
    FilingsFilters,
    FilingsOpenIn,
    FilingsPage,
    FilingsPublicationOut,
    FilingsReasonIn,
    FilingsSampleIn,
    FilingsSampleOut,
    FilingsSettingsIn,
    FilingsSettingsOut,
    FilingsStepIn,
    FilingsUpdateIn,
    FilingsVersionIn,
)
from .sections import filled

# The years a sampling check list may be asked for (a year outside is a 422, like any bad parameter).
SamplingYear = Annotated[int, Path(ge=2000, le=2099)]

router = Router(tags=["报告报送 Filings"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def filing_body(filing) -> dict:
    today = timezone.localdate()
    step = services.next_step(filing)
    return {
        "id": filing.pk,
        "kind": filing.kind,
        "kind_label": filing.get_kind_display(),
        "service_center_id": filing.service_center_id,
        "community_id": filing.community_id,
        "period_start": filing.period_start.isoformat(),
        "period_end": filing.period_end.isoformat(),
        "status": filing.status,
        "status_label": filing.get_status_display(),
        "needs_quality": filing.needs_quality,
        "next_step": step[0] if step else None,
        "figures": [{"section": s, "key": k, "label": lbl, "value": v} for s, k, lbl, v in figures.rows(filing)],
        "sections": [{"key": k, "label": lbl, "text": text} for k, lbl, text in filled(filing)],
        "finance": [list(row) for row in filing.finance],
        "notice_id": filing.notice_id,
        "notice_status": filing.notice.status if filing.notice_id else None,
        "receipt_by": filing.receipt_by,
        "receipt_at": filing.receipt_at,
        "deadlines": [
            {
                "step": d.step,
                "due_on": d.due_on.isoformat(),
                "done_at": d.done_at,
                "done_by": user_ref(d.done_by),
                "late": d.is_late(today),
            }
            for d in filing.deadlines.all()
        ],
        "version": filing.version,
    }


def _filing(request: HttpRequest, filing_id: int):
    return selectors.filing_get(user=request.auth, pk=filing_id)


def _fresh(request: HttpRequest, filing_id: int) -> dict:
    return filing_body(_filing(request, filing_id))


@router.get("/filings", response={200: FilingsPage, **COMMON_ERRORS})
def list_filings(request: HttpRequest, filters: Query[FilingsFilters]):
    """报告（可按服务中心、类别、未完成筛选），含各步骤期限 / Filings with their deadlines."""
    qs = selectors.filings_for(
        user=request.auth,
        service_center_id=filters.service_center_id,
        kind=filters.kind or "",
        outstanding=filters.outstanding,
    ).prefetch_related("deadlines__done_by__staff_profile")
    page = page_of(qs, filters.offset, filters.limit)
    return {**page, "items": [filing_body(f) for f in page["items"]]}


@router.post("/filings", response={201: FilingsFilingOut, **COMMON_ERRORS})
def open_filing(
    request: HttpRequest, response: HttpResponse, payload: FilingsOpenIn, idempotency_key: str | None = key_header()
):
    """建立一期报告（统计数字自动取数）；支持 ``Idempotency-Key`` / Open a filing for a period."""

    def create() -> tuple[int, dict]:
        center = ServiceCenter.objects.select_related("branch__company").filter(pk=payload.service_center_id).first()
        community = None
        if payload.community_id is not None:
            community = Community.objects.filter(pk=payload.community_id).first()
            if community is None:
                raise Http404(_("项目不存在"))
        if center is None:
            raise Http404(_("服务中心不存在"))
        filing = services.filing_open(
            actor=request.auth, kind=payload.kind, service_center=center, community=community, day=payload.day
        )
        return 201, _fresh(request, filing.pk)

    return idempotent(request, response, endpoint="filings.open", key=idempotency_key, create=create)


@router.get("/filings/publications", response={200: list[FilingsPublicationOut], **COMMON_ERRORS})
def publications(request: HttpRequest):
    """投诉公布事项（月度公共投诉公布、季度开发商遗留问题统计）及期限 / Complaint publications."""
    return [{**p.__dict__, "due_on": p.due_on.isoformat()} for p in selectors.complaint_publications(user=request.auth)]


@router.get("/filings/sampling/{int:year}", response={200: list[FilingsChecklistRow], **COMMON_ERRORS})
def sampling_checklist(request: HttpRequest, year: SamplingYear):
    """年度抽查清单：每个项目是否已抽查 / The yearly sampling check list."""
    rows = selectors.sampling_checklist(user=request.auth, year=year)
    return [
        {"community_id": r.community.pk, "community": r.community.name, "filings": r.filings, "sampled": r.done}
        for r in rows
    ]


@router.put("/filings/settings", response={200: FilingsSettingsOut, **CONFLICT})
def change_settings(request: HttpRequest, payload: FilingsSettingsIn):
    """公司的报告期限设置（期限遇节假日的处理、半月报天数）/ The company's deadline setting."""
    company = Company.objects.visible_to(request.auth).filter(pk=payload.company_id).first()
    if company is None:
        raise PermissionDenied(_("只有公司业务管理部可以修改报告期限设置"))
    setting = services.settings_change(
        actor=request.auth,
        company=company,
        holiday_rule=payload.holiday_rule,
        half_month_days=payload.half_month_days,
        expected_version=payload.expected_version,
    )
    return {
        "company_id": company.pk,
        "holiday_rule": setting.holiday_rule,
        "half_month_days": setting.half_month_days,
        "version": setting.version,
    }


@router.get("/filings/{int:filing_id}", response={200: FilingsFilingOut, **COMMON_ERRORS})
def get_filing(request: HttpRequest, filing_id: Id):
    """一期报告 / One filing."""
    return _fresh(request, filing_id)


@router.put("/filings/{int:filing_id}", response={200: FilingsFilingOut, **CONFLICT})
def update_filing(request: HttpRequest, filing_id: Id, payload: FilingsUpdateIn):
    """填写文字部分和财务收支（草稿或退回时）/ Write the text sections and the finance rows."""
    services.filing_update(
        actor=request.auth,
        filing=_filing(request, filing_id),
        sections=payload.sections,
        finance=[list(r) for r in payload.finance] if payload.finance is not None else None,
        expected_version=payload.expected_version,
    )
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/finance", response={200: FilingsFilingOut, **CONFLICT})
def import_finance(request: HttpRequest, filing_id: Id, file: File[UploadedFile]):
    """从 .xlsx 导入财务收支（第一列项目、第二列金额，首行为表头）/ Import the finance rows."""
    services.finance_import(actor=request.auth, filing=_filing(request, filing_id), upload=file, expected_version=None)
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/document", response={200: FilingsFilingOut, **CONFLICT})
def attach_document(request: HttpRequest, filing_id: Id, file: File[UploadedFile]):
    """上传报告文件（年度预决算）/ Attach the filing's document."""
    services.document_attach(actor=request.auth, filing=_filing(request, filing_id), upload=file, expected_version=None)
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/refresh", response={200: FilingsFilingOut, **CONFLICT})
def refresh_figures(request: HttpRequest, filing_id: Id, payload: FilingsVersionIn):
    """重新取数（草稿时）/ Count the figures again."""
    services.figures_refresh(
        actor=request.auth, filing=_filing(request, filing_id), expected_version=payload.expected_version
    )
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/step", response={200: FilingsFilingOut, **CONFLICT})
def take_step(request: HttpRequest, filing_id: Id, payload: FilingsStepIn):
    """流程的下一步（不能跳过）：提交、审核、审批、品质审批、传阅、挂内网、公布（生成公告）、呈交签收 / The next step."""
    services.filing_step(
        actor=request.auth,
        filing=_filing(request, filing_id),
        step=payload.step.value,
        expected_version=payload.expected_version,
        data={"receipt_by": payload.receipt_by, "receipt_note": payload.receipt_note},
    )
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/return", response={200: FilingsFilingOut, **CONFLICT})
def return_filing(request: HttpRequest, filing_id: Id, payload: FilingsReasonIn):
    """退回修改（当前步骤的审核人，须填原因）/ Return to the drafter."""
    services.filing_return(
        actor=request.auth,
        filing=_filing(request, filing_id),
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _fresh(request, filing_id)


@router.post("/filings/{int:filing_id}/samplings", response={201: FilingsSampleOut, **COMMON_ERRORS})
def sample_filing(request: HttpRequest, filing_id: Id, payload: FilingsSampleIn):
    """业务管理部抽查记录 / Record a sampling check."""
    check = services.sampling_record(
        actor=request.auth, filing=_filing(request, filing_id), result=payload.result, note=payload.note
    )
    body = {"id": check.pk, "filing_id": check.filing_id, "year": check.year, "result": check.result}
    return Status(201, {**body, "note": check.note})


@router.get(
    "/filings/{int:filing_id}/xlsx",
    response=COMMON_ERRORS,
    openapi_extra=file_response("统计数字 .xlsx", XLSX),
)
def filing_xlsx(request: HttpRequest, filing_id: Id):
    """统计数字与财务收支 .xlsx / The figures as .xlsx."""
    response = HttpResponse(exports.xlsx_bytes(_filing(request, filing_id)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="filing_{filing_id}.xlsx"'
    return response


@router.get(
    "/filings/{int:filing_id}/pdf",
    response=COMMON_ERRORS,
    openapi_extra=file_response("A4 PDF", "application/pdf"),
)
def filing_pdf(request: HttpRequest, filing_id: Id):
    """A4 PDF（管理服务报告带服务中心业务章）/ The filing as PDF."""
    response = HttpResponse(exports.pdf_bytes(_filing(request, filing_id)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="filing_{filing_id}.pdf"'
    return response
