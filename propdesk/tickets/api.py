"""Ticket endpoints of the JSON API (``/api/v1/tickets``). Thin: parse, call a selector or a service, shape.

Every read goes through ``tickets.selectors`` (scoped with ``visible_to``); every write is a service in
``tickets.services``. Objects referred to by id (community, unit, household, resident, assignee) are looked
up among those the caller may see, so an id outside the caller's scope is answered like an unknown one.
Phones in responses are always masked. The request and response shapes are in ``api_schemas.py``; the shared ones (``Ref``, ``UserRef``,
``LocalDateTime``, ``KindValue``…) are re-exported here for the APIs of the apps above (intake, dispatch).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS, ErrorOut
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import LocalDateTime as LocalDateTime
from propdesk.api.schemas import Page as Page
from propdesk.api.schemas import Ref as Ref
from propdesk.api.schemas import UnitRef as UnitRef
from propdesk.api.schemas import UserRef as UserRef
from propdesk.api.schemas import file_response, page_of, user_ref
from propdesk.api.schemas import unit_ref as unit_ref
from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.communities.validators import parse_room
from propdesk.core.permissions import require

from . import selectors, services
from .api_schemas import (
    AssignIn,
    AttachmentOut,
    DecisionIn,
    EventOut,
    HandOffIn,
    LinkIn,
    LinkOut,
    NoteIn,
    PageFilters,
    ReplyIn,
    ReplyOut,
    StaffOut,
    TicketCreateIn,
    TicketFilters,
    TicketOut,
    TicketPage,
    TransitionIn,
    link_body,
)
from .api_schemas import ChannelValue as ChannelValue
from .api_schemas import KindValue as KindValue
from .api_schemas import PriorityValue as PriorityValue
from .api_schemas import SourceValue as SourceValue
from .choices import OPEN_STATUSES
from .models import Attachment, Ticket, TicketLink

router = Router(tags=["工单"])

# Extra rows the list serializer reads, fetched with the page (no query per row).
LIST_EXTRA_RELATED = ("first_responder__staff_profile",)


def visible(model, user, pk: int | None, field: str, message: str):
    """The object ``pk`` of ``model`` if the user may see it, else a 400 on ``field``; None stays None."""
    if pk is None:
        return None
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: message}, code="not_found")
    return obj


def party_refs(user, *, community_id=None, unit_id=None, household_id=None, resident_id=None) -> dict:
    """Resolve who a record is about from ids, within the caller's scope."""
    return {
        "community": visible(Community, user, community_id, "community_id", _("小区不存在或您无权访问")),
        "unit": visible(Unit, user, unit_id, "unit_id", _("房号不存在或您无权访问")),
        "household": visible(Household, user, household_id, "household_id", _("住户不存在或您无权访问")),
        "resident": visible(Resident, user, resident_id, "resident_id", _("住户成员不存在或您无权访问")),
    }


def unit_by_room(user, community: Community | None, room: str) -> Unit:
    """The unit written as a room (3-2-1202, 3栋2单元1202) in ``community``, as on the quick hand-off page."""
    if community is None:
        raise ValidationError({"community_id": _("请选择小区")}, code="required")
    code = parse_room(room)
    unit = (
        Unit.objects.visible_to(user).filter(building__community=community, code=code).first()
        if code is not None
        else None
    )
    if unit is None:
        raise ValidationError({"room": _("该小区没有这个房号（请写成 3-2-1202）")}, code="not_found")
    return unit


def ticket_body(ticket: Ticket) -> dict:
    """The JSON body of one ticket (also what an idempotent create stores and replays)."""
    return TicketOut.from_orm(ticket).model_dump(mode="json")


def _visible_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_list(user=request.auth).select_related(*LIST_EXTRA_RELATED).get(pk=ticket_id)


def _plain_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    """A visible ticket without the joins of the list (for the reads of its parts)."""
    return Ticket.objects.visible_to(request.auth).get(pk=ticket_id)


