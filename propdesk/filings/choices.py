"""The vocabulary of the reports a center hands in: kinds, states, the chain of steps of each kind, events and
the company's rule for a deadline that falls on a day off."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingKind(models.TextChoices):
    HALF_MONTH = "half_month", _("半月信息统计表")
    QUARTERLY = "quarterly", _("管理服务报告")
    BRIEF = "brief", _("物业服务工作简报")
    BUDGET = "budget", _("年度预决算公示")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RETURNED = "returned", _("已退回")
    SUBMITTED = "submitted", _("待经理审核")
    REVIEWED = "reviewed", _("待分公司领导审批")
    APPROVED = "approved", _("分公司领导已审批")
    QUALITY_APPROVED = "quality_approved", _("品质管理中心已审批")
    CIRCULATED = "circulated", _("已内部传阅")
    POSTED = "posted", _("已挂公司内网")
    PUBLISHED = "published", _("已向客户公布")
    DELIVERED = "delivered", _("已呈交并签收")


class Step(models.TextChoices):
    """A step of a chain; the event that records it has the same code."""

    SUBMIT = "submit", _("编制提交")
    MANAGER_APPROVE = "manager_approve", _("经理审批")
    REVIEW = "review", _("经理审核")
    APPROVE = "approve", _("分公司领导审批")
    QUALITY_APPROVE = "quality_approve", _("品质管理中心审批")
    CIRCULATE = "circulate", _("内部传阅")
    POST = "post", _("挂公司内网")
    PUBLISH = "publish", _("向客户公布")
    DELIVER = "deliver", _("呈交并记录签收")


class EventKind(models.TextChoices):
    CREATED = "created", _("建立")
    EDITED = "edited", _("修改")
    RETURNED = "returned", _("退回修改")
    LATE = "late", _("逾期提醒")
    SAMPLED = "sampled", _("抽查")
    SUBMIT = "submit", _("编制提交")
    MANAGER_APPROVE = "manager_approve", _("经理审批")
    REVIEW = "review", _("经理审核")
    APPROVE = "approve", _("分公司领导审批")
    QUALITY_APPROVE = "quality_approve", _("品质管理中心审批")
    CIRCULATE = "circulate", _("内部传阅")
    POST = "post", _("挂公司内网")
    PUBLISH = "publish", _("向客户公布")
    DELIVER = "deliver", _("呈交并记录签收")


class HolidayRule(models.TextChoices):
    """What happens to a deadline that falls on a weekend or a statutory holiday (the company decides)."""

    PREVIOUS = "previous", _("提前到前一个工作日")
    NEXT = "next", _("顺延到下一个工作日")
    KEEP = "keep", _("不调整")


# The steps of each chain, in order, as (step, from status, to status). The quality center's step is taken only
# for the first two reports of a new project; a chain's next step is the one leaving the current status.
CHAINS: dict[str, tuple[tuple[str, str, str], ...]] = {
    FilingKind.HALF_MONTH: (
        (Step.SUBMIT, FilingStatus.DRAFT, FilingStatus.SUBMITTED),
        (Step.MANAGER_APPROVE, FilingStatus.SUBMITTED, FilingStatus.APPROVED),
        (Step.CIRCULATE, FilingStatus.APPROVED, FilingStatus.CIRCULATED),
    ),
    FilingKind.QUARTERLY: (
        (Step.SUBMIT, FilingStatus.DRAFT, FilingStatus.SUBMITTED),
        (Step.REVIEW, FilingStatus.SUBMITTED, FilingStatus.REVIEWED),
        (Step.APPROVE, FilingStatus.REVIEWED, FilingStatus.APPROVED),
        (Step.QUALITY_APPROVE, FilingStatus.APPROVED, FilingStatus.QUALITY_APPROVED),
        (Step.POST, FilingStatus.QUALITY_APPROVED, FilingStatus.POSTED),
        (Step.PUBLISH, FilingStatus.POSTED, FilingStatus.PUBLISHED),
        (Step.DELIVER, FilingStatus.PUBLISHED, FilingStatus.DELIVERED),
    ),
    FilingKind.BRIEF: (
        (Step.SUBMIT, FilingStatus.DRAFT, FilingStatus.SUBMITTED),
        (Step.REVIEW, FilingStatus.SUBMITTED, FilingStatus.REVIEWED),
        (Step.APPROVE, FilingStatus.REVIEWED, FilingStatus.APPROVED),
        (Step.QUALITY_APPROVE, FilingStatus.APPROVED, FilingStatus.QUALITY_APPROVED),
        (Step.DELIVER, FilingStatus.QUALITY_APPROVED, FilingStatus.DELIVERED),
    ),
    FilingKind.BUDGET: (
        (Step.SUBMIT, FilingStatus.DRAFT, FilingStatus.SUBMITTED),
        (Step.PUBLISH, FilingStatus.SUBMITTED, FilingStatus.PUBLISHED),
    ),
}
# A returned filing goes back to its drafter; these states may be returned by the one who acts on them.
RETURNABLE = frozenset({FilingStatus.SUBMITTED, FilingStatus.REVIEWED, FilingStatus.APPROVED})
EDITABLE = frozenset({FilingStatus.DRAFT, FilingStatus.RETURNED})


def chain_of(kind: str, needs_quality: bool) -> list[tuple[str, str, str]]:
    """The steps of a filing's chain: without the quality center's step, the approval leads straight on."""
    steps = []
    for step, source, target in CHAINS[kind]:
        if step == Step.QUALITY_APPROVE and not needs_quality:
            continue
        if source == FilingStatus.QUALITY_APPROVED and not needs_quality:
            source = FilingStatus.APPROVED
        steps.append((step, source, target))
    return steps


def final_status(kind: str) -> str:
    return CHAINS[kind][-1][2]
