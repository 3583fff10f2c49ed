"""The visitor register over the API (``/api/v1/visitors/…``): check-in by form or invitation code, check-out,
the register, overstays, invitations and the audited reveal — the same services, selectors and rules as the
gate page (``views.py``)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import Id, InputDate, Ref, UserRef, page_of, user_ref
from propdesk.communities.models import Community
from propdesk.core.http import resolve_client_ip

from . import qr, selectors, services
from .api_schemas import (
    CodeIn,
    GateCoverageOut,
    GateDutyFilters,
    GateDutyIn,
    GateDutyOut,
    GateDutyPage,
    GateUnstaffedOut,
    HostCallOut,
    InvitationFilters,
    InvitationIn,
    InvitationOut,
    InvitationPage,
    VisitFilters,
    VisitIn,
    VisitOut,
    VisitPage,
    VisitRevealIn,
    VisitRevealOut,
    VisitVersionIn,
    WatchIn,
    WatchOut,
    WatchRemoveIn,
    duty_body,
    invitation_body,
    visit_body,
    watch_body,
)
from .api_tenants import router as tenants_router
from .choices import InvitationStatus, PeakSlot
from .models import GateDuty, Invitation, Visit, WatchEntry

router = Router(tags=["访客登记 Visitors"])
router.add_router("", tenants_router)
CONFLICT = {409: ErrorOut, **COMMON_ERRORS}


def _gate_community(request: HttpRequest, community_id: int | None) -> Community | None:
    """A community where the caller keeps the gate: another is 404, no gate anywhere is 403."""
    if community_id is None:
        return None
    communities = selectors.gate_communities(user=request.auth)
    found = communities.filter(pk=community_id).first()
    if found is not None:
        return found
    if not communities.exists():
        raise PermissionDenied(_("访客登记仅限门岗、前台和安全、客服主管使用"))
    raise Http404(_("小区不存在或您无权登记访客"))


def _invite_community(request: HttpRequest, community_id: int) -> Community:
    found = Community.objects.visible_to(request.auth).filter(pk=community_id).first()
    if found is None:
        raise Http404(_("小区不存在或您无权查看"))
    return found


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    try:
        return selectors.visit_get(user=request.auth, pk=visit_id)
    except Visit.DoesNotExist as exc:
        raise Http404(_("来访记录不存在或您无权查看")) from exc


def _invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    try:
        return selectors.invitation_get(user=request.auth, pk=invitation_id)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("预约不存在或您无权查看")) from exc


@router.get("/visitors/communities", response={200: list[Ref], **COMMON_ERRORS})
def gate_communities(request: HttpRequest):
    """本人值守门岗的小区 / The communities where the caller keeps the gate."""
    return [{"id": c.pk, "name": c.name} for c in selectors.gate_communities(user=request.auth)]


@router.get("/visitors/visits", response={200: VisitPage, **COMMON_ERRORS})
def list_visits(request: HttpRequest, filters: Query[VisitFilters]):
    """来访登记簿（可按小区、日期、是否在内、事由、姓名/车牌/房号筛选），证件号、电话已脱敏 / The register."""
    qs = selectors.visit_register(
        user=request.auth,
        filters=selectors.VisitFilters(
            community_id=filters.community_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            inside=filters.inside,
            purpose=filters.purpose or "",
            q=filters.q,
        ),
    )
    page = page_of(qs, filters.offset, filters.limit)
    return {**page, "items": [visit_body(v, request.auth) for v in page["items"]]}


@router.post("/visitors/visits", response={201: VisitOut, **COMMON_ERRORS})
def check_in(
    request: HttpRequest, response: HttpResponse, payload: VisitIn, idempotency_key: str | None = key_header()
):
    """登记访客进入（核验证件；证件号加密保存）。支持 ``Idempotency-Key`` / Register a visitor in."""

    def create() -> tuple[int, dict]:
        community = _gate_community(request, payload.community_id)
        data = payload.dict(exclude={"community_id"})
        visit = services.check_in(actor=request.auth, community=community, **data)
        return 201, visit_body(selectors.visit_get(user=request.auth, pk=visit.pk), request.auth)

    return idempotent(request, response, endpoint="visitors.check_in", key=idempotency_key, create=create)


@router.post("/visitors/check-in-by-code", response={201: VisitOut, **COMMON_ERRORS})
def check_in_by_code(request: HttpRequest, payload: CodeIn):
    """凭邀请码一步登记进入；未到时段、已过期、已使用或已取消的邀请码会被拒绝 / Check in by invitation code."""
    community = _gate_community(request, payload.community_id)
    visit = services.check_in_by_code(
        actor=request.auth,
        code=payload.code,
        community=community,
        document_type=payload.document_type or "",
        id_number=payload.id_number,
        area=payload.area,
    )
    return Status(201, visit_body(selectors.visit_get(user=request.auth, pk=visit.pk), request.auth))


@router.get("/visitors/visits/{visit_id}", response={200: VisitOut, **COMMON_ERRORS})
def get_visit(request: HttpRequest, visit_id: Id):
    """一条来访记录 / One visit."""
    return visit_body(_visit(request, visit_id), request.auth)


@router.post("/visitors/visits/{visit_id}/check-out", response={200: VisitOut, **CONFLICT})
def check_out(request: HttpRequest, visit_id: Id, payload: VisitVersionIn):
    """登记访客离开（只能一次）/ Register the visitor out (once)."""
    visit = services.check_out(
        actor=request.auth, visit=_visit(request, visit_id), expected_version=payload.expected_version
    )
    return visit_body(selectors.visit_get(user=request.auth, pk=visit.pk), request.auth)


@router.post("/visitors/visits/{visit_id}/call-host", response={200: HostCallOut, **COMMON_ERRORS})
def call_host(request: HttpRequest, visit_id: Id):
    """致电受访住户核实：返回 ``tel:`` URI 交给手机拨号（号码不显示），每次都记入个人信息查看记录 /
    Call the host household: a ``tel:`` URI for the dialler; every call is audited."""
    visit = _visit(request, visit_id)
    return {"uri": services.call_host(actor=request.auth, visit=visit, ip_address=resolve_client_ip(request.META))}


@router.post("/visitors/visits/{visit_id}/confirm-host", response={200: VisitOut, **CONFLICT})
def confirm_host(request: HttpRequest, visit_id: Id, payload: VisitVersionIn):
    """登记住户已确认该访客 / Record that the host household confirmed the visitor."""
    visit = services.confirm_host(
        actor=request.auth, visit=_visit(request, visit_id), expected_version=payload.expected_version
    )
    return visit_body(selectors.visit_get(user=request.auth, pk=visit.pk), request.auth)


@router.post("/visitors/visits/{visit_id}/reveal", response={200: VisitRevealOut, **COMMON_ERRORS})
def reveal(request: HttpRequest, visit_id: Id, payload: VisitRevealIn):
    """查看完整证件号：须有权限并填写原因，每次查看都有记录（R-CV-4）/ Reveal the identity number, audited."""
    visit = _visit(request, visit_id)
    number = services.reveal_id(
        actor=request.auth, visit=visit, reason=payload.reason, ip_address=resolve_client_ip(request.META)
    )
    return {"visit_id": visit.pk, "id_number": number}


@router.get("/visitors/overstays", response={200: list[VisitOut], **COMMON_ERRORS})
def overstays(request: HttpRequest, community_id: Id | None = None):
    """逗留超时的访客（超过设定小时数、过了日终时间或隔夜仍未离开）/ Visitors inside for too long."""
    return [visit_body(v, request.auth) for v in selectors.overstays(user=request.auth, community_id=community_id)]


@router.get("/visitors/invitations", response={200: InvitationPage, **COMMON_ERRORS})
def list_invitations(request: HttpRequest, filters: Query[InvitationFilters]):
    """访客预约 / Invitations the caller may see."""
    if filters.expected_today:
        qs = selectors.expected_today(user=request.auth, community_id=filters.community_id)
    else:
        qs = selectors.invitations(user=request.auth).order_by("-valid_from", "-id")
        if filters.community_id:
            qs = qs.filter(community_id=filters.community_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = page_of(qs, filters.offset, filters.limit)
    return {**page, "items": [invitation_body(i, request.auth) for i in page["items"]]}


@router.post("/visitors/invitations", response={201: InvitationOut, **COMMON_ERRORS})
def invite(
    request: HttpRequest, response: HttpResponse, payload: InvitationIn, idempotency_key: str | None = key_header()
):
    """预约访客（住户本人，或门岗、前台代住户登记），返回 6 位邀请码。支持 ``Idempotency-Key`` / Invite a visitor."""

    def create() -> tuple[int, dict]:
        community = _invite_community(request, payload.community_id)
        invitation = services.invite(actor=request.auth, community=community, **payload.dict(exclude={"community_id"}))
        return 201, invitation_body(selectors.invitation_get(user=request.auth, pk=invitation.pk), request.auth)

    return idempotent(request, response, endpoint="visitors.invite", key=idempotency_key, create=create)


@router.get("/visitors/invitations/{invitation_id}", response={200: InvitationOut, **COMMON_ERRORS})
def get_invitation(request: HttpRequest, invitation_id: Id):
    """一条预约 / One invitation."""
    return invitation_body(_invitation(request, invitation_id), request.auth)


@router.get(
    "/visitors/invitations/{invitation_id}/qr.svg",
    response={200: None, **COMMON_ERRORS},
    openapi_extra={"responses": {200: {"description": "SVG", "content": {"image/svg+xml": {}}}}},
)
def invitation_qr(request: HttpRequest, invitation_id: Id):
    """邀请码的二维码（SVG，离线生成，只含邀请码）；仅预约人和该住户，且预约待到访 /
    The invitation's QR code as SVG (encodes only the code); for its creator and the household, while pending."""
    invitation = _invitation(request, invitation_id)
    if not selectors.code_visible(user=request.auth, invitation=invitation):
        raise PermissionDenied(_("邀请码只向预约人和受访住户显示"))
    if invitation.status != InvitationStatus.PENDING:
        raise Http404(_("该预约已%(s)s，邀请码不再有效") % {"s": invitation.get_status_display()})
    return HttpResponse(qr.svg_document(invitation.code), content_type="image/svg+xml")