# --------------------------------------------------------------------------- tickets


@router.post(
    "/tickets",
    response={201: TicketOut, 409: ErrorOut, **COMMON_ERRORS},
    url_name="ticket_create",
    summary="登记工单 / Create a ticket",
)
def create_ticket(
    request: HttpRequest,
    response: HttpResponse,
    payload: TicketCreateIn,
    idempotency_key: str | None = key_header(),
):
    """登记工单。接报人为首问责任人；``hand_off`` 为真时同时转交控制中心（一键转交）。房号可给 ``unit_id``，
    或给 ``community_id`` 加 ``room``（如 3-2-1202）。支持 ``Idempotency-Key``。

    Record a ticket. The receiving employee is its first responder; with ``hand_off`` it goes to the control
    center in the same step (the quick hand-off). Give the room as ``unit_id``, or as ``community_id`` plus
    ``room`` (e.g. 3-2-1202). Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        data = payload.model_dump()
        room = data.pop("room").strip()
        refs = party_refs(
            request.auth,
            community_id=data.pop("community_id"),
            unit_id=data.pop("unit_id"),
            household_id=data.pop("household_id"),
            resident_id=data.pop("resident_id"),
        )
        if room and refs["unit"] is None:
            refs["unit"] = unit_by_room(request.auth, refs["community"], room)
        ticket = services.ticket_create(actor=request.auth, **refs, **data)
        return 201, ticket_body(ticket)

    return idempotent(request, response, endpoint="tickets.create", key=idempotency_key, create=create)


@router.get(
    "/tickets", response={200: TicketPage, **COMMON_ERRORS}, url_name="ticket_list", summary="工单列表 / List tickets"
)
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]):
    """我可以查看的工单，按接报时间倒序，分页（``limit`` 最大 100）。

    Tickets the caller may see, newest received first, paginated (``limit`` at most 100).
    """
    qs = selectors.ticket_list(
        user=request.auth,
        status=filters.status,
        kind=filters.kind,
        community_id=filters.community_id,
        received_from=filters.received_from,
        received_to=filters.received_to,
        query=filters.q,
        assignee_id=filters.assignee_id,
        household_id=filters.household_id,
    ).select_related(*LIST_EXTRA_RELATED)
    return page_of(qs, filters.offset, filters.limit)


@router.get(
    "/tickets/mine",
    response={200: TicketPage, **COMMON_ERRORS},
    url_name="ticket_mine",
    summary="我的工单 / My tickets",
)
def list_my_tickets(request: HttpRequest, filters: Query[PageFilters]):
    """由我负责、尚未办结的工单（与“我的工单”页面相同），按接报时间倒序，分页。

    Open tickets assigned to the caller (the "my tickets" page), newest received first, paginated.
    """
    qs = selectors.ticket_list(
        user=request.auth, assignee_id=request.auth.pk, status=sorted(OPEN_STATUSES)
    ).select_related(*LIST_EXTRA_RELATED)
    return page_of(qs, filters.offset, filters.limit)


@router.get(
    "/tickets/by-number/{number}",
    response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="按编号查询工单 / Get a ticket by number",
)
def get_ticket_by_number(request: HttpRequest, number: str, service_center_id: int | None = None):
    """按工单编号（如 BX-20261122-0007）查询。编号在服务中心内唯一；可查看多个服务中心的用户请同时给出 service_center_id。

    Look a ticket up by its number (e.g. BX-20261122-0007). Numbers are unique within a service center; a caller
    who sees several centers also gives ``service_center_id``.
    """
    return selectors.ticket_get_by_number(user=request.auth, number=number, service_center_id=service_center_id)


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **COMMON_ERRORS},
    url_name="ticket_detail",
    summary="工单详情 / Get a ticket",
)
def get_ticket(request: HttpRequest, ticket_id: int):
    """一张工单。无权查看的工单与不存在的一样返回 404。

    One ticket. A ticket the caller may not see is a 404, like an unknown one.
    """
    return _visible_ticket(request, ticket_id)


@router.get(
    "/tickets/{ticket_id}/events", response={200: list[EventOut], **COMMON_ERRORS}, summary="处理记录 / Ticket history"
)
def list_ticket_events(request: HttpRequest, ticket_id: int):
    """工单的处理记录（只增不改），按时间顺序。内部备注和升级记录只有员工可见。

    The ticket's append-only history, oldest first. Internal notes and escalations are shown to staff only.
    """
    ticket = selectors.ticket_get(user=request.auth, pk=ticket_id)
    return selectors.ticket_timeline(user=request.auth, ticket=ticket)


# --------------------------------------------------------------------------- actions


@router.post(
    "/tickets/{ticket_id}/transitions",
    response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="变更状态 / Change the status",
)
def transition_ticket(request: HttpRequest, ticket_id: int, payload: TransitionIn):
    """变更状态。带上 ``expected_version``，工单已被他人修改时返回 409。

    Change the status. Send ``expected_version``: a ticket changed by someone else since is a 409.
    """
    ticket = _visible_ticket(request, ticket_id)
    return services.ticket_transition(
        actor=request.auth,
        ticket=ticket,
        to_status=payload.to_status,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post(
    "/tickets/{ticket_id}/hand-off",
    response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="转交控制中心 / Hand off to the control center",
)
def hand_off_ticket(request: HttpRequest, ticket_id: int, payload: HandOffIn | None = None):
    """转交本服务中心的控制中心。带上 ``expected_version``，工单已被他人修改时返回 409。

    Hand the ticket to its service center's control center. Send ``expected_version``: a ticket changed by
    someone else since is a 409.
    """
    payload = payload or HandOffIn()
    ticket = _visible_ticket(request, ticket_id)
    return services.ticket_hand_off(
        actor=request.auth, ticket=ticket, reason=payload.reason, expected_version=payload.expected_version
    )


@router.post(
    "/tickets/{ticket_id}/assign",
    response={200: TicketOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="指派负责人 / Assign",
)
def assign_ticket(request: HttpRequest, ticket_id: int, payload: AssignIn):
    """指派给本小区的员工（可选的人见 ``assignable-staff``）。带上 ``expected_version``，工单已被他人修改时返回 409。

    Assign the ticket to an employee of its community (see ``assignable-staff``). Send ``expected_version``: a
    ticket changed by someone else since is a 409.
    """
    ticket = _visible_ticket(request, ticket_id)
    assignee = get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None:
        raise ValidationError({"assignee_id": _("该员工不存在或已停用")}, code="not_found")
    return services.ticket_assign(
        actor=request.auth,
        ticket=ticket,
        assignee=assignee,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.get(
    "/tickets/{ticket_id}/assignable-staff",
    response={200: list[StaffOut], **COMMON_ERRORS},
    summary="可指派的员工 / Assignable staff",
)
def list_assignable_staff(request: HttpRequest, ticket_id: int):
    """可以指派该工单的员工（在本小区任职的在职员工，与工单页面“指派负责人”的选项相同）。仅限有权指派的人。

    The active employees who hold a role in the ticket's community (the choices of the ticket page's assign
    form). Only for those who may assign.
    """
    ticket = _visible_ticket(request, ticket_id)
    require(request.auth, "ticket.assign", ticket, _("您无权指派该工单"))
    staff = []
    for user in selectors.assignable_staff(community=ticket.community):
        profile = getattr(user, "staff_profile", None)
        department = profile.department if profile is not None else None
        body = user_ref(user) | {"department": {"id": department.pk, "name": department.name} if department else None}
        staff.append(body)
    return staff


@router.post(
    "/tickets/{ticket_id}/request-decision",
    response={200: TicketOut, **COMMON_ERRORS},
    summary="上报上级决定 / Request a superior's decision",
)
def request_decision(
    request: HttpRequest,
    response: HttpResponse,
    ticket_id: int,
    payload: DecisionIn,
    idempotency_key: str | None = key_header(),
):
    """上报需上级决定的事项：记入处理记录（仅员工可见），并开始计算上级答复的时限。已办结或已关闭的工单不能上报。
    支持 ``Idempotency-Key``。

    Record a matter that needs a superior's decision: it goes into the history (staff only) and starts the clock
    for the superior's answer. Resolved or closed tickets cannot be escalated. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        ticket = _visible_ticket(request, ticket_id)
        ticket = services.ticket_request_decision(actor=request.auth, ticket=ticket, reason=payload.reason)
        return 200, ticket_body(_visible_ticket(request, ticket.pk))

    return idempotent(request, response, endpoint="tickets.request_decision", key=idempotency_key, create=create)


