"""A job's progress and records in the JSON API: accept, decline, on the way, arrive, materials, photos,
finish, report, sign-off, return visit, close, cancel, routing class, contact sheet, vendor result and
follow-ups. One service call each; mounted by ``propdesk.dispatch.api``."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, UploadedFile

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import Id

from . import selectors, services
from .api_common import TAGS, MultipartAsJson, body_of, call, work_order, work_order_body
from .api_schemas import (
    ContactSheetOut,
    FinishIn,
    FollowUpDoneIn,
    FollowUpIn,
    FollowUpOut,
    MaterialIn,
    MaterialOut,
    PhotoOut,
    ReasonIn,
    ReturnVisitIn,
    ReturnVisitOut,
    ReturnVisitResultOut,
    RoutingIn,
    StageValue,
    StepValue,
    VendorResultIn,
    VersionIn,
    WorkOrderOut,
)
from .choices import Status
from .models import FollowUp

router = Router(tags=TAGS)

CONFLICT = {409: ErrorOut, **COMMON_ERRORS}
ONE = "/work-orders/{work_order_id}"


def _progress(request: HttpRequest, work_order_id: Id, payload: VersionIn | None, to_status: str):
    wo = work_order(request, work_order_id)
    return call(
        services.work_order_progress,
        actor=request.auth,
        work_order=wo,
        to_status=to_status,
        expected_version=(payload or VersionIn()).expected_version,
    )


@router.post(f"{ONE}/accept", response={200: WorkOrderOut, **CONFLICT}, summary="接单 / Accept")
def accept_work_order(request: HttpRequest, work_order_id: Id, payload: VersionIn | None = None):
    """本人接单；控制中心可替不便使用手机的人员操作（记录代办人）。

    The worker accepts; a dispatcher may do it for a worker without a phone (recorded as on their behalf).
    """
    return _progress(request, work_order_id, payload, Status.ACCEPTED)


@router.post(f"{ONE}/on-the-way", response={200: WorkOrderOut, **CONFLICT}, summary="出发 / On the way")
def on_the_way(request: HttpRequest, work_order_id: Id, payload: VersionIn | None = None):
    """出发前往现场。

    The worker sets off to the site.
    """
    return _progress(request, work_order_id, payload, Status.ON_THE_WAY)


@router.post(f"{ONE}/arrive", response={200: WorkOrderOut, **CONFLICT}, summary="到场 / Arrived")
def arrive(request: HttpRequest, work_order_id: Id, payload: VersionIn | None = None):
    """到达现场。

    The worker is on site.
    """
    return _progress(request, work_order_id, payload, Status.ARRIVED)


@router.post(f"{ONE}/decline", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="拒单 / Decline")
def decline_work_order(request: HttpRequest, work_order_id: Id, payload: ReasonIn):
    """拒单（须填写原因）：工作单回到派单台，控制中心收到通知。

    Decline with a reason (required): the job goes back to the board and the control center is told.
    """
    wo = work_order(request, work_order_id)
    return call(services.work_order_decline, actor=request.auth, work_order=wo, reason=payload.reason)


@router.post(f"{ONE}/materials", response={201: MaterialOut, **COMMON_ERRORS}, summary="登记材料 / Record a material")
def add_material(
    request: HttpRequest,
    response: HttpResponse,
    work_order_id: Id,
    payload: MaterialIn,
    idempotency_key: str | None = key_header(),
):
    """登记用料（名称、数量、单位）。支持 ``Idempotency-Key``。

    Record a material used (name, quantity, unit). Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        wo = work_order(request, work_order_id)
        material = call(
            services.material_add,
            actor=request.auth,
            work_order=wo,
            name=payload.name,
            quantity=payload.quantity,
            unit=payload.unit,
        )
        return 201, body_of(MaterialOut, material)

    return idempotent(request, response, endpoint="work_orders.materials", key=idempotency_key, create=create)


@router.post(f"{ONE}/photos", response={201: PhotoOut, **COMMON_ERRORS}, summary="上传照片 / Upload a photo")
def add_photo(
    request: HttpRequest,
    response: HttpResponse,
    work_order_id: Id,
    stage: Form[StageValue],
    file: File[UploadedFile],
    idempotency_key: str | None = key_header(),
):
    """上传维修前（before）或维修后（after）照片（multipart/form-data：``stage``、``file``）。支持 ``Idempotency-Key``。

    Upload a before or after photo (multipart/form-data: ``stage``, ``file``). Supports ``Idempotency-Key``:
    a retry is recognised by the stage and the file's content.
    """

    def create() -> tuple[int, dict]:
        wo = work_order(request, work_order_id)
        photo = call(services.photo_add, actor=request.auth, work_order=wo, stage=stage, upload=file)
        return 201, body_of(PhotoOut, photo)

    seen_as = MultipartAsJson(request, {"stage": stage}, {"file": file})
    return idempotent(seen_as, response, endpoint="work_orders.photos", key=idempotency_key, create=create)