@router.post("/visitors/invitations/{invitation_id}/cancel", response={200: InvitationOut, **CONFLICT})
def cancel_invitation(request: HttpRequest, invitation_id: Id, payload: VisitVersionIn):
    """取消预约（邀请码随即失效）/ Cancel an invitation (its code stops working)."""
    invitation = services.cancel_invitation(
        actor=request.auth, invitation=_invitation(request, invitation_id), expected_version=payload.expected_version
    )
    return invitation_body(selectors.invitation_get(user=request.auth, pk=invitation.pk), request.auth)


def _watch_keeper(request: HttpRequest) -> None:
    if not selectors.watch_centers(user=request.auth).exists():
        raise PermissionDenied(_("布控名单仅限安全管理员查看和维护"))


@router.get("/visitors/watch", response={200: list[WatchOut], **COMMON_ERRORS})
def list_watch(request: HttpRequest):
    """布控名单（有效的）；仅安全管理员 / The active watch list (security managers only)."""
    _watch_keeper(request)
    return [watch_body(e) for e in selectors.watch_list(user=request.auth)[:500]]


@router.post("/visitors/watch", response={201: WatchOut, **COMMON_ERRORS})
def add_watch(request: HttpRequest, payload: WatchIn):
    """布控一名人员（按证件号码）或一辆车（按车牌），须填原因和有效期，留有记录 / Watch a person or a plate."""
    _watch_keeper(request)
    center = selectors.watch_centers(user=request.auth).filter(pk=payload.service_center_id).first()
    if center is None:
        raise Http404(_("服务中心不存在或您无权布控"))
    entry = services.watch_add(
        actor=request.auth,
        service_center=center,
        **payload.dict(exclude={"service_center_id", "document_type"}),
        document_type=payload.document_type or "",
    )
    return Status(201, watch_body(entry))