# --------------------------------------------------------------------------- replies, notes, links


@router.get(
    "/tickets/{ticket_id}/replies",
    response={200: list[ReplyOut], **COMMON_ERRORS},
    summary="客户答复列表 / List replies",
)
def list_replies(request: HttpRequest, ticket_id: int):
    """给客户的答复，按时间顺序。

    The replies given to the customer, oldest first.
    """
    ticket = _plain_ticket(request, ticket_id)
    return ticket.replies.select_related("by__staff_profile").order_by("at", "pk")


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: ReplyOut, **COMMON_ERRORS},
    summary="答复客户 / Reply to the customer",
)
def reply_ticket(request: HttpRequest, ticket_id: int, payload: ReplyIn):
    """记录给客户的答复；客户不满意时已办结/已关闭的工单重新打开。

    Record a reply given to the customer; an unsatisfied customer reopens a resolved or closed ticket.
    """
    ticket = _visible_ticket(request, ticket_id)
    reply = services.ticket_reply(
        actor=request.auth,
        ticket=ticket,
        method=payload.method,
        content=payload.content,
        customer_opinion=payload.customer_opinion,
        satisfied=payload.satisfied,
    )
    return Status(201, reply)


@router.post(
    "/tickets/{ticket_id}/notes",
    response={201: EventOut, **COMMON_ERRORS},
    summary="添加内部备注 / Add an internal note",
)
def add_note(
    request: HttpRequest,
    response: HttpResponse,
    ticket_id: int,
    payload: NoteIn,
    idempotency_key: str | None = key_header(),
):
    """在处理记录中添加内部备注（客户看不到）。返回新的处理记录。支持 ``Idempotency-Key``。

    Add an internal note to the history (never shown to the customer). Returns the new history entry. Supports
    ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        ticket = _visible_ticket(request, ticket_id)
        event = services.ticket_add_note(actor=request.auth, ticket=ticket, text=payload.text)
        return 201, EventOut.from_orm(event).model_dump(mode="json")

    return idempotent(request, response, endpoint="tickets.note", key=idempotency_key, create=create)


@router.get(
    "/tickets/{ticket_id}/links", response={200: list[LinkOut], **COMMON_ERRORS}, summary="关联工单列表 / List links"
)
def list_links(request: HttpRequest, ticket_id: int):
    """与该工单关联的工单（本工单关联出去的和关联到本工单的）；只列出您也能查看的另一方。

    Tickets linked to this one (links from it and to it); only those the caller may see too.
    """
    ticket = _plain_ticket(request, ticket_id)
    others = Ticket.objects.visible_to(request.auth)
    links = (
        TicketLink.objects.filter(from_ticket=ticket, to_ticket__in=others)
        | TicketLink.objects.filter(to_ticket=ticket, from_ticket__in=others)
    ).select_related("from_ticket", "to_ticket", "created_by__staff_profile")
    return [
        link_body(link, direction="out" if link.from_ticket_id == ticket.pk else "in")
        for link in links.order_by("created_at", "pk")
    ]


@router.post("/tickets/{ticket_id}/links", response={201: LinkOut, **COMMON_ERRORS}, summary="关联工单 / Link tickets")
def link_ticket(
    request: HttpRequest,
    response: HttpResponse,
    ticket_id: int,
    payload: LinkIn,
    idempotency_key: str | None = key_header(),
):
    """把本工单关联到本服务中心的另一张工单（重复于、父工单、相关）；给出对方的 ``to_ticket_id`` 或 ``number``。
    支持 ``Idempotency-Key``。

    Link this ticket to another one of the same service center (duplicate of, parent of, related); name it by
    ``to_ticket_id`` or ``number``. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        ticket = _visible_ticket(request, ticket_id)
        other = _link_target(request, ticket, payload)
        link = services.ticket_link(
            actor=request.auth, from_ticket=ticket, to_ticket=other, kind=payload.kind, reason=payload.reason
        )
        return 201, LinkOut.model_validate(link_body(link, direction="out")).model_dump(mode="json")

    return idempotent(request, response, endpoint="tickets.link", key=idempotency_key, create=create)


