"""Document and record endpoints on the complaints router: a complaint's letters and written reports (drafted,
their sending recorded; each with the address of its printable page), the record form's signature, review and
sign-off, the register's .xlsx export with the register's filters, and the center's collective-complaint window.
Same contracts as the complaint endpoints."""

import tempfile

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, InputDateTime, LocalDateTime, UserRef, Version, user_ref
from propdesk.core.http import client_ip
from propdesk.core.permissions import require

from . import export, selectors, services
from .api import WRITE, router
from .api import _get as _complaint
from .api_schemas import ComplaintFilters
from .models import ComplaintLetter, ComplaintSettings
from .models_documents import LetterKind, SendMethod


class ComplaintLetterOut(Schema):
    id: int
    complaint_id: int
    kind: str = Field(description="reply 书面答复函 / developer 致开发商书面报告 / department 致有关部门书面报告")
    recipient: str
    body: str
    written_by: UserRef
    written_at: LocalDateTime
    sent_at: LocalDateTime | None
    sent_method: str
    sent_by: UserRef | None
    sent_note: str
    print_url: str = Field(description="可打印页面（A4，加盖服务中心印章）")
    version: int

    @staticmethod
    def resolve_written_by(obj: ComplaintLetter) -> dict | None:
        return user_ref(obj.written_by)

    @staticmethod
    def resolve_sent_by(obj: ComplaintLetter) -> dict | None:
        return user_ref(obj.sent_by)

    @staticmethod
    def resolve_print_url(obj: ComplaintLetter) -> str:
        return reverse("complaints:letter", args=[obj.complaint_id, obj.pk])


class ComplaintLetterIn(Schema):
    kind: LetterKind
    recipient: str = Field("", max_length=100, description="收件人；空则按主数据（投诉人、开发商客服中心）")
    body: str = Field(max_length=5000)
    expected_version: Version | None = None


class ComplaintLetterSentIn(Schema):
    method: SendMethod
    sent_at: InputDateTime | None = Field(None, description="发出时间；空则为现在")
    note: str = Field("", max_length=200)
    expected_version: Version | None = None


class ComplaintSignIn(Schema):
    customer_opinion: str = Field(max_length=1000)
    satisfied: bool | None = None
    signature: str = Field(max_length=800_000, description="客户签名：data:image/png;base64,…")
    expected_version: Version | None = None


class ComplaintNoteIn(Schema):
    note: str = Field("", max_length=1000)
    expected_version: Version | None = None


class ComplaintWindowOut(Schema):
    service_center_id: int
    collective_window_minutes: int


class ComplaintWindowIn(Schema):
    collective_window_minutes: int = Field(ge=30, le=7 * 24 * 60, description="30 分钟到 7 天")


LETTER = {200: ComplaintLetterOut, 409: ErrorOut, **COMMON_ERRORS}


def _letter(request: HttpRequest, complaint_id: int, letter_id: int) -> ComplaintLetter:
    complaint = _complaint(request, complaint_id)
    return complaint.letters.select_related("written_by", "sent_by").get(pk=letter_id)


@router.get(
    "/complaints/export.xlsx",
    response={200: None, **COMMON_ERRORS},
    summary="导出投诉登记 / Export the register",
)
def export_complaints(request: HttpRequest, filters: Query[ComplaintFilters]):
    """按登记页的筛选条件导出 .xlsx（电话脱敏，留导出记录）。 / The filtered register as .xlsx (masked, audited)."""
    require(request.auth, "complaint.export", message=_("您无权导出投诉登记"))
    kwargs = {
        "responsibility_class": filters.responsibility_class,
        "validity": filters.validity,
        "status": filters.status,
        "overdue": filters.overdue,
        "repeat": filters.repeat,
        "community_id": filters.community_id,
        "owner_id": filters.owner_id,
        "query": filters.q.strip(),
    }
    summary = {k: v for k, v in filters.model_dump(exclude={"offset", "limit"}).items() if v not in (None, "")}
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    export.export_register(output, actor=request.auth, filters=kwargs, summary=summary, ip_address=client_ip(request))
    output.seek(0)
    response = FileResponse(output, content_type=export.XLSX)
    response["Content-Disposition"] = export.content_disposition(timezone.localdate())
    return response


