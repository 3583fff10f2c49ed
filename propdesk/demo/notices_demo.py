"""Demo data of the notices app for one service center: a posted bulletin (safety) for each community, a
planned water outage in one building approved and sealed (shown at the front desk on its day), one notice
waiting for the manager's approval, the seeds' warning rules, a yellow rainstorm warning with part of the staff
acknowledged, and a CAP feed. Safe to call twice: a center that already has notices is left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.communities.models import Building, Community
from propdesk.notices import services
from propdesk.notices.models import Acknowledgement, CapFeed, Notice
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders


def _holder(community, role):
    found = role_holders(roles=[role], community_id=community.pk, service_center=community.service_center)
    return found[0] if found else None


def _publish(notice, info, manager):
    notice = services.notice_submit(actor=info, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager, notice=notice, expected_version=None)
    if not notice.service_center.seal:
        return notice
    notice = services.notice_seal(actor=info, notice=notice, expected_version=None)
    return services.notice_schedule(actor=info, notice=notice, publish_at=None, expected_version=None)


def _outage(center, community, info, manager, rng: random.Random, now) -> None:
    building = Building.objects.filter(community=community).order_by("pk").first()
    if building is None:
        return
    day = timezone.localtime(now) + dt.timedelta(days=4)
    starts = day.replace(hour=rng.choice((9, 13, 14)), minute=0, second=0, microsecond=0)
    notice = services.notice_create(
        actor=info,
        service_center=center,
        data={
            "kind": "outage_planned",
            "title": f"{building.name}二次供水水箱清洗停水通知",
            "body": f"<p>尊敬的业主：</p><p>因二次供水水箱清洗消毒，{building.name}将暂停供水约 4 小时，请提前储水。</p>",
            "audience": "buildings",
            "community_id": community.pk,
            "building_ids": [building.pk],
            "valid_from": now,
            "valid_until": starts + dt.timedelta(days=1),
            "utility": "water",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=4),
            "answer_text": f"{building.name}水箱清洗停水，{starts:%H:%M} 至 {starts + dt.timedelta(hours=4):%H:%M}，"
            "已提前三天张贴通知，请提前储水。",
        },
    )
    _publish(notice, info, manager)


def _bulletin(center, community, info, manager, now) -> None:
    notice = services.notice_create(
        actor=info,
        service_center=center,
        data={
            "kind": "notice",
            "topic": "safety",
            "title": "冬季防火安全温馨提示",
            "body": "<p>冬季天干物燥，请勿在楼道堆放杂物，离家前关闭电源和燃气。</p>",
            "audience": "community",
            "community_id": community.pk,
            "valid_from": now,
            "valid_until": now + dt.timedelta(days=30),
        },
    )
    _publish(notice, info, manager)


def create_notices_demo(center, rng: random.Random) -> None:
    if Notice.objects.filter(service_center=center).exists():
        return
    communities = list(Community.objects.filter(service_center=center).select_related("service_center__branch"))
    if not communities:
        return
    first = communities[0]
    info, manager = _holder(first, Role.INFO_MANAGER), _holder(first, Role.CENTER_MANAGER)
    operator = _holder(first, Role.CONTROL_OPERATOR)
    if info is None or manager is None:
        return
    now = timezone.now()
    for community in communities:
        _bulletin(center, community, info, manager, now)
    _outage(center, first, info, manager, rng, now)
    waiting = services.notice_create(
        actor=info,
        service_center=center,
        data={
            "kind": "promotion",
            "title": "元旦社区联欢活动报名通知",
            "body": "<p>欢迎业主报名参加元旦联欢活动，报名截止 12 月 25 日。</p>",
            "audience": "community",
            "community_id": first.pk,
            "valid_from": now,
            "valid_until": now + dt.timedelta(days=40),
        },
    )
    services.notice_submit(actor=info, notice=waiting, expected_version=None)
    services.seed_rules(center.branch.company)
    CapFeed.objects.get_or_create(
        service_center=center, name="气象台预警信息", defaults={"secret": f"demo-{center.code}-{rng.randrange(10**8)}"}
    )
    if operator is not None:
        warning = services.warning_enter(actor=operator, service_center=center, hazard="rainstorm", level=2)
        acks = list(Acknowledgement.objects.filter(warning=warning).select_related("user"))
        for ack in acks[: len(acks) // 2]:
            services.warning_acknowledge(actor=ack.user, warning=warning)