@router.post(f"{ONE}/finish", response={200: WorkOrderOut, **CONFLICT}, summary="完工 / Finish")
def finish_work_order(request: HttpRequest, work_order_id: Id, payload: FinishIn):
    """现场完工：处理结果，以及客户签名（PNG data URL）或客户不在场的原因；可带客户现场评价。

    Work finished on site: the result, and the customer's signature (a PNG data URL) or why the customer could
    not sign; optionally the customer's on-site rating.
    """
    wo = work_order(request, work_order_id)
    return call(
        services.work_order_finish,
        actor=request.auth,
        work_order=wo,
        result=payload.result,
        signature=payload.signature,
        customer_absent_reason=payload.customer_absent_reason,
        rating=payload.rating,
        expected_version=payload.expected_version,
    )


@router.post(f"{ONE}/report", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="报完工 / Report completion")
def report_work_order(request: HttpRequest, work_order_id: Id):
    """向控制中心报完工；下班签认的时限开始计算。

    Report completion to the control center; the end-of-shift sign-off clock starts.
    """
    wo = work_order(request, work_order_id)
    return call(services.work_order_report, actor=request.auth, work_order=wo)


@router.post(f"{ONE}/sign-off", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="签认 / Sign off")
def sign_off_work_order(request: HttpRequest, work_order_id: Id):
    """下班时到中心签认已报完工的工作单；之后回访，或按本中心规则免回访直接销单。

    End-of-shift sign-off of a reported job; then the return visit, or closing when the center's policy
    exempts it.
    """
    wo = work_order(request, work_order_id)
    return call(services.work_order_sign_off, actor=request.auth, work_orders=[wo])[0]


