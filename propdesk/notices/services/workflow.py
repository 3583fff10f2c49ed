"""A notice's approval chain (R-PB-2/3): draft → submitted → approved by the service-center manager (or
returned with a reason) → sealed → scheduled → posted → withdrawn/expired. No step can be skipped; each is an
event. A planned outage is submitted at least 72 hours before it starts; an emergency outage, once approved,
becomes a broadcast task for the control center."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role

from ..choices import ALLOWED_TRANSITIONS, Audience, NoticeEventKind, NoticeKind, NoticeStatus
from ..models import BroadcastTask, Notice, NoticeEvent, SpecialDelivery
from .common import audience_communities, aware, center_staff, lock
from .residents import send_to_residents

OUTAGE_LEAD = dt.timedelta(hours=72)


def _move(actor, notice: Notice, to: str, kind: str, *, reason: str = "", **changes) -> Notice:
    if to not in ALLOWED_TRANSITIONS[notice.status]:
        raise field_error(
            "status",
            _("公告当前为“%(now)s”，不能直接“%(step)s”")
            % {"now": notice.get_status_display(), "step": NoticeEventKind(kind).label},
            "invalid_transition",
        )
    before = notice.status
    Notice.objects.filter(pk=notice.pk).update(status=to, version=F("version") + 1, **changes)
    notice.refresh_from_db()
    NoticeEvent.record(notice, kind, actor, reason=reason, from_status=before, to_status=to)
    return notice


def _url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


def check_lead_time(notice: Notice, now: dt.datetime) -> None:
    """A planned outage must reach the manager at least 72 hours before it starts (R-PB-3)."""
    if notice.kind != NoticeKind.OUTAGE_PLANNED or notice.starts_at is None:
        return
    left = notice.starts_at - now
    if left < OUTAGE_LEAD:
        minutes = max(int(left.total_seconds() // 60), 0)
        raise field_error(
            "starts_at",
            _(
                "计划停水停电须在开始前至少 72 小时（3 天）报经理审批，距开始仅剩 %(h)d 小时 %(m)d 分钟。"
                "确属突发情况请改为“紧急停水停电”。"
            )
            % {"h": minutes // 60, "m": minutes % 60},
            "lead_time",
        )


@transaction.atomic
def notice_submit(*, actor, notice: Notice, expected_version: int | None) -> Notice:
    require(actor, "notice.draft", notice, _("您无权提交该公告"))
    notice = lock(Notice, notice, expected_version)
    now = timezone.now()
    check_lead_time(notice, now)
    notice = _move(actor, notice, NoticeStatus.SUBMITTED, NoticeEventKind.SUBMITTED, submitted_at=now)
    managers = center_staff(notice.service_center, [Role.CENTER_MANAGER])
    urgent = notice.kind in (NoticeKind.OUTAGE_EMERGENCY, NoticeKind.WARNING)
    notify(
        recipients=managers,
        message=Message(
            kind="notices.submitted",
            subject=t(N_("公告待审批：%(title)s"), title=notice.title),
            url=_url(notice),
            urgent=urgent,
        ),
        dedupe=f"notices.submitted:{notice.pk}:{notice.version}",
    )
    return notice


@transaction.atomic
def notice_approve(*, actor, notice: Notice, expected_version: int | None) -> Notice:
    """The manager approves; an emergency outage becomes a broadcast task for each of its communities."""
    require(actor, "notice.approve", notice, _("只有服务中心经理可以审批公告"))
    notice = lock(Notice, notice, expected_version)
    notice = _move(
        actor, notice, NoticeStatus.APPROVED, NoticeEventKind.APPROVED, approved_by=actor, approved_at=timezone.now()
    )
    notify(
        recipients=[notice.created_by],
        message=Message(
            kind="notices.approved", subject=t(N_("公告已审批：%(title)s"), title=notice.title), url=_url(notice)
        ),
        dedupe=f"notices.approved:{notice.pk}",
    )
    if notice.kind == NoticeKind.OUTAGE_EMERGENCY:
        _broadcast_tasks(notice)
    return notice


def _broadcast_tasks(notice: Notice) -> None:
    operators = center_staff(notice.service_center, [Role.CONTROL_OPERATOR])
    for community in audience_communities(notice):
        text = (notice.answer_text or notice.title)[:300]
        BroadcastTask.objects.create(
            service_center=notice.service_center, community=community, notice=notice, text=text
        )
    notify(
        recipients=operators,
        message=Message(
            kind="notices.broadcast",
            subject=t(N_("请广播紧急通知：%(title)s"), title=notice.title),
            url=reverse("notices:broadcasts"),
            urgent=True,
        ),
        dedupe=f"notices.broadcast:notice:{notice.pk}",
    )


@transaction.atomic
def notice_return(*, actor, notice: Notice, reason: str, expected_version: int | None) -> Notice:
    require(actor, "notice.approve", notice, _("只有服务中心经理可以退回公告"))
    reason = clean_text(reason, "reason", limit=500)
    notice = lock(Notice, notice, expected_version)
    notice = _move(actor, notice, NoticeStatus.RETURNED, NoticeEventKind.RETURNED, reason=reason)
    notify(
        recipients=[notice.created_by],
        message=Message(
            kind="notices.returned",
            subject=t(N_("公告被退回：%(title)s"), title=notice.title),
            body=t(N_("退回原因：%(reason)s"), reason=reason),
            url=_url(notice),
        ),
        dedupe=f"notices.returned:{notice.pk}:{notice.version}",
    )
    return notice


@transaction.atomic
def notice_seal(*, actor, notice: Notice, expected_version: int | None) -> Notice:
    """Place the center's business seal on an approved notice (the center must have uploaded one)."""
    require(actor, "notice.seal", notice, _("您无权为该公告盖章"))
    notice = lock(Notice, notice, expected_version)
    if not notice.service_center.seal:
        raise field_error("seal", _("服务中心尚未上传业务专用章，请先在主数据中上传"), "no_seal")
    return _move(actor, notice, NoticeStatus.SEALED, NoticeEventKind.SEALED, sealed_at=timezone.now())