@router.post("/visitors/watch/{entry_id}/remove", response={200: WatchOut, **COMMON_ERRORS})
def remove_watch(request: HttpRequest, entry_id: Id, payload: WatchRemoveIn):
    """撤销布控（须填原因，留有记录）/ Remove a watch entry, with a reason."""
    _watch_keeper(request)
    try:
        entry = selectors.watch_list(user=request.auth, active_only=False).get(pk=entry_id)
    except WatchEntry.DoesNotExist as exc:
        raise Http404(_("布控记录不存在或您无权查看")) from exc
    return watch_body(services.watch_remove(actor=request.auth, entry=entry, reason=payload.reason))


@router.get("/visitors/gate-duty", response={200: GateDutyPage, **COMMON_ERRORS})
def list_duty(request: HttpRequest, filters: Query[GateDutyFilters]):
    """高峰期门岗值岗表（本人排的班或本人的值岗）/ The peak-hour gate roster the caller plans or is on."""
    qs = selectors.duty_list(user=request.auth)
    if filters.community_id:
        qs = qs.filter(community_id=filters.community_id)
    if filters.date_from:
        qs = qs.filter(day__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(day__lte=filters.date_to)
    page = page_of(qs, filters.offset, filters.limit)
    return {**page, "items": [duty_body(d) for d in page["items"]]}


@router.post("/visitors/gate-duty", response={201: GateDutyOut, **COMMON_ERRORS})
def add_duty(request: HttpRequest, payload: GateDutyIn):
    """安排高峰期门岗值岗（7:30–8:30、12:00–13:00、18:00–19:00）/ Put someone on a peak slot."""
    community = selectors.duty_communities(user=request.auth).filter(pk=payload.community_id).first()
    if community is None:
        raise PermissionDenied(_("您无权安排该小区的高峰期门岗值岗"))
    user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    duty = services.roster_add(actor=request.auth, community=community, day=payload.day, slot=payload.slot, user=user)
    return Status(201, duty_body(duty))


@router.post("/visitors/gate-duty/{duty_id}/check-in", response={200: GateDutyOut, **COMMON_ERRORS})
def duty_check_in(request: HttpRequest, duty_id: Id):
    """值岗人员到岗登记（时段内，可提前 15 分钟）/ Check in at the post for one's own peak slot."""
    try:
        duty = selectors.duty_list(user=request.auth).get(pk=duty_id)
    except GateDuty.DoesNotExist as exc:
        raise Http404(_("值岗记录不存在或您无权查看")) from exc
    return duty_body(services.duty_check_in(actor=request.auth, duty=duty))


@router.post("/visitors/gate-duty/{duty_id}/remove", response={204: None, **COMMON_ERRORS})
def remove_duty(request: HttpRequest, duty_id: Id):
    """从值岗表移除（时段未开始且未到岗）/ Take someone off a slot that has not started."""
    duty = selectors.duty_list(user=request.auth).filter(pk=duty_id).first()
    if duty is None:
        raise Http404(_("值岗记录不存在或您无权查看"))
    services.roster_remove(actor=request.auth, duty=duty)
    return Status(204, None)


def _planned_community(request: HttpRequest, community_id: int) -> Community:
    community = selectors.duty_communities(user=request.auth).filter(pk=community_id).first()
    if community is None:
        raise Http404(_("小区不存在或您无权查看"))
    return community


@router.get("/visitors/gate-duty/people", response={200: list[UserRef], **COMMON_ERRORS})
def duty_people(request: HttpRequest, community_id: Id):
    """可安排值岗的人员（客服主管、安全管理员、安全员）/ Who may be put on the community's roster."""
    community = _planned_community(request, community_id)
    return [user_ref(u) for u in services.eligible_people(community)]


@router.get("/visitors/gate-duty/unstaffed", response={200: list[GateUnstaffedOut], **COMMON_ERRORS})
def duty_unstaffed(request: HttpRequest, community_id: Id, month: InputDate):
    """某月已开始却无人按时到岗的高峰时段（即已发出的缺岗提醒）/ Peak slots that started unstaffed this month."""
    community = _planned_community(request, community_id)
    return [
        {"day": day.isoformat(), "slot": slot, "slot_label": str(PeakSlot(slot).label)}
        for day, slot in services.unstaffed(community=community, month=month)
    ]


@router.get("/visitors/gate-duty/coverage", response={200: GateCoverageOut, **COMMON_ERRORS})
def duty_coverage(request: HttpRequest, community_id: Id, month: InputDate):
    """某小区某月高峰期门岗到岗率（至今日）/ A community's peak-slot coverage for a month (up to today)."""
    community = selectors.duty_communities(user=request.auth).filter(pk=community_id).first()
    if community is None:
        raise Http404(_("小区不存在或您无权查看"))
    result = services.coverage(community=community, month=month)
    return {"community": {"id": community.pk, "name": community.name}, "month": f"{month:%Y-%m}", **result}
