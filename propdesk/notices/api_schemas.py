"""The shapes of the notices API (every name prefixed ``Notices`` to stay unique across the API)."""

from typing import Literal

from ninja import Field, Schema

from propdesk.api.schemas import Id, InputDateTime, LocalDateTime, Page, PageParams, Ref, UserRef, Version, user_ref

from .choices import Audience, BroadcastMethod, Hazard, Language, NoticeKind, NoticeStatus, Topic, Utility

NoticeKindIn = Literal[
    "notice", "signage", "tip", "promotion", "report", "info", "company_doc", "outage_planned", "outage_emergency",
    "warning",
]  # fmt: skip
TopicIn = Literal["", "law", "safety", "hygiene", "environment", "goals"]
AudienceIn = Literal["company", "center", "community", "buildings", "units", "special"]
UtilityIn = Literal["", "water", "power", "gas", "cable", "network"]
LanguageIn = Literal["zh-hans", "en"]
HazardIn = Literal["rainstorm", "typhoon"]
MethodIn = Literal["loudspeaker", "sms", "im_group", "boards"]
StatusIn = Literal[
    "", "draft", "submitted", "returned", "approved", "sealed", "scheduled", "posted", "withdrawn", "expired"
]
assert set(NoticeKindIn.__args__) == set(NoticeKind.values)
assert set(TopicIn.__args__) == set(Topic.values)
assert set(AudienceIn.__args__) == set(Audience.values)
assert set(UtilityIn.__args__) == {"", *Utility.values}
assert set(LanguageIn.__args__) == set(Language.values)
assert set(HazardIn.__args__) == set(Hazard.values)
assert set(MethodIn.__args__) == set(BroadcastMethod.values)
assert set(StatusIn.__args__) == {"", *NoticeStatus.values}


class NoticesNoticeIn(Schema):
    service_center_id: Id
    kind: NoticeKindIn
    topic: TopicIn = ""
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=20000, description="富文本（HTML），保存时清除脚本、样式和事件属性")
    language: LanguageIn = "zh-hans"
    audience: AudienceIn
    community_id: Id | None = None
    building_ids: list[Id] = Field(default_factory=list, max_length=200)
    unit_ids: list[Id] = Field(default_factory=list, max_length=500)
    special_customer_ids: list[Id] = Field(default_factory=list, max_length=100)
    valid_from: InputDateTime
    valid_until: InputDateTime
    utility: UtilityIn = ""
    starts_at: InputDateTime | None = Field(None, description="停水停电开始；计划停水停电须提前 72 小时提交")
    ends_at: InputDateTime | None = None
    answer_text: str = Field("", max_length=300, description="前台答复口径")


class NoticesNoticeUpdateIn(NoticesNoticeIn):
    expected_version: Version | None = None


class NoticesVersionIn(Schema):
    expected_version: Version | None = None


class NoticesReasonIn(Schema):
    reason: str = Field(..., max_length=500)
    expected_version: Version | None = None


class NoticesScheduleIn(Schema):
    publish_at: InputDateTime | None = Field(None, description="发布时间，默认立即")
    expected_version: Version | None = None


class NoticesNoticeOut(Schema):
    id: int
    service_center: Ref
    community: Ref | None
    kind: str
    topic: str
    title: str
    body: str
    language: str
    audience: str
    building_ids: list[int]
    unit_ids: list[int]
    special_customer_ids: list[int]
    valid_from: LocalDateTime
    valid_until: LocalDateTime
    utility: str
    starts_at: LocalDateTime | None
    ends_at: LocalDateTime | None
    answer_text: str
    status: str
    publish_at: LocalDateTime | None
    approved_by: UserRef | None
    approved_at: LocalDateTime | None
    sealed_at: LocalDateTime | None
    posted_at: LocalDateTime | None
    created_by: UserRef | None
    created_at: LocalDateTime
    call_count: int
    version: int
    source: str = ""
    resident_deliveries: "NoticesResidentDeliveries | None" = None


class NoticesResidentDeliveries(Schema):
    """The notice's messages to residents (notification gateway): queued, sent, failed, and to how many."""

    queued: int
    sent: int
    failed: int
    recipients: int


NoticesNoticeOut.model_rebuild()


