"""The shapes of the visitor API: what goes in (bounded) and what comes out (identity numbers and phones
masked; an invitation's code only to whoever made it and to the household)."""

from typing import Literal

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDate, InputDateTime, LocalDateTime, Page, PageParams, Ref, UserRef, Version
from propdesk.core.masking import mask_phone
from propdesk.core.scoping import get_scope

from .choices import DocumentType, InvitationStatus, Purpose
from .models import MAX_PEOPLE, Invitation, Visit
from .selectors import code_visible

DocumentTypeIn = Literal["id_card", "passport", "hk_macau", "taiwan", "other"]
PurposeIn = Literal["visit", "delivery", "contractor", "service", "business", "other"]
assert set(DocumentTypeIn.__args__) == set(DocumentType.values)
assert set(PurposeIn.__args__) == set(Purpose.values)


class VisitIn(Schema):
    community_id: Id
    visitor_name: str = Field(..., max_length=50, description="访客姓名")
    document_type: DocumentTypeIn = Field(..., description="证件类型")
    id_number: str = Field(..., max_length=40, description="证件号码（居民身份证校验出生日期和校验位）")
    purpose: PurposeIn
    phone: str = Field("", max_length=30)
    room: str = Field("", max_length=40, description="受访房号，如 3-2-1202；探亲访友、装修施工、上门服务必填")
    area: str = Field("", max_length=100, description="允许到达区域")
    plate: str = Field("", max_length=16, description="车牌，如 粤B12345")
    people: int = Field(1, ge=1, le=MAX_PEOPLE)
    checked_in_at: InputDateTime | None = Field(None, description="进入时间，默认现在；可补登 12 小时内")


class CodeIn(Schema):
    code: str = Field(..., max_length=20, description="6 位邀请码")
    community_id: Id | None = Field(None, description="多个小区有同一邀请码时指定")
    document_type: DocumentTypeIn | None = None
    id_number: str = Field("", max_length=40)
    area: str = Field("", max_length=100)


class VisitVersionIn(Schema):
    expected_version: Version | None = None


class VisitRevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class HostCallOut(Schema):
    uri: str = Field(description="tel: URI，交给手机拨号（号码不要显示或保存）")


class VisitRevealOut(Schema):
    visit_id: int
    id_number: str


class InvitationIn(Schema):
    community_id: Id
    visitor_name: str = Field(..., max_length=50)
    room: str = Field(..., max_length=40, description="受访房号，如 3-2-1202")
    valid_from: InputDateTime
    valid_until: InputDateTime
    phone: str = Field("", max_length=30)
    purpose: PurposeIn = "visit"
    people: int = Field(1, ge=1, le=MAX_PEOPLE)
    plate: str = Field("", max_length=16)


class VisitFilters(PageParams):
    community_id: Id | None = None
    date_from: InputDate | None = None
    date_to: InputDate | None = None
    inside: bool | None = Field(None, description="true 仍在小区内，false 已离开")
    purpose: PurposeIn | None = None
    q: str = Field("", max_length=50, description="访客姓名、车牌或房号（3-2-1202）")


class InvitationFilters(PageParams):
    community_id: Id | None = None
    status: Literal["pending", "used", "cancelled"] | None = None
    expected_today: bool = Field(False, description="只看今天待到访（时段未过）")


class VisitOut(Schema):
    id: int
    community: Ref
    room: str | None
    visitor_name: str
    document_type: str
    id_number: str = Field(description="脱敏，如 4403**********1234；已按期删除为空")
    id_erased: bool
    phone: str = Field(description="脱敏")
    purpose: str
    purpose_label: str
    area: str
    plate: str
    people: int
    host_confirmed: bool
    watch_alert: bool = Field(description="与布控名单相符（仅员工可见）")
    invitation_id: int | None
    checked_in_at: LocalDateTime
    checked_in_by: UserRef | None
    checked_out_at: LocalDateTime | None
    checked_out_by: UserRef | None
    inside: bool
    version: int


class VisitPage(Page):
    items: list[VisitOut]


class InvitationOut(Schema):
    id: int
    community: Ref
    room: str
    visitor_name: str
    phone: str = Field(description="脱敏")
    purpose: str
    people: int
    plate: str
    valid_from: LocalDateTime
    valid_until: LocalDateTime
    code: str | None = Field(description="邀请码：只给登记人和受访住户看")
    status: str
    status_label: str
    used_at: LocalDateTime | None
    version: int


class InvitationPage(Page):
    items: list[InvitationOut]


def _user_ref(user) -> dict | None:
    from propdesk.api.schemas import user_ref

    return user_ref(user)


def _is_resident_view(user) -> bool:
    """Residents never learn of the watch list (R-CV-3)."""
    return user is not None and not get_scope(user).is_staff_member


