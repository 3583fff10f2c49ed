"""Tenant temporary-residence registration over the API (``/api/v1/visitors/tenants…``, 002 §六.20): let
households, tenants with their lease (identity number and phone masked), renewal, moving out, the expired leases
and the registration rate per community — the same services, selectors and rules as the tenants page. A resident
reads the registrations of their own household."""

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.schemas import Id, InputDate, LocalDateTime, Page, PageParams, Ref, Version, page_of
from propdesk.communities.models import Community
from propdesk.core.http import resolve_client_ip
from propdesk.core.masking import mask_phone

from . import services, tenant_selectors
from .api_schemas import DocumentTypeIn
from .models import Letting, TenantRegistration

router = Router(tags=["访客登记 Visitors"])
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


class TenantRegistrationIn(Schema):
    community_id: Id
    room: str = Field(..., max_length=40, description="出租房号，如 3-2-1202")
    name: str = Field(..., max_length=50, description="租户姓名")
    document_type: DocumentTypeIn
    id_number: str = Field(..., max_length=40, description="证件号码（居民身份证校验出生日期和校验位）")
    phone: str = Field("", max_length=30)
    lease_start: InputDate
    lease_end: InputDate
    police_reference: str = Field("", max_length=40, description="公安暂住（居住）登记编号或回执号")


class TenantRegistrationOut(Schema):
    id: int
    community: Ref
    room: str
    name: str
    document_type: str
    id_number: str = Field(description="脱敏，如 4403**********1234")
    phone: str = Field(description="脱敏")
    lease_start: dt.date
    lease_end: dt.date
    police_reference: str
    state: Literal["current", "upcoming", "expired", "ended"]
    ended_at: LocalDateTime | None
    version: int


class TenantRegistrationPage(Page):
    items: list[TenantRegistrationOut]


class TenantRegistrationFilters(PageParams):
    community_id: Id | None = None
    state: Literal["current", "expired", "ended", "open"] | None = Field(
        None, description="current 租期内；expired 租期已过未退租；ended 已退租；open 未退租"
    )


class TenantRenewIn(Schema):
    lease_end: InputDate
    expected_version: Version | None = None


class TenantVersionIn(Schema):
    expected_version: Version | None = None


class LettingIn(Schema):
    community_id: Id
    room: str = Field(..., max_length=40)
    since: InputDate | None = None


class LettingOut(Schema):
    id: int
    community: Ref
    room: str
    since: dt.date | None
    ended_at: LocalDateTime | None
    version: int


class TenantRateOut(Schema):
    community: Ref
    let_households: int = Field(description="出租户数（登记为出租，或住户成员中有租户）")
    registered: int = Field(description="有在期租户暂住登记的出租户数")
    rate: float | None = Field(description="登记率（目标 1.0 即 100 %）；没有出租户时为空")
    unregistered_rooms: list[str]


def state_of(registration: TenantRegistration, today: dt.date) -> str:
    if registration.ended_at is not None:
        return "ended"
    if registration.lease_end < today:
        return "expired"
    return "upcoming" if registration.lease_start > today else "current"


def tenant_body(registration: TenantRegistration) -> dict:
    data = {
        "id": registration.pk,
        "community": {"id": registration.community_id, "name": registration.community.name},
        "room": registration.household.unit.label,
        "name": registration.name,
        "document_type": registration.document_type,
        "id_number": registration.id_masked,
        "phone": mask_phone(registration.phone),
        "lease_start": registration.lease_start,
        "lease_end": registration.lease_end,
        "police_reference": registration.police_reference,
        "state": state_of(registration, timezone.localdate()),
        "ended_at": registration.ended_at,
        "version": registration.version,
    }
    return TenantRegistrationOut(**data).model_dump(mode="json")


def letting_body(letting: Letting) -> dict:
    return LettingOut(
        id=letting.pk,
        community={"id": letting.community_id, "name": letting.community.name},
        room=letting.household.unit.label,
        since=letting.since,
        ended_at=letting.ended_at,
        version=letting.version,
    ).model_dump(mode="json")


def _community(request: HttpRequest, community_id: int) -> Community:
    found = tenant_selectors.tenant_communities(user=request.auth).filter(pk=community_id).first()
    if found is None:
        raise Http404(_("小区不存在或您无权登记租户"))
    return found


def _registration(request: HttpRequest, registration_id: int) -> TenantRegistration:
    try:
        return tenant_selectors.registration_get(user=request.auth, pk=registration_id)
    except TenantRegistration.DoesNotExist as exc:
        raise Http404(_("租户登记不存在或您无权查看")) from exc


def _filtered(qs, state: str | None):
    today = timezone.localdate()
    if state == "current":
        return qs.filter(tenant_selectors.current_q(today))
    if state == "expired":
        return qs.filter(ended_at__isnull=True, lease_end__lt=today)
    if state == "ended":
        return qs.filter(ended_at__isnull=False)
    if state == "open":
        return qs.filter(ended_at__isnull=True)
    return qs


