"""Weather warnings (R-PB-4/5/6): a level drives what the company's rules say — staff notified (each
acknowledges in one tap, the rest are chased), a broadcast left to the control center's recorded decision, or
a broadcast task that is done only when the control center records it done."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.roles import FIELD, FRONT
from propdesk.org.selectors import on_duty

from ..choices import BroadcastMethod, BroadcastRule, Decision, Hazard, TaskStatus, WarningSource
from ..models import Acknowledgement, BroadcastTask, WarningRule, WeatherWarning
from .common import aware, center_staff, lock

LEADERS = [Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER, Role.REPAIR_MANAGER, Role.SECURITY_MANAGER, Role.CS_SUPERVISOR]
POSTS = sorted(str(r) for r in FRONT | FIELD)
# The seeds' rules (000 §3.3.2 (4)(5)): (hazard, from level, roles told, broadcast).
DEFAULT_RULES = (
    (Hazard.RAINSTORM, 2, [*LEADERS, *POSTS], BroadcastRule.NONE),
    (Hazard.RAINSTORM, 4, [*LEADERS, *POSTS], BroadcastRule.MANDATORY),
    (Hazard.TYPHOON, 1, [*LEADERS, *POSTS], BroadcastRule.NONE),
    (Hazard.TYPHOON, 2, [*LEADERS, *POSTS], BroadcastRule.DECIDE),
    (Hazard.TYPHOON, 3, [*LEADERS, *POSTS], BroadcastRule.MANDATORY),
)
LEVEL_MAX = 10
CHASE_AFTER = dt.timedelta(minutes=10)
CHASE_EVERY = dt.timedelta(minutes=15)


def seed_rules(company) -> None:
    """Give a company the seeds' rules when it has none yet (they are then edited as data)."""
    if WarningRule.objects.filter(company=company).exists():
        return
    for hazard, level, roles, broadcast in DEFAULT_RULES:
        WarningRule.objects.create(
            company=company, hazard=hazard, level=level, notify_roles=[str(r) for r in roles], broadcast=broadcast
        )


def rule_for(company, hazard: str, level: int) -> WarningRule | None:
    seed_rules(company)
    return WarningRule.objects.filter(company=company, hazard=hazard, level__lte=level).order_by("-level").first()


def _recipients(center, roles: list[str], now) -> list:
    leaders = center_staff(center, [r for r in roles if r not in POSTS])
    posts = center_staff(center, [r for r in roles if r in POSTS])
    on_post = on_duty(posts, service_center_id=center.pk, now=now) if posts else []
    return list({u.pk: u for u in [*leaders, *on_post]}.values())


def level_label(hazard: str, level: int) -> str:
    if hazard == Hazard.RAINSTORM:
        colours = {1: N_("蓝色"), 2: N_("黄色"), 3: N_("橙色"), 4: N_("红色"), 5: N_("黑色")}
        return _(colours.get(level, N_("黑色")))
    return _("%(n)s 号风球") % {"n": level}


@transaction.atomic
def warning_enter(
    *, actor, service_center, hazard: str, level: int, headline: str = "", source=WarningSource.MANUAL, cap_id=""
) -> WeatherWarning:
    """Record a warning for a center and take the actions its company's rules give for the level."""
    if actor is not None:
        require(actor, "warning.enter", WeatherWarning(service_center=service_center), _("您无权录入预警"))
    if hazard not in Hazard.values:
        raise field_error("hazard", _("请选择预警类型"), "invalid_choice")
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= LEVEL_MAX:
        raise field_error("level", _("预警级别应为 1 至 %(n)s") % {"n": LEVEL_MAX}, "invalid")
    now = timezone.now()
    default = _("%(hazard)s预警：%(level)s") % {"hazard": Hazard(hazard).label, "level": level_label(hazard, level)}
    headline = clean_text(headline or default, "headline", limit=200)
    rule = rule_for(service_center.branch.company, hazard, level)
    warning = WeatherWarning.objects.create(
        service_center=service_center,
        hazard=hazard,
        level=level,
        headline=headline,
        source=source,
        cap_identifier=cap_id,
        broadcast=rule.broadcast if rule else BroadcastRule.NONE,
        entered_by=actor,
        issued_at=now,
    )
    if rule is not None:
        people = _recipients(service_center, rule.notify_roles, now)
        Acknowledgement.objects.bulk_create([Acknowledgement(warning=warning, user=u, notified_at=now) for u in people])
        _tell(warning, people, f"notices.warning:{warning.pk}")
        if rule.broadcast == BroadcastRule.MANDATORY:
            _tasks(warning)
    return warning