def visit_body(visit: Visit, user=None) -> dict:
    data = {
        "id": visit.pk,
        "community": {"id": visit.community_id, "name": visit.community.name},
        "room": visit.household.unit.label if visit.household_id else None,
        "visitor_name": visit.visitor_name,
        "document_type": visit.document_type,
        "id_number": visit.id_masked,
        "id_erased": visit.id_erased_at is not None,
        "phone": mask_phone(visit.phone),
        "purpose": visit.purpose,
        "purpose_label": str(visit.get_purpose_display()),
        "area": visit.area,
        "plate": visit.plate,
        "people": visit.people,
        "host_confirmed": visit.host_confirmed,
        "watch_alert": visit.watch_alert and not _is_resident_view(user),
        "invitation_id": visit.invitation_id,
        "checked_in_at": visit.checked_in_at,
        "checked_in_by": _user_ref(visit.checked_in_by),
        "checked_out_at": visit.checked_out_at,
        "checked_out_by": _user_ref(visit.checked_out_by),
        "inside": visit.inside,
        "version": visit.version,
    }
    return VisitOut(**data).model_dump(mode="json")


def may_see_code(user, invitation: Invitation) -> bool:
    return code_visible(user=user, invitation=invitation)


def invitation_body(invitation: Invitation, user) -> dict:
    data = {
        "id": invitation.pk,
        "community": {"id": invitation.community_id, "name": invitation.community.name},
        "room": invitation.household.unit.label,
        "visitor_name": invitation.visitor_name,
        "phone": mask_phone(invitation.phone),
        "purpose": invitation.purpose,
        "people": invitation.people,
        "plate": invitation.plate,
        "valid_from": invitation.valid_from,
        "valid_until": invitation.valid_until,
        "code": invitation.code if may_see_code(user, invitation) else None,
        "status": invitation.status,
        "status_label": str(InvitationStatus(invitation.status).label),
        "used_at": invitation.used_at,
        "version": invitation.version,
    }
    return InvitationOut(**data).model_dump(mode="json")


class WatchIn(Schema):
    service_center_id: Id
    kind: Literal["person", "plate"]
    reason: str = Field(..., max_length=200, description="布控原因")
    expires_at: InputDateTime = Field(..., description="有效期至（一年之内）")
    name: str = Field("", max_length=50)
    document_type: DocumentTypeIn | None = None
    id_number: str = Field("", max_length=40)
    plate: str = Field("", max_length=16)


class WatchRemoveIn(Schema):
    reason: str = Field(..., max_length=200, description="撤销原因")


class WatchOut(Schema):
    id: int
    service_center: Ref
    kind: str
    name: str
    document_type: str
    id_number: str = Field(description="脱敏")
    plate: str
    reason: str
    expires_at: LocalDateTime
    created_at: LocalDateTime
    created_by: UserRef | None
    active: bool


def watch_body(entry) -> dict:
    data = {
        "id": entry.pk,
        "service_center": {"id": entry.service_center_id, "name": entry.service_center.name},
        "kind": entry.kind,
        "name": entry.name,
        "document_type": entry.document_type,
        "id_number": entry.id_masked,
        "plate": entry.plate,
        "reason": entry.reason,
        "expires_at": entry.expires_at,
        "created_at": entry.created_at,
        "created_by": _user_ref(entry.created_by),
        "active": entry.active,
    }
    return WatchOut(**data).model_dump(mode="json")


class GateDutyIn(Schema):
    community_id: Id
    day: InputDate
    slot: Literal["morning", "noon", "evening"]
    user_id: Id = Field(description="值岗人员（客服主管、安全管理员或安全员班长）")


class GateDutyFilters(PageParams):
    community_id: Id | None = None
    date_from: InputDate | None = None
    date_to: InputDate | None = None


class GateDutyOut(Schema):
    id: int
    community: Ref
    day: str
    slot: str
    slot_label: str
    user: UserRef | None
    checked_in_at: LocalDateTime | None


class GateDutyPage(Page):
    items: list[GateDutyOut]


class GateCoverageOut(Schema):
    community: Ref
    month: str
    slots: int = Field(description="本月至今的高峰时段数（每天 3 个）")
    staffed: int = Field(description="开始时已有人到岗的时段数")
    rate: float | None


def duty_body(duty) -> dict:
    data = {
        "id": duty.pk,
        "community": {"id": duty.community_id, "name": duty.community.name},
        "day": duty.day.isoformat(),
        "slot": duty.slot,
        "slot_label": str(duty.get_slot_display()),
        "user": _user_ref(duty.user),
        "checked_in_at": duty.checked_in_at,
    }
    return GateDutyOut(**data).model_dump(mode="json")


class GateUnstaffedOut(Schema):
    day: str
    slot: str
    slot_label: str