def _link_target(request: HttpRequest, ticket: Ticket, payload: LinkIn) -> Ticket:
    if payload.to_ticket_id is None and not payload.number:
        raise ValidationError({"to_ticket_id": _("必填")}, code="required")
    if payload.to_ticket_id is not None:
        return visible(Ticket, request.auth, payload.to_ticket_id, "to_ticket_id", _("工单不存在或您无权访问"))
    try:
        return selectors.ticket_get_by_number(
            user=request.auth, number=payload.number, service_center_id=ticket.service_center_id
        )
    except Ticket.DoesNotExist as exc:
        raise ValidationError({"number": _("找不到工单 %(n)s") % {"n": payload.number}}, code="not_found") from exc


# --------------------------------------------------------------------------- attachments


@router.get(
    "/tickets/{ticket_id}/attachments",
    response={200: list[AttachmentOut], **COMMON_ERRORS},
    summary="附件列表 / List attachments",
)
def list_attachments(request: HttpRequest, ticket_id: int):
    """工单的照片和扫描件，按上传时间顺序；文件用 ``/tickets/{ticket_id}/attachments/{attachment_id}`` 下载。

    The ticket's photos and scans, oldest first; download a file from
    ``/tickets/{ticket_id}/attachments/{attachment_id}``.
    """
    ticket = _plain_ticket(request, ticket_id)
    return ticket.attachments.select_related("uploaded_by__staff_profile").order_by("uploaded_at", "pk")


