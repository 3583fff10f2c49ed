"""The notices API's PDF, public-board and fee-schedule/contacts endpoints (added to the notices router by
``register``): the same services, selectors and rules as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, Ref, Version
from propdesk.core.permissions import can
from propdesk.org.models import ServiceCenter

from . import selectors
from .choices import PRICE_COMPLAINT_LINE
from .models import FeeItem, Notice, ServiceContact
from .services import board as board_services
from .views.documents import pdf_response

router = Router(tags=["公告预警 Notices"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}
PDF = {"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}}
RegimeIn = Literal["gov_set", "gov_guided", "market"]
ContactKindIn = Literal["water", "power", "gas", "telecom", "cable", "hotline", "center", "public", "other"]


class NoticesFeeItemIn(Schema):
    service_center_id: Id
    community_id: Id
    item: str = Field(max_length=60)
    payer: str = Field("", max_length=60)
    service_content: str = Field("", max_length=200)
    service_standard: str = Field("", max_length=100)
    price: Decimal = Field(ge=0, lt=100000000, decimal_places=2)
    unit: str = Field(max_length=30)
    billing_method: str = Field(max_length=100)
    billing_start: str = Field("", max_length=100)
    price_regime: RegimeIn
    basis: str = Field(max_length=200)
    authority: str = Field("", max_length=100)
    approval_no: str = Field("", max_length=60)
    collected_for_others: bool = False
    effective_from: dt.date
    effective_until: dt.date | None = None
    sort_order: int = Field(0, ge=0, le=999)


class NoticesFeeItemUpdateIn(NoticesFeeItemIn):
    expected_version: Version = None


class NoticesFeeItemOut(Schema):
    id: int
    service_center_id: int
    community: Ref
    item: str
    payer: str
    service_content: str
    service_standard: str
    price: Decimal
    unit: str
    billing_method: str
    billing_start: str
    price_regime: str
    basis: str
    authority: str
    approval_no: str
    collected_for_others: bool
    effective_from: dt.date
    effective_until: dt.date | None
    sort_order: int
    version: int


class NoticesContactIn(Schema):
    service_center_id: Id
    community_id: Id
    kind: ContactKindIn
    name: str = Field(max_length=60)
    phone: str = Field(max_length=30)
    hours: str = Field("", max_length=60)
    note: str = Field("", max_length=200)
    sort_order: int = Field(0, ge=0, le=999)
    is_active: bool = True


class NoticesContactUpdateIn(NoticesContactIn):
    expected_version: Version = None


class NoticesContactOut(Schema):
    id: int
    service_center_id: int
    community: Ref
    kind: str
    name: str
    phone: str
    hours: str
    note: str
    sort_order: int
    is_active: bool
    version: int


class NoticesBoardFilters(Schema):
    community_id: Id | None = None


class NoticesDeleteIn(Schema):
    expected_version: Version = None


class NoticesPublicBoardOut(Schema):
    """What a community's public board shows besides its notices: the fees in force and the contacts."""

    community: Ref
    fees: list[NoticesFeeItemOut]
    contacts: list[NoticesContactOut]
    price_complaint_line: str


_FEE_FIELDS = tuple(n for n in NoticesFeeItemOut.model_fields if n not in ("community",))
_CONTACT_FIELDS = tuple(n for n in NoticesContactOut.model_fields if n not in ("community",))


def fee_body(item: FeeItem) -> dict:
    body = {name: getattr(item, name) for name in _FEE_FIELDS}
    return {**body, "community": {"id": item.community_id, "name": item.community.name}}


def contact_body(contact: ServiceContact) -> dict:
    body = {name: getattr(contact, name) for name in _CONTACT_FIELDS}
    return {**body, "community": {"id": contact.community_id, "name": contact.community.name}}


def _center(request: HttpRequest, center_id: int) -> ServiceCenter:
    center = ServiceCenter.objects.filter(pk=center_id).first()
    if center is None or not can(request.auth, "board.manage", FeeItem(service_center=center)):
        raise Http404(_("服务中心不存在或您无权操作"))
    return center


def _row(request: HttpRequest, model, pk: int):
    row = model.objects.restrict(request.auth, "board.read").select_related("community").filter(pk=pk).first()
    if row is None:
        raise Http404(_("记录不存在或您无权查看"))
    return row


def _data(payload) -> dict:
    return payload.dict(exclude={"service_center_id", "expected_version"})


@router.get("/notices/{int:notice_id}/pdf", response={200: None, **COMMON_ERRORS}, openapi_extra=PDF)
def notice_pdf(request: HttpRequest, notice_id: Id):
    """公告的 PDF 版（盖章后带业务专用章；草稿注明“草稿”）/ The notice as a PDF (sealed: with the seal)."""
    try:
        notice = selectors.notice_get(user=request.auth, pk=notice_id)
    except Notice.DoesNotExist as exc:
        raise Http404(_("公告不存在或您无权查看")) from exc
    return pdf_response(notice)