@router.get(
    "/complaints/settings",
    response={200: list[ComplaintWindowOut], **COMMON_ERRORS},
    summary="集体投诉时间窗 / Collective windows",
)
def list_windows(request: HttpRequest):
    """我可以设置的服务中心及其集体投诉时间窗。 / The centers whose collective-complaint window the caller sets."""
    return [
        {"service_center_id": r.service_center_id, "collective_window_minutes": r.collective_window_minutes}
        for r in selectors.window_settings(user=request.auth)
    ]


@router.post(
    "/complaints/settings/{center_id}",
    response={200: ComplaintWindowOut, **COMMON_ERRORS},
    summary="设置集体投诉时间窗 / Set the collective window",
)
def set_window(request: HttpRequest, center_id: Id, payload: ComplaintWindowIn):
    """服务中心经理设置本中心的集体投诉时间窗（默认 24 小时）。 / The center manager sets the window."""
    centers = {r.service_center_id: r.service_center for r in selectors.window_settings(user=request.auth)}
    if center_id not in centers:
        raise ComplaintSettings.DoesNotExist
    row = services.complaint_settings_set(
        actor=request.auth,
        service_center=centers[center_id],
        collective_window_minutes=payload.collective_window_minutes,
    )
    return {"service_center_id": row.service_center_id, "collective_window_minutes": row.collective_window_minutes}


@router.get(
    "/complaints/{complaint_id}/letters",
    response={200: list[ComplaintLetterOut], **COMMON_ERRORS},
    summary="投诉文书 / Letters and reports",
)
def list_letters(request: HttpRequest, complaint_id: Id):
    """投诉的书面答复函与书面报告（含打印页地址与发出记录）。 / The complaint's letters and reports."""
    return list(_complaint(request, complaint_id).letters.select_related("written_by", "sent_by"))


@router.post("/complaints/{complaint_id}/letters", response=LETTER, summary="拟写文书 / Draft a letter")
def write_letter(request: HttpRequest, complaint_id: Id, payload: ComplaintLetterIn):
    """拟写书面答复函（书面投诉）、致开发商书面报告（二类配套设施）或致有关部门书面报告（三类）。

    Draft the reply letter of a written complaint, or the written report of a class-2 facilities / class-3 one."""
    return services.complaint_letter_write(
        actor=request.auth, complaint=_complaint(request, complaint_id), **payload.model_dump()
    )


@router.post(
    "/complaints/{complaint_id}/letters/{letter_id}/sent", response=LETTER, summary="记录发出 / Record the sending"
)
def send_letter(request: HttpRequest, complaint_id: Id, letter_id: Id, payload: ComplaintLetterSentIn):
    """记录文书的发出：时间、方式、发出人。 / Record when, how and by whom the letter was sent."""
    letter = services.complaint_letter_send(
        actor=request.auth, letter=_letter(request, complaint_id, letter_id), **payload.model_dump()
    )
    return _letter(request, complaint_id, letter.pk)


@router.post("/complaints/{complaint_id}/signature", response=WRITE, summary="客户签名 / Customer's signature")
def sign_record(request: HttpRequest, complaint_id: Id, payload: ComplaintSignIn):
    """上门回访时客户在屏幕上签署意见并签名（有效投诉或重复投诉）。 / The customer's opinion and signature."""
    complaint = services.complaint_home_visit_sign(
        actor=request.auth, complaint=_complaint(request, complaint_id), **payload.model_dump()
    )
    return _complaint(request, complaint.pk)


@router.post("/complaints/{complaint_id}/review", response=WRITE, summary="主管审核 / Supervisor's review")
def review_record(request: HttpRequest, complaint_id: Id, payload: ComplaintNoteIn):
    """客服主管审核已处理完毕的投诉记录表。 / The CS supervisor reviews the record of a handled complaint."""
    complaint = services.complaint_review(
        actor=request.auth, complaint=_complaint(request, complaint_id), **payload.model_dump()
    )
    return _complaint(request, complaint.pk)


@router.post("/complaints/{complaint_id}/sign-off", response=WRITE, summary="经理签批 / Manager's sign-off")
def sign_off_record(request: HttpRequest, complaint_id: Id, payload: ComplaintNoteIn):
    """服务中心经理对已审核的投诉记录表签署意见。 / The center manager signs off the reviewed record."""
    complaint = services.complaint_sign_off(
        actor=request.auth, complaint=_complaint(request, complaint_id), **payload.model_dump()
    )
    return _complaint(request, complaint.pk)