@router.post(
    "/tickets/{ticket_id}/attachments",
    response={201: AttachmentOut, **COMMON_ERRORS},
    summary="上传附件 / Upload an attachment",
)
def attach_to_ticket(request: HttpRequest, ticket_id: int, file: File[UploadedFile], note: Form[str] = ""):
    """上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件（multipart/form-data）。

    Upload a photo (JPG, PNG, GIF, WebP, HEIC) or a PDF scan (multipart/form-data).
    """
    ticket = _visible_ticket(request, ticket_id)
    attachment = services.ticket_attach(actor=request.auth, ticket=ticket, upload=file, note=note)
    return Status(201, attachment)


@router.get(
    "/tickets/{ticket_id}/attachments/{attachment_id}",
    response=COMMON_ERRORS,
    openapi_extra=file_response("application/octet-stream", "附件文件，Content-Type 为上传时识别的类型"),
    summary="下载附件 / Download an attachment",
)
def download_attachment(request: HttpRequest, ticket_id: int, attachment_id: int):
    """下载附件原文件（与工单页面的附件链接相同）。

    The attachment's file, as the link on the ticket page serves it.
    """
    ticket = _plain_ticket(request, ticket_id)
    attachment = Attachment.objects.get(pk=attachment_id, ticket=ticket)
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