@router.get(
    "/notices/board/{code}/{int:notice_id}/pdf",
    auth=None,
    response={200: None, **COMMON_ERRORS},
    openapi_extra=PDF,
)
def board_notice_pdf(request: HttpRequest, code: str, notice_id: Id) -> HttpResponse:
    """公告栏上公告的 PDF（无需登录）/ A notice on a community's public board as a PDF, without login."""
    community = selectors.public_community(code=code)
    notice = selectors.board_notices(community=community).filter(pk=notice_id).first() if community else None
    if notice is None:
        raise Http404(_("公告不存在或已下架"))
    return pdf_response(notice)


@router.get("/notices/board/{code}", auth=None, response={200: NoticesPublicBoardOut, **COMMON_ERRORS})
def public_board(request: HttpRequest, code: str):
    """小区公告栏的收费价目表和服务电话（无需登录）/ A board's fee schedule and contacts, without login."""
    community = selectors.public_community(code=code)
    if community is None:
        raise Http404(_("小区不存在"))
    return {
        "community": {"id": community.pk, "name": community.name},
        "fees": [fee_body(f) for f in selectors.board_fees(community=community).select_related("community")],
        "contacts": [
            contact_body(c) for c in selectors.board_contacts(community=community).select_related("community")
        ],
        "price_complaint_line": PRICE_COMPLAINT_LINE,
    }


@router.get("/notices/fees", response={200: list[NoticesFeeItemOut], **COMMON_ERRORS})
def list_fees(request: HttpRequest, filters: Query[NoticesBoardFilters]):
    """收费价目表（含已过期和未生效的项目）/ Fee schedule lines, past and future ones included."""
    return [fee_body(f) for f in selectors.fee_items(user=request.auth, community_id=filters.community_id)[:500]]


@router.post("/notices/fees", response={201: NoticesFeeItemOut, **COMMON_ERRORS})
def create_fee(request: HttpRequest, payload: NoticesFeeItemIn):
    """新增收费项目 / Add a fee schedule line."""
    center = _center(request, payload.service_center_id)
    item = board_services.fee_item_save(actor=request.auth, service_center=center, data=_data(payload))
    return Status(201, fee_body(_row(request, FeeItem, item.pk)))


@router.put("/notices/fees/{int:fee_id}", response={200: NoticesFeeItemOut, **CONFLICT})
def update_fee(request: HttpRequest, fee_id: Id, payload: NoticesFeeItemUpdateIn):
    """修改收费项目 / Change a fee schedule line."""
    item = _row(request, FeeItem, fee_id)
    board_services.fee_item_save(
        actor=request.auth,
        service_center=item.service_center,
        item=item,
        data=_data(payload),
        expected_version=payload.expected_version,
    )
    return fee_body(_row(request, FeeItem, fee_id))


@router.post("/notices/fees/{int:fee_id}/delete", response={204: None, **CONFLICT})
def delete_fee(request: HttpRequest, fee_id: Id, payload: NoticesDeleteIn):
    """删除收费项目 / Remove a fee schedule line."""
    item = _row(request, FeeItem, fee_id)
    board_services.fee_item_delete(actor=request.auth, item=item, expected_version=payload.expected_version)
    return Status(204, None)


@router.get("/notices/contacts", response={200: list[NoticesContactOut], **COMMON_ERRORS})
def list_contacts(request: HttpRequest, filters: Query[NoticesBoardFilters]):
    """服务联系电话 / Service contacts of the boards."""
    rows = selectors.contacts(user=request.auth, community_id=filters.community_id)[:500]
    return [contact_body(c) for c in rows]


@router.post("/notices/contacts", response={201: NoticesContactOut, **COMMON_ERRORS})
def create_contact(request: HttpRequest, payload: NoticesContactIn):
    """新增服务联系电话 / Add a service contact."""
    center = _center(request, payload.service_center_id)
    contact = board_services.contact_save(actor=request.auth, service_center=center, data=_data(payload))
    return Status(201, contact_body(_row(request, ServiceContact, contact.pk)))


@router.put("/notices/contacts/{int:contact_id}", response={200: NoticesContactOut, **CONFLICT})
def update_contact(request: HttpRequest, contact_id: Id, payload: NoticesContactUpdateIn):
    """修改服务联系电话 / Change a service contact."""
    contact = _row(request, ServiceContact, contact_id)
    board_services.contact_save(
        actor=request.auth,
        service_center=contact.service_center,
        contact=contact,
        data=_data(payload),
        expected_version=payload.expected_version,
    )
    return contact_body(_row(request, ServiceContact, contact_id))


@router.post("/notices/contacts/{int:contact_id}/delete", response={204: None, **CONFLICT})
def delete_contact(request: HttpRequest, contact_id: Id, payload: NoticesDeleteIn):
    """删除服务联系电话 / Remove a service contact."""
    contact = _row(request, ServiceContact, contact_id)
    board_services.contact_delete(actor=request.auth, contact=contact, expected_version=payload.expected_version)
    return Status(204, None)
