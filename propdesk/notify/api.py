"""The in-app inbox over the API (``/api/v1/notifications``): the same messages as the inbox page.

Thin: reads through ``notify.selectors.inbox`` (only the caller's own in-app messages, so another
person's message is answered like an unknown one), writes through ``notify.services.inbox_mark_read``.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id, LocalDateTime, LocalTime, Page, PageParams, Version, page_of

from .selectors import inbox, my_preference, offered_channels, preference_table, unread_count
from .services import inbox_mark_read, preference_update

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


# ----------------------------------------------------------------------------- preferences


class NotifyCategoryOut(Schema):
    category: str = Field(description="消息类别：ticket、dispatch、sla、complaints、request、notices…")
    label: str
    channels: list[str] = Field(description="开启的渠道（email、sms、wecom）；站内消息总是开启")


class NotifyChannelOut(Schema):
    channel: str
    label: str
    reachable: bool = Field(description="是否可达（已登记联系方式且该渠道已开通）")


class NotifyPreferenceOut(Schema):
    categories: list[NotifyCategoryOut]
    channels: list[NotifyChannelOut] = Field(description="本人可选的渠道")
    quiet_start: LocalTime | None
    quiet_end: LocalTime | None
    language: str = Field(description="短信、邮件、企业微信消息的语言；空为默认（简体中文）")
    version: int


class NotifyPreferenceIn(Schema):
    channels: dict[str, list[str]] = Field(
        default_factory=dict, description='按类别选择的渠道，如 {"dispatch": ["sms", "wecom"]}；未列出的类别保持原样'
    )
    quiet_start: LocalTime | None = None
    quiet_end: LocalTime | None = None
    language: str = ""
    expected_version: Version | None = None


def _preferences_out(user) -> dict:
    prefs = my_preference(user=user)
    return {
        "categories": preference_table(user=user),
        "channels": offered_channels(user=user),
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "language": prefs.language,
        "version": prefs.version,
    }


@router.get(
    "/notifications/preferences",
    response={200: NotifyPreferenceOut, **COMMON_ERRORS},
    url_name="notification_preferences",
    summary="我的通知设置 / My notification preferences",
)
def get_preferences(request: HttpRequest):
    """我的通知设置：每类消息的接收渠道、免打扰时段和消息语言。

    The caller's notification preferences: channels per category, quiet hours, message language.
    """
    return _preferences_out(request.auth)


@router.put(
    "/notifications/preferences",
    response={200: NotifyPreferenceOut, **COMMON_ERRORS},
    url_name="notification_preferences_update",
    summary="修改通知设置 / Change notification preferences",
)
def put_preferences(request: HttpRequest, payload: NotifyPreferenceIn):
    """保存我的通知设置。未知类别或渠道、只填一端的免打扰时段返回 400；版本不符返回 409。

    Save the caller's preferences. An unknown category or channel, or quiet hours with one end, is a 400;
    a stale version is a 409.
    """
    current = my_preference(user=request.auth)
    channels = dict(current.channels) | payload.channels
    preference_update(
        actor=request.auth,
        channels=channels,
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
        language=payload.language,
        expected_version=payload.expected_version,
    )
    return _preferences_out(request.auth)