@transaction.atomic
def notice_schedule(*, actor, notice: Notice, publish_at: dt.datetime | None, expected_version: int | None) -> Notice:
    """Set when a sealed notice goes up (now when not given); it is posted at that time."""
    require(actor, "notice.publish", notice, _("您无权发布该公告"))
    notice = lock(Notice, notice, expected_version)
    now = timezone.now()
    publish_at = check_date(aware(publish_at), "publish_at") or now
    if publish_at >= notice.valid_until:
        raise field_error("publish_at", _("发布时间须早于有效期结束"), "after_validity")
    notice = _move(actor, notice, NoticeStatus.SCHEDULED, NoticeEventKind.SCHEDULED, publish_at=publish_at)
    if publish_at <= now:
        notice = _post(None, notice, now)
    return notice


def _post(actor, notice: Notice, now: dt.datetime) -> Notice:
    notice = _move(actor, notice, NoticeStatus.POSTED, NoticeEventKind.POSTED, posted_at=now)
    if notice.audience == Audience.SPECIAL:
        for customer in notice.special_customers.all():
            SpecialDelivery.objects.get_or_create(notice=notice, customer=customer)
    send_to_residents(notice)
    return notice


@transaction.atomic
def notice_withdraw(*, actor, notice: Notice, reason: str, expected_version: int | None) -> Notice:
    require(actor, "notice.publish", notice, _("您无权撤回该公告"))
    reason = clean_text(reason, "reason", limit=500)
    notice = lock(Notice, notice, expected_version)
    return _move(actor, notice, NoticeStatus.WITHDRAWN, NoticeEventKind.WITHDRAWN, reason=reason)


def post_due(*, now: dt.datetime | None = None) -> int:
    """Post the scheduled notices whose time has come and take down those past their validity (the worker)."""
    now = now or timezone.now()
    done = 0
    for pk in Notice.objects.filter(status=NoticeStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=pk)
            if notice.status == NoticeStatus.SCHEDULED:
                _post(None, notice, now)
                done += 1
    for pk in Notice.objects.filter(status=NoticeStatus.POSTED, valid_until__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=pk)
            if notice.status == NoticeStatus.POSTED:
                _move(None, notice, NoticeStatus.EXPIRED, NoticeEventKind.EXPIRED)
                done += 1
    return done