@router.get("/visitors/tenants", response={200: TenantRegistrationPage, **COMMON_ERRORS})
def list_tenants(request: HttpRequest, filters: Query[TenantRegistrationFilters]):
    """租户暂住登记（住户本人只看本户），证件号、电话已脱敏 / Tenant registrations the caller may see."""
    qs = tenant_selectors.registrations(user=request.auth).order_by("lease_end", "id")
    if filters.community_id:
        qs = qs.filter(community_id=filters.community_id)
    page = page_of(_filtered(qs, filters.state), filters.offset, filters.limit)
    return {**page, "items": [tenant_body(r) for r in page["items"]]}


@router.post("/visitors/tenants", response={201: TenantRegistrationOut, **COMMON_ERRORS})
def register_tenant(request: HttpRequest, payload: TenantRegistrationIn):
    """登记租户暂住（含租期；该户随即记为出租户）/ Register a tenant with the lease period."""
    community = _community(request, payload.community_id)
    registration = services.register_tenant(
        actor=request.auth, community=community, **payload.dict(exclude={"community_id"})
    )
    return Status(201, tenant_body(tenant_selectors.registration_get(user=request.auth, pk=registration.pk)))


@router.get("/visitors/tenants/rates", response={200: list[TenantRateOut], **COMMON_ERRORS})
def tenant_rates(request: HttpRequest):
    """各小区出租户暂住登记率（目标 100 %）及未登记的房号 / The registration rate per community."""
    return [
        {
            "community": {"id": r.community.pk, "name": r.community.name},
            "let_households": r.let,
            "registered": r.registered,
            "rate": r.rate,
            "unregistered_rooms": [h.unit.label for h in r.unregistered],
        }
        for r in tenant_selectors.rates(user=request.auth)
    ]


@router.get("/visitors/tenants/{registration_id}", response={200: TenantRegistrationOut, **COMMON_ERRORS})
def get_tenant(request: HttpRequest, registration_id: Id):
    """一条租户登记 / One tenant registration."""
    return tenant_body(_registration(request, registration_id))


class TenantRevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class TenantRevealOut(Schema):
    registration_id: int
    id_number: str


@router.post("/visitors/tenants/{registration_id}/reveal", response={200: TenantRevealOut, **COMMON_ERRORS})
def reveal_tenant(request: HttpRequest, registration_id: Id, payload: TenantRevealIn):
    """查看租户完整证件号：须有权限并填写原因，每次查看都有记录 / Reveal a tenant's identity number, audited."""
    registration = _registration(request, registration_id)
    number = services.reveal_tenant_id(
        actor=request.auth,
        registration=registration,
        reason=payload.reason,
        ip_address=resolve_client_ip(request.META),
    )
    return {"registration_id": registration.pk, "id_number": number}


@router.post("/visitors/tenants/{registration_id}/renew", response={200: TenantRegistrationOut, **CONFLICT})
def renew_tenant(request: HttpRequest, registration_id: Id, payload: TenantRenewIn):
    """续租：延长租期结束日期 / Extend the lease."""
    registration = services.renew_lease(
        actor=request.auth,
        registration=_registration(request, registration_id),
        lease_end=payload.lease_end,
        expected_version=payload.expected_version,
    )
    return tenant_body(tenant_selectors.registration_get(user=request.auth, pk=registration.pk))


@router.post("/visitors/tenants/{registration_id}/end", response={200: TenantRegistrationOut, **CONFLICT})
def end_tenant(request: HttpRequest, registration_id: Id, payload: TenantVersionIn):
    """登记退租（记录保留）/ The tenant moved out."""
    registration = services.end_tenancy(
        actor=request.auth,
        registration=_registration(request, registration_id),
        expected_version=payload.expected_version,
    )
    return tenant_body(tenant_selectors.registration_get(user=request.auth, pk=registration.pk))


@router.get("/visitors/lettings", response={200: list[LettingOut], **COMMON_ERRORS})
def list_lettings(request: HttpRequest, community_id: Id | None = None):
    """出租户（未停止出租的）/ The households marked as let."""
    qs = tenant_selectors.lettings(user=request.auth).filter(ended_at__isnull=True)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return [letting_body(x) for x in qs.order_by("household__unit__code", "pk")[:1000]]


@router.post("/visitors/lettings", response={201: LettingOut, **COMMON_ERRORS})
def mark_let(request: HttpRequest, payload: LettingIn):
    """登记出租户 / Mark a household as let."""
    community = _community(request, payload.community_id)
    letting = services.mark_let(actor=request.auth, community=community, room=payload.room, since=payload.since)
    return Status(201, letting_body(letting))


@router.post("/visitors/lettings/{letting_id}/end", response={200: LettingOut, **CONFLICT})
def end_letting(request: HttpRequest, letting_id: Id, payload: TenantVersionIn):
    """停止出租（须先登记租户退租）/ The household is let no more."""
    letting = tenant_selectors.lettings(user=request.auth).filter(pk=letting_id).first()
    if letting is None:
        raise Http404(_("出租户不存在或您无权查看"))
    return letting_body(
        services.end_letting(actor=request.auth, letting=letting, expected_version=payload.expected_version)
    )