def notice_body(notice) -> dict:
    return {
        **{
            name: getattr(notice, name)
            for name in (
                "id",
                "kind",
                "topic",
                "title",
                "body",
                "language",
                "audience",
                "valid_from",
                "valid_until",
                "utility",
                "starts_at",
                "ends_at",
                "answer_text",
                "source",
                "status",
                "publish_at",
                "approved_at",
                "sealed_at",
                "posted_at",
                "created_at",
                "version",
            )
        },
        "service_center": {"id": notice.service_center_id, "name": notice.service_center.name},
        "community": {"id": notice.community_id, "name": notice.community.name} if notice.community_id else None,
        "building_ids": sorted(b.pk for b in notice.buildings.all()),
        "unit_ids": sorted(u.pk for u in notice.units.all()),
        "special_customer_ids": sorted(c.pk for c in notice.special_customers.all()),
        "approved_by": user_ref(notice.approved_by),
        "created_by": user_ref(notice.created_by),
        "call_count": notice.calls.count(),
    }


class NoticesNoticePage(Page):
    items: list[NoticesNoticeOut]


class NoticesNoticeFilters(PageParams):
    status: StatusIn = ""
    kind: NoticeKindIn | None = None


class NoticesTaskOut(Schema):
    id: int
    community: Ref
    notice_id: int | None
    warning_id: int | None
    text: str
    status: str
    created_at: LocalDateTime
    done_at: LocalDateTime | None
    done_by: UserRef | None
    methods: list[str]
    note: str
    version: int


def task_body(task) -> dict:
    return {
        "id": task.pk,
        "community": {"id": task.community_id, "name": task.community.name},
        "notice_id": task.notice_id,
        "warning_id": task.warning_id,
        "text": task.text,
        "status": task.status,
        "created_at": task.created_at,
        "done_at": task.done_at,
        "done_by": user_ref(task.done_by),
        "methods": task.methods,
        "note": task.note,
        "version": task.version,
    }


class NoticesTaskDoneIn(Schema):
    methods: list[MethodIn] = Field(..., min_length=1, max_length=4)
    done_at: InputDateTime | None = Field(None, description="广播时间，默认现在")
    note: str = Field("", max_length=200)
    expected_version: Version | None = None


class NoticesWarningIn(Schema):
    service_center_id: Id
    hazard: HazardIn
    level: int = Field(..., ge=1, le=10, description="暴雨 1 蓝 2 黄 3 橙 4 红 5 黑；台风为风球号")
    headline: str = Field("", max_length=200)


class NoticesWarningOut(Schema):
    id: int
    service_center: Ref
    hazard: str
    level: int
    headline: str
    source: str
    broadcast: str = Field(description="none 不广播 / decide 须记录是否广播 / mandatory 必须广播")
    decision: str
    decided_by: UserRef | None
    decided_at: LocalDateTime | None
    decision_reason: str
    issued_at: LocalDateTime
    version: int


def warning_body(warning) -> dict:
    return {
        "id": warning.pk,
        "service_center": {"id": warning.service_center_id, "name": warning.service_center.name},
        **{
            name: getattr(warning, name)
            for name in ("hazard", "level", "headline", "source", "broadcast", "decision", "decided_at")
        },
        "decided_by": user_ref(warning.decided_by),
        "decision_reason": warning.decision_reason,
        "issued_at": warning.issued_at,
        "version": warning.version,
    }


class NoticesDecisionIn(Schema):
    broadcast: bool
    reason: str = Field(..., max_length=200)
    expected_version: Version | None = None


class NoticesAckOut(Schema):
    user: UserRef
    notified_at: LocalDateTime
    acknowledged_at: LocalDateTime | None
    chase_count: int


class NoticesDeliveryOut(Schema):
    id: int
    customer: Ref
    status: str
    delivered_at: LocalDateTime | None
    acknowledged_at: LocalDateTime | None
    acknowledged_name: str
    version: int


def delivery_body(delivery) -> dict:
    return {
        "id": delivery.pk,
        "customer": {"id": delivery.customer_id, "name": delivery.customer.name},
        "status": delivery.status,
        "delivered_at": delivery.delivered_at,
        "acknowledged_at": delivery.acknowledged_at,
        "acknowledged_name": delivery.acknowledged_name,
        "version": delivery.version,
    }


class NoticesDeliveryAckIn(Schema):
    name: str = Field(..., max_length=50, description="签收人")
    expected_version: Version | None = None
