"""The parts of a ticket over the API: replies, internal notes, links and attachments (mounted by ``api.py``)."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.idempotency import idempotent, key_header
from propdesk.api.schemas import Id, file_response
from propdesk.core.files import CONTENT_TYPES

from . import selectors, services
from .api_common import plain_ticket, visible, visible_ticket
from .api_schemas import AttachmentOut, EventOut, LinkIn, LinkOut, NoteIn, ReplyIn, ReplyOut, link_body
from .models import Attachment, Ticket, TicketLink

router = Router(tags=["工单"])


# --------------------------------------------------------------------------- replies, notes, links


@router.get(
    "/tickets/{ticket_id}/replies",
    response={200: list[ReplyOut], **COMMON_ERRORS},
    summary="客户答复列表 / List replies",
)
def list_replies(request: HttpRequest, ticket_id: Id):
    """给客户的答复，按时间顺序。

    The replies given to the customer, oldest first.
    """
    ticket = plain_ticket(request, ticket_id)
    return ticket.replies.select_related("by__staff_profile").order_by("at", "pk")


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: ReplyOut, **COMMON_ERRORS},
    summary="答复客户 / Reply to the customer",
)
def reply_ticket(request: HttpRequest, ticket_id: Id, payload: ReplyIn):
    """记录给客户的答复；客户不满意时已办结/已关闭的工单重新打开。

    Record a reply given to the customer; an unsatisfied customer reopens a resolved or closed ticket.
    """
    ticket = visible_ticket(request, ticket_id)
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
    ticket_id: Id,
    payload: NoteIn,
    idempotency_key: str | None = key_header(),
):
    """在处理记录中添加内部备注（客户看不到）。返回新的处理记录。支持 ``Idempotency-Key``。

    Add an internal note to the history (never shown to the customer). Returns the new history entry. Supports
    ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        ticket = visible_ticket(request, ticket_id)
        event = services.ticket_add_note(actor=request.auth, ticket=ticket, text=payload.text)
        return 201, EventOut.from_orm(event).model_dump(mode="json")

    return idempotent(request, response, endpoint="tickets.note", key=idempotency_key, create=create)


@router.get(
    "/tickets/{ticket_id}/links", response={200: list[LinkOut], **COMMON_ERRORS}, summary="关联工单列表 / List links"
)
def list_links(request: HttpRequest, ticket_id: Id):
    """与该工单关联的工单（本工单关联出去的和关联到本工单的）；只列出您也能查看的另一方。

    Tickets linked to this one (links from it and to it); only those the caller may see too.
    """
    ticket = plain_ticket(request, ticket_id)
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
    ticket_id: Id,
    payload: LinkIn,
    idempotency_key: str | None = key_header(),
):
    """把本工单关联到本服务中心的另一张工单（重复于、父工单、相关）；给出对方的 ``to_ticket_id`` 或 ``number``。
    支持 ``Idempotency-Key``。

    Link this ticket to another one of the same service center (duplicate of, parent of, related); name it by
    ``to_ticket_id`` or ``number``. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        ticket = visible_ticket(request, ticket_id)
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
def list_attachments(request: HttpRequest, ticket_id: Id):
    """工单的照片和扫描件，按上传时间顺序；文件用 ``/tickets/{ticket_id}/attachments/{attachment_id}`` 下载。

    The ticket's photos and scans, oldest first; download a file from
    ``/tickets/{ticket_id}/attachments/{attachment_id}``.
    """
    ticket = plain_ticket(request, ticket_id)
    return ticket.attachments.select_related("uploaded_by__staff_profile").order_by("uploaded_at", "pk")


@router.post(
    "/tickets/{ticket_id}/attachments",
    response={201: AttachmentOut, **COMMON_ERRORS},
    summary="上传附件 / Upload an attachment",
)
def attach_to_ticket(
    request: HttpRequest, ticket_id: Id, file: File[UploadedFile], note: str = Form("", max_length=200)
):
    """上传照片（JPG、PNG、GIF、WebP、HEIC）或 PDF 扫描件（multipart/form-data）。

    Upload a photo (JPG, PNG, GIF, WebP, HEIC) or a PDF scan (multipart/form-data).
    """
    ticket = visible_ticket(request, ticket_id)
    attachment = services.ticket_attach(actor=request.auth, ticket=ticket, upload=file, note=note)
    return Status(201, attachment)


@router.get(
    "/tickets/{ticket_id}/attachments/{attachment_id}",
    response=COMMON_ERRORS,
    openapi_extra=file_response("附件文件，Content-Type 为上传时识别的类型", *CONTENT_TYPES),
    summary="下载附件 / Download an attachment",
)
def download_attachment(request: HttpRequest, ticket_id: Id, attachment_id: Id):
    """下载附件原文件（与工单页面的附件链接相同）。

    The attachment's file, as the link on the ticket page serves it.
    """
    ticket = plain_ticket(request, ticket_id)
    attachment = Attachment.objects.get(pk=attachment_id, ticket=ticket)
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