@router.post(
    f"{ONE}/return-visits", response={201: ReturnVisitResultOut, **COMMON_ERRORS}, summary="回访 / Return visit"
)
def record_return_visit(
    request: HttpRequest,
    response: HttpResponse,
    work_order_id: Id,
    payload: ReturnVisitIn,
    idempotency_key: str | None = key_header(),
):
    """登记回访：满意（质量 ≥ 3）则销单；不满意则重新待派单并通知客服主管；未联系上则按次数重试，达到上限后销单。
    支持 ``Idempotency-Key``。

    Record a return visit: satisfied (quality ≥ 3) closes the order; dissatisfied puts it back for dispatch and
    tells the supervisor; unreachable is retried up to the center's limit, then closed. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        wo = work_order(request, work_order_id)
        visit = call(services.return_visit_record, actor=request.auth, work_order=wo, **payload.model_dump())
        return 201, {**body_of(ReturnVisitOut, visit), "work_order": work_order_body(visit.work_order)}

    return idempotent(request, response, endpoint="work_orders.return_visits", key=idempotency_key, create=create)


@router.post(f"{ONE}/close", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="销单 / Close")
def close_work_order(request: HttpRequest, work_order_id: Id, payload: ReasonIn | None = None):
    """销单：已签认、且已回访或按规则免回访的工作单。

    Close a signed-off order whose return visit is done or not required.
    """
    wo = work_order(request, work_order_id)
    reason = payload.reason if payload else ""
    return call(services.work_order_close, actor=request.auth, work_order=wo, reason=reason)


@router.post(f"{ONE}/cancel", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="取消 / Cancel")
def cancel_work_order(request: HttpRequest, work_order_id: Id, payload: ReasonIn):
    """取消工作单（须填写原因）。

    Cancel a work order (a reason is required).
    """
    wo = work_order(request, work_order_id)
    return call(services.work_order_cancel, actor=request.auth, work_order=wo, reason=payload.reason)


@router.post(f"{ONE}/routing", response={200: WorkOrderOut, **CONFLICT}, summary="处理类别 / Set the routing class")
def route_work_order(request: HttpRequest, work_order_id: Id, payload: RoutingIn):
    """改为工程类、整改类（随后办理工作联系单）、其他类（须给出外联单位 ``vendor_id``，随即通知并按承诺时间催办）或沟通类
    （随后安排跟进）。只能在完工前更改；已派给本中心人员的工作单转外联单位时收回待派单。

    Route to engineering, rectification (then the contact-sheet steps), vendor (with ``vendor_id``; the vendor is
    told now and chased past its promised time) or communication (then follow-ups). Only before the job is
    finished; a job with one of our workers that goes to a vendor comes back to "to dispatch".
    """
    wo = work_order(request, work_order_id)
    vendor = None
    if payload.vendor_id is not None:
        vendor = selectors.route_vendors(user=request.auth).filter(pk=payload.vendor_id).first()
        if vendor is None:
            raise ValidationError({"vendor_id": _("记录不存在或您无权查看")}, code="not_found")
    return call(
        services.work_order_route,
        actor=request.auth,
        work_order=wo,
        routing=payload.routing,
        vendor=vendor,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post(
    f"{ONE}/contact-sheet", response={200: ContactSheetOut, **COMMON_ERRORS}, summary="工作联系单 / Contact sheet step"
)
def advance_contact_sheet(
    request: HttpRequest,
    response: HttpResponse,
    work_order_id: Id,
    step: Form[StepValue],
    content: Form[str] = "",
    signer_name: Form[str] = "",
    scan: File[UploadedFile | None] = None,
    idempotency_key: str | None = key_header(),
):
    """整改类工作联系单按顺序办理（表单，可附签字扫描件 ``scan``）：drafted 填写（``content``）→ manager_signed
    经理核实签字 → developer_received 开发商签收 → developer_done 开发商整改完成（后两步须 ``signer_name``）。
    支持 ``Idempotency-Key``。

    The rectification contact sheet step by step (a form, optionally with a signed ``scan``): drafted
    (``content``) → manager_signed → developer_received → developer_done (the last two with ``signer_name``).
    Supports ``Idempotency-Key``.
    """

    def advance() -> tuple[int, dict]:
        wo = work_order(request, work_order_id)
        sheet = call(
            services.contact_sheet_advance,
            actor=request.auth,
            work_order=wo,
            step=step,
            content=content,
            signer_name=signer_name,
            scan=scan,
        )
        return 200, body_of(ContactSheetOut, sheet)

    fields = {"step": step, "content": content, "signer_name": signer_name}
    seen_as = MultipartAsJson(request, fields, {"scan": scan})
    return idempotent(seen_as, response, endpoint="work_orders.contact_sheet", key=idempotency_key, create=advance)


@router.post(f"{ONE}/vendor-result", response={200: WorkOrderOut, **COMMON_ERRORS}, summary="外联结果 / Vendor result")
def record_vendor_result(request: HttpRequest, work_order_id: Id, payload: VendorResultIn):
    """登记外联单位的处理结果；之后答复客户并回访。

    Record what the external unit did; the customer is then answered and visited.
    """
    wo = work_order(request, work_order_id)
    return call(services.vendor_record_result, actor=request.auth, work_order=wo, result=payload.result)


@router.post(f"{ONE}/follow-ups", response={201: FollowUpOut, **COMMON_ERRORS}, summary="安排跟进 / Plan a follow-up")
def plan_follow_up(
    request: HttpRequest,
    response: HttpResponse,
    work_order_id: Id,
    payload: FollowUpIn,
    idempotency_key: str | None = key_header(),
):
    """沟通类事项安排跟进（计划时间须晚于现在）。支持 ``Idempotency-Key``。

    Plan a follow-up of a communication-class matter (due in the future). Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        wo = work_order(request, work_order_id)
        follow_up = call(services.follow_up_plan, actor=request.auth, work_order=wo, **payload.model_dump())
        return 201, body_of(FollowUpOut, follow_up)

    return idempotent(request, response, endpoint="work_orders.follow_ups", key=idempotency_key, create=create)


@router.post(
    f"{ONE}/follow-ups/{{follow_up_id}}/done",
    response={200: FollowUpOut, **COMMON_ERRORS},
    summary="跟进完成 / Follow-up done",
)
def follow_up_done(request: HttpRequest, work_order_id: Id, follow_up_id: Id, payload: FollowUpDoneIn):
    """登记跟进结果。

    Record the outcome of a follow-up.
    """
    wo = work_order(request, work_order_id)
    follow_up = FollowUp.objects.filter(pk=follow_up_id, work_order=wo).first()
    if follow_up is None:
        raise Http404
    return call(services.follow_up_done, actor=request.auth, follow_up=follow_up, outcome=payload.outcome)
