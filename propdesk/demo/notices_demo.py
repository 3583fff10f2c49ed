"""Demo data of the notices app for one service center: a posted bulletin (safety) for each community, a
planned water outage in one building approved and sealed (shown at the front desk on its day), one notice
waiting for the manager's approval, the seeds' warning rules, a yellow rainstorm warning with part of the staff
acknowledged, a CAP feed, and each community's fee schedule and service contacts on its public board. Safe to call twice: a center that already has notices is left as it is."""

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


_FEES = (
    ("物业服务费（住宅）", "住宅业主", "公共区域清洁、秩序维护、绿化养护、共用设施维护", "二级服务标准", "2.50", "元/㎡·月",
     "按建筑面积按月计收", "自交房之日起", "gov_guided", "《深圳市物业服务收费管理办法》", "深圳市发展和改革委员会",
     "深发改〔2025〕12号", False),
    ("地下停车位服务费", "车位使用人", "车场秩序维护、清洁、照明", "", "300.00", "元/个·月", "按车位按月计收",
     "自办理停车卡之日起", "gov_guided", "《深圳市机动车停放服务收费管理办法》", "深圳市发展和改革委员会",
     "深发改〔2024〕873号", False),
    ("装修垃圾清运费", "装修业主", "装修垃圾集中清运", "", "400.00", "元/户·次", "按户一次性收取", "办理装修手续时",
     "market", "物业服务合同第十二条", "", "", False),
    ("二次供水水费（代收）", "全体住户", "居民生活用水", "", "3.45", "元/吨", "按水表读数按月计收", "自开户之日起",
     "gov_set", "《深圳市居民生活用水价格调整方案》", "深圳市发展和改革委员会", "深发改〔2023〕456号", True),
)  # fmt: skip
_CONTACTS = (
    ("water", "深圳水务集团客服", "0755-95599", "24 小时"),
    ("power", "南方电网供电服务热线", "95598", "24 小时"),
    ("gas", "深圳燃气抢修热线", "0755-83601111", "24 小时"),
    ("telecom", "中国电信客服", "10000", "24 小时"),
    ("cable", "天威视讯客服", "0755-96933", "8:30-21:00"),
    ("public", "价格举报电话", "12358", "工作日 9:00-18:00"),
)


def _board(center, community, info) -> None:
    """The community's fee schedule and service contacts on its public board."""
    fields = ("item", "payer", "service_content", "service_standard", "price", "unit", "billing_method",
              "billing_start", "price_regime", "basis", "authority", "approval_no", "collected_for_others")  # fmt: skip
    for order, row in enumerate(_FEES):
        data = {**dict(zip(fields, row, strict=True)), "community_id": community.pk, "sort_order": order}
        services.fee_item_save(actor=info, service_center=center, data={**data, "effective_from": "2026-01-01"})
    contacts = list(_CONTACTS)
    hotline = center.branch.company.hotline
    if hotline:
        contacts.insert(0, ("hotline", f"{center.branch.company.name}客服热线", hotline, "24 小时"))
    if center.phone:
        contacts.insert(1, ("center", center.name, center.phone, "8:00-20:00"))
    for order, (kind, name, phone, hours) in enumerate(contacts):
        data = {"community_id": community.pk, "kind": kind, "name": name, "phone": phone, "hours": hours}
        services.contact_save(actor=info, service_center=center, data={**data, "sort_order": order})


def create_notices_demo(center, rng: random.Random) -> None:
    if Notice.objects.filter(service_center=center).exists():
        return
    communities = list(
        Community.objects.filter(service_center=center).select_related("service_center__branch__company")
    )
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
        _board(center, community, info)
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