def _tell(warning: WeatherWarning, people: list, dedupe: str) -> None:
    notify(
        recipients=people,
        message=Message(
            kind="notices.warning",
            subject=t(N_("预警：%(headline)s，请确认收到"), headline=warning.headline),
            url=reverse("notices:warning", args=[warning.pk]),
            urgent=True,
        ),
        dedupe=dedupe,
    )


def _tasks(warning: WeatherWarning) -> None:
    center = warning.service_center
    for community in Community.objects.filter(service_center=center).order_by("pk"):
        BroadcastTask.objects.create(service_center=center, community=community, warning=warning, text=warning.headline)
    notify(
        recipients=center_staff(center, [Role.CONTROL_OPERATOR]),
        message=Message(
            kind="notices.broadcast",
            subject=t(N_("请向小区广播：%(headline)s"), headline=warning.headline),
            url=reverse("notices:broadcasts"),
            urgent=True,
        ),
        dedupe=f"notices.broadcast:warning:{warning.pk}",
    )


@transaction.atomic
def warning_decide(
    *, actor, warning: WeatherWarning, broadcast: bool, reason: str, expected_version: int | None
) -> WeatherWarning:
    """Record whether to broadcast a warning the rules leave open (typhoon signal 2): who, when and why."""
    require(actor, "warning.decide", warning, _("您无权决定是否广播"))
    reason = clean_text(reason, "reason", limit=200)
    warning = lock(WeatherWarning, warning, expected_version)
    if warning.broadcast != BroadcastRule.DECIDE:
        raise field_error("decision", _("该预警无需决定是否广播"), "not_open")
    if warning.decision:
        raise field_error("decision", _("已决定过是否广播"), "already_decided")
    WeatherWarning.objects.filter(pk=warning.pk).update(
        decision=Decision.BROADCAST if broadcast else Decision.NO_BROADCAST,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_reason=reason,
        version=F("version") + 1,
    )
    warning.refresh_from_db()
    if broadcast:
        _tasks(warning)
    return warning


@transaction.atomic
def warning_acknowledge(*, actor, warning: WeatherWarning) -> Acknowledgement:
    """One tap: the staff member confirms they received the warning (again is harmless)."""
    ack = Acknowledgement.objects.select_for_update().filter(warning=warning, user=actor).first()
    if ack is None:
        raise field_error("warning", _("该预警没有通知您，无需确认"), "not_notified")
    if ack.acknowledged_at is None:
        ack.acknowledged_at = timezone.now()
        ack.save(update_fields=["acknowledged_at"])
    return ack


def chase_unacknowledged(*, now: dt.datetime | None = None) -> int:
    """Remind, again and again every 15 minutes, whoever has not acknowledged a warning 10 minutes after."""
    now = now or timezone.now()
    due = Acknowledgement.objects.filter(acknowledged_at__isnull=True, notified_at__lte=now - CHASE_AFTER).exclude(
        chased_at__gt=now - CHASE_EVERY
    )
    chased = 0
    for ack in due.select_related("warning", "user"):
        with transaction.atomic():
            Acknowledgement.objects.filter(pk=ack.pk).update(chased_at=now, chase_count=F("chase_count") + 1)
            _tell(ack.warning, [ack.user], f"notices.warning:{ack.warning_id}:chase{ack.chase_count + 1}")
        chased += 1
    return chased


@transaction.atomic
def broadcast_done(
    *, actor, task: BroadcastTask, methods: list[str], done_at: dt.datetime | None, note: str = "",
    expected_version: int | None,
) -> BroadcastTask:  # fmt: skip
    """The control center records a broadcast done: when, by whom, how (loudspeaker, SMS, IM group, boards)."""
    require(actor, "broadcast.record", task, _("您无权登记广播"))
    task = lock(BroadcastTask, task, expected_version)
    if task.status == TaskStatus.DONE:
        raise field_error("status", _("该广播已登记完成"), "already_done")
    methods = list(dict.fromkeys(methods or []))
    if not methods or any(m not in BroadcastMethod.values for m in methods):
        raise field_error("methods", _("请选择广播方式"), "required")
    now = timezone.now()
    done_at = check_date(aware(done_at), "done_at") or now
    if done_at > now or done_at < task.created_at:
        raise field_error("done_at", _("广播时间须在任务创建之后、当前时间之前"), "invalid")
    note = clean_text(note, "note", required=False, limit=200)
    BroadcastTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.DONE, done_at=done_at, done_by=actor, methods=methods, note=note, version=F("version") + 1
    )
    task.refresh_from_db()
    return task
