"""Demo data of the filings app: the periods just ended are opened (the half-month statistics, each project's
quarterly report or brief); the center's quarterly report is written and submitted, waiting for the manager's
review, and the half-month statistics are approved and circulated. Safe to call twice: a center with a written
filing is left as it is."""

import random

from django.db import transaction
from django.utils import timezone

from propdesk.filings.choices import FilingKind
from propdesk.filings.models import Filing
from propdesk.filings.services import filing_step, filing_update, open_due_filings
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter
from propdesk.org.selectors import role_holders

QUARTERLY_TEXT = {
    "security": "本季度夜间巡逻 {n} 次，消防检查 3 次，处理安全隐患 {m} 处。",
    "cleaning": "公共区域日常保洁按标准完成，外墙清洗一次，垃圾分类宣传 2 次。",
    "greening": "修剪乔灌木，补种草坪 {a} 平方米，病虫害防治 2 次。",
    "facilities": "电梯年检完成，消防系统季度维保，二次供水水箱清洗。",
    "customer_service": "开展客户访谈与满意度回访，社区文化活动 2 场。",
    "complaints": "本季度投诉均按时限处理，共性问题已整改并公布。",
    "finance": "财务收支详见附表。",
}
HALF_MONTH_TEXT = {
    "news": "完成消防演练，迎接公司品质检查。",
    "business": "报修、咨询、投诉均在时限内处理。",
    "internal": "开展员工礼仪培训一次。",
    "complaints": "投诉已回访，客户满意。",
    "follow_up": "地库照明改造进行中。",
    "coordination": "需开发商协调外墙渗水维修。",
    "next": "冬季防冻检查，年终客户满意度调查。",
}


def _holder(center: ServiceCenter, community_id: int | None, role: str):
    found = role_holders(roles=[role], community_id=community_id or 0, service_center=center)
    return found[0] if found else None


@transaction.atomic
def create_filings_demo(center: ServiceCenter, rng: random.Random) -> None:
    """Open the ended periods' filings and bring the center's quarterly report and half-month statistics along
    their chains (once)."""
    open_due_filings(today=timezone.localdate())
    filings = Filing.objects.filter(service_center=center).select_related("service_center__branch", "community")
    if any(f.sections for f in filings):
        return
    cs = _holder(center, None, Role.CS_SUPERVISOR)
    manager = _holder(center, None, Role.CENTER_MANAGER)
    if cs is None or manager is None:
        return
    quarterly = filings.filter(kind=FilingKind.QUARTERLY).order_by("pk").first()
    if quarterly is not None:
        text = {k: v.format(n=rng.randint(80, 120), m=rng.randint(1, 6), a=rng.randint(50, 300))
                for k, v in QUARTERLY_TEXT.items()}  # fmt: skip
        finance = [
            ["物业服务费收入", f"{rng.randint(900, 1300) * 1000}"],
            ["人工成本", f"{rng.randint(500, 700) * 1000}"],
        ]
        quarterly = filing_update(actor=cs, filing=quarterly, sections=text, finance=finance, expected_version=None)
        filing_step(actor=cs, filing=quarterly, step="submit", expected_version=None)
    half = filings.filter(kind=FilingKind.HALF_MONTH).order_by("pk").first()
    if half is not None:
        half = filing_update(actor=cs, filing=half, sections=HALF_MONTH_TEXT, expected_version=None)
        half = filing_step(actor=cs, filing=half, step="submit", expected_version=None)
        half = filing_step(actor=manager, filing=half, step="manager_approve", expected_version=None)
        filing_step(actor=cs, filing=half, step="circulate", expected_version=None)
