"""Communities over the API: the directory, households with their residents (phones masked), the audited
reveal of a phone or id number, the all-or-nothing xlsx import and a resident's own households — the same
selectors, services and rules as the pages (``communities/views.py``)."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id, Offset, Page, page_of
from propdesk.core.http import resolve_client_ip
from propdesk.core.masking import mask_id_number, mask_phone
from propdesk.core.permissions import require

from . import selectors
from .importer import ImportRejected, households_import_xlsx
from .models import Community, Household, Resident
from .services import can_reveal, resident_reveal

router = Router(tags=["小区档案"])


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    service_center: str = Field(..., alias="service_center.name")
    developer: str | None = None
    handover_date: str | None = None
    building_total: int

    @staticmethod
    def resolve_developer(obj) -> str | None:
        return obj.developer.name if obj.developer_id else None

    @staticmethod
    def resolve_handover_date(obj) -> str | None:
        return obj.handover_date.isoformat() if obj.handover_date else None


class ResidentOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    id_number: str

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)


class HouseholdOut(Schema):
    id: int
    community_id: int = Field(..., alias="unit.building.community_id")
    room: str = Field(..., alias="unit.code")
    residents: list[ResidentOut]

    @staticmethod
    def resolve_residents(obj) -> list:
        return list(obj.residents.all())


class HouseholdPage(Page):
    items: list[HouseholdOut]


class HouseholdFilters(Schema):
    q: str = Field("", max_length=50, description="房号（3-2-1202、1202）或住户姓名 / room or resident name")
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class RevealIn(Schema):
    field: Literal["phone", "id_number"]
    reason: str = Field(..., min_length=1, max_length=200)


class RevealOut(Schema):
    resident_id: int
    field: str
    value: str


class ImportOut(Schema):
    rows: int
    buildings_created: int
    units_created: int
    households_created: int
    residents_created: int
    residents_skipped: int


def _browse(request: HttpRequest) -> None:
    require(request.auth, "community.browse", message=_("仅限物业员工查询"))


@router.get("/communities", response={200: list[CommunityOut], **COMMON_ERRORS}, url_name="community_list")
def list_communities(request: HttpRequest):
    """小区目录（本人可见范围内）/ The communities the caller may see."""
    _browse(request)
    return list(selectors.community_list(user=request.auth))


@router.get("/communities/{community_id}/households", response={200: HouseholdPage, **COMMON_ERRORS})
def list_households(request: HttpRequest, community_id: Id, filters: Query[HouseholdFilters]):
    """小区的住户，可按房号或姓名查找；电话、证件号已脱敏 / A community's households, searchable; masked."""
    _browse(request)
    try:
        community = selectors.community_get(user=request.auth, pk=community_id)
    except Community.DoesNotExist as exc:
        raise HttpError(404, _("小区不存在或您无权查看")) from exc
    qs = selectors.household_search(user=request.auth, community=community, query=filters.q)
    return page_of(qs, filters.offset, filters.limit)


@router.get("/households/mine", response={200: list[HouseholdOut], **COMMON_ERRORS}, url_name="my_households")
def my_households(request: HttpRequest):
    """我的房屋（住户本人）/ The caller's own households (residents)."""
    return list(selectors.resident_households(user=request.auth))


@router.get("/households/{household_id}", response={200: HouseholdOut, **COMMON_ERRORS})
def get_household(request: HttpRequest, household_id: Id):
    """一户住户及其成员；电话、证件号已脱敏 / One household with its members, masked."""
    try:
        return selectors.household_get(user=request.auth, pk=household_id)
    except Household.DoesNotExist as exc:
        raise HttpError(404, _("住户不存在或您无权查看")) from exc


@router.post("/residents/{resident_id}/reveal", response={200: RevealOut, **COMMON_ERRORS})
def reveal(request: HttpRequest, resident_id: Id, payload: RevealIn):
    """查看完整电话或证件号：须有权限并填写原因，每次查看都有记录（R-CV-4）/ Reveal a phone or id number:
    needs the right and a reason; every reveal is audited."""
    try:
        resident = selectors.resident_get(user=request.auth, pk=resident_id)
    except Resident.DoesNotExist as exc:
        raise HttpError(404, _("住户成员不存在或您无权查看")) from exc
    if not can_reveal(request.auth, resident):
        raise PermissionDenied(_("您没有查看该住户个人信息的权限"))
    value = resident_reveal(
        actor=request.auth,
        resident=resident,
        field=payload.field,
        reason=payload.reason,
        ip_address=resolve_client_ip(request.META),
    )
    return {"resident_id": resident.pk, "field": payload.field, "value": value}


@router.post("/communities/{community_id}/import", response={200: ImportOut, **COMMON_ERRORS})
def import_households(request: HttpRequest, community_id: Id, file: File[UploadedFile], filename: Form[str] = ""):
    """导入住户资料（.xlsx，全部成功或全部不导入；每个错误行都列出）/ Import households from an .xlsx sheet:
    all rows or none; every bad row is listed in ``errors`` as ``第 N 行「列」``."""
    try:
        community = selectors.importable_communities(user=request.auth).get(pk=community_id)
    except Community.DoesNotExist as exc:
        raise PermissionDenied(_("您没有导入该小区住户资料的权限")) from exc
    try:
        result = households_import_xlsx(
            actor=request.auth, community=community, data=file.read(), filename=filename or file.name or ""
        )
    except ImportRejected as exc:
        raise ImportFailed(exc.errors) from exc
    return result.__dict__


class ImportFailed(Exception):
    """An import refused as a whole; answered with every bad row in the API's error body."""

    def __init__(self, errors):
        super().__init__(str(errors[0]) if errors else "")
        self.errors = errors


def install(api) -> None:
    """Answer ``ImportFailed`` with 400 and one error entry per bad row (``row:N``)."""
    from propdesk.api.errors import error_response

    def handler(request, exc: ImportFailed):
        rows = [(f"row:{e.row}", str(e)) for e in exc.errors]
        return error_response(api, request, 400, _("导入失败：表格有错误，未导入任何数据"), rows)

    api.add_exception_handler(ImportFailed, handler)
