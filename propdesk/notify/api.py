"""The in-app inbox over the API (``/api/v1/notifications``): the same messages as the inbox page.

Thin: reads through ``notify.selectors.inbox`` (only the caller's own in-app messages, so another
person's message is answered like an unknown one), writes through ``notify.services.inbox_mark_read``.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id, LocalDateTime, Page, PageParams, page_of

from .selectors import inbox, unread_count
from .services import inbox_mark_read

router = Router(tags=["消息"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="消息类型，如 sla.warn（即将超时）、sla.due（已超时）")
    subject: str
    body: str
    url: str = Field(description="相关页面的路径（如 /tickets/12/），可能为空")
    created_at: LocalDateTime
    read: bool
    read_at: LocalDateTime | None

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None

    # Written by the system as msgid + parameters: read in the request's language (Accept-Language).
    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject_text()

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body_text()


class NotificationPage(Page):
    items: list[NotificationOut]


class InboxFilters(PageParams):
    unread: bool | None = Field(None, description="true 只看未读，false 只看已读；不传为全部")


class UnreadOut(Schema):
    unread: int = Field(description="未读消息条数")


class MarkedOut(Schema):
    marked: int = Field(description="本次标为已读的条数")


@router.get(
    "/notifications",
    response={200: NotificationPage, **COMMON_ERRORS},
    url_name="notification_list",
    summary="我的消息 / My notifications",
)
def list_notifications(request: HttpRequest, filters: Query[InboxFilters]):
    """我的站内消息，最新的在前，分页（``limit`` 最大 100）；``unread=true`` 只看未读。

    The caller's in-app notifications, newest first, paginated (``limit`` at most 100); ``unread=true`` keeps
    the unread ones.
    """
    qs = inbox(user=request.auth, unread=filters.unread)
    return page_of(qs, filters.offset, filters.limit)


@router.get(
    "/notifications/unread-count",
    response={200: UnreadOut, **COMMON_ERRORS},
    url_name="notification_unread_count",
    summary="未读消息数 / Unread count",
)
def get_unread_count(request: HttpRequest):
    """未读站内消息的条数（页面右上角的数字）。

    How many in-app notifications are unread (the number in the page header).
    """
    return {"unread": unread_count(user=request.auth)}


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **COMMON_ERRORS},
    url_name="notification_read_all",
    summary="全部标为已读 / Mark all read",
)
def mark_all_read(request: HttpRequest):
    """把我的全部未读消息标为已读。

    Mark all of the caller's unread notifications read.
    """
    return {"marked": inbox_mark_read(user=request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **COMMON_ERRORS},
    url_name="notification_read",
    summary="标为已读 / Mark read",
)
def mark_read(request: HttpRequest, notification_id: Id):
    """把一条消息标为已读（已读的保持原来的已读时间）。别人的消息返回 404。

    Mark one notification read (one read already keeps its time). Someone else's notification is a 404.
    """
    notification = inbox(user=request.auth).get(pk=notification_id)
    inbox_mark_read(user=request.auth, notification_ids=[notification.pk])
    notification.refresh_from_db(fields=["read_at"])
    return notification
