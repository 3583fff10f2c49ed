"""A filing's approval chain (R-RP-2/3/4): each kind's steps in order (``choices.CHAINS``), none skipped; a
reviewer may send it back to its drafter. The quarterly report is published to customers as a notice of kind
"report" that enters the notices' own approval chain (manager, seal, posting); the owners' committee's or the
client's receipt is recorded on delivery. Each step is an event; the next person in the chain is told."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import can, require
from propdesk.core.texts import label, t
from propdesk.notices.services import notice_create, notice_submit
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.roles import MANAGERS
from propdesk.org.selectors import role_holders

from .. import figures
from ..choices import EDITABLE, RETURNABLE, EventKind, FilingKind, FilingStatus, Step, chain_of
from ..models import Filing, FilingDeadline
from ..permissions import CS, PUBLISHERS
from ..sections import filled
from .common import lock, record

# Who takes each step (for telling the next person; the permission itself is ``filing.<step>``).
STEP_ROLES = {
    Step.SUBMIT: CS,
    Step.MANAGER_APPROVE: frozenset({Role.CENTER_MANAGER}),
    Step.REVIEW: frozenset({Role.CENTER_MANAGER}),
    Step.APPROVE: frozenset({Role.BRANCH_LEADER}),
    Step.QUALITY_APPROVE: frozenset({Role.QUALITY_DEPT}),
    Step.CIRCULATE: CS | {Role.CENTER_MANAGER},
    Step.POST: PUBLISHERS,
    Step.PUBLISH: PUBLISHERS,
    Step.DELIVER: CS,
}
NOTICE_DAYS = 30


def next_step(filing: Filing) -> tuple[str, str, str] | None:
    """The one step the filing may take now (a returned filing starts again with submitting), or None when done."""
    status = FilingStatus.DRAFT if filing.status == FilingStatus.RETURNED else filing.status
    for step in chain_of(filing.kind, filing.needs_quality):
        if step[1] == status:
            return step
    return None


def step_after(filing: Filing, step: str) -> str | None:
    steps = [s for s, _a, _b in chain_of(filing.kind, filing.needs_quality)]
    position = steps.index(step)
    return steps[position + 1] if position + 1 < len(steps) else None


def people_for(filing: Filing, roles) -> list:
    return role_holders(roles=roles, community_id=filing.community_id or 0, service_center=filing.service_center)


def url_of(filing: Filing) -> str:
    return reverse("filings:detail", args=[filing.pk])


def title_of(filing: Filing) -> str:
    place = filing.community.name if filing.community_id else filing.service_center.name
    return f"{place} {filing.get_kind_display()} {filing.period_start:%Y-%m-%d}—{filing.period_end:%Y-%m-%d}"


def title_text(filing: Filing):
    """The filing's name as a stored text (read in each reader's language)."""
    place = filing.community.name if filing.community_id else filing.service_center.name
    return t(
        N_("%(place)s %(kind)s %(start)s—%(end)s"),
        place=place,
        kind=label(FilingKind(filing.kind).label),
        start=f"{filing.period_start:%Y-%m-%d}",
        end=f"{filing.period_end:%Y-%m-%d}",
    )


def _tell_next(filing: Filing, step: str | None) -> None:
    if step is None:
        return
    notify(
        recipients=people_for(filing, STEP_ROLES[step]),
        message=Message(
            kind="filings.step",
            subject=t(N_("报告待您%(step)s：%(title)s"), step=label(Step(step).label), title=title_text(filing)),
            url=url_of(filing),
        ),
        dedupe=f"filings.step:{filing.pk}:{step}:{filing.version}",
    )


def _refuse_skip(filing: Filing, step: str, expected) -> None:
    if expected is None:
        raise field_error("status", _("报告已全部完成"), "done")
    if step != expected[0]:
        raise field_error(
            "status",
            _("报告当前为“%(now)s”，下一步是“%(next)s”，不能跳过")
            % {"now": filing.get_status_display(), "next": Step(expected[0]).label},
            "invalid_transition",
        )


def _prepare(actor, filing: Filing, step: str, data: dict) -> dict:
    """What a step needs besides the status: the submitted figures, the notice, the receipt."""
    changes: dict = {}
    if step == Step.SUBMIT:
        if filing.kind == FilingKind.BUDGET and not filing.document:
            raise field_error("document", _("请先上传经业主委员会批准的年度预决算文件"), "required")
        if filing.kind != FilingKind.BUDGET and not any(text for _k, _l, text in filled(filing)):
            raise field_error("sections", _("请先填写报告的文字部分"), "required")
        changes.update(figures=figures.compute(actor, filing), figures_at=timezone.now())
    elif step == Step.PUBLISH and filing.kind == FilingKind.QUARTERLY:
        changes["notice"] = _publish_notice(actor, filing)
    elif step == Step.DELIVER:
        changes["receipt_by"] = clean_text(data.get("receipt_by"), "receipt_by", limit=50)
        changes["receipt_note"] = clean_text(data.get("receipt_note"), "receipt_note", required=False, limit=200)
        changes["receipt_at"] = timezone.now()
    return changes


def _publish_notice(actor, filing: Filing):
    """The quarterly report as a draft notice of kind "report" to the project's customers, submitted into the
    notices' approval chain (the manager approves, the information manager seals and posts it)."""
    now = timezone.now()
    body = render_to_string(
        "filings/partials/_notice_body.html",
        {"filing": filing, "figures": figures.rows(filing), "sections": filled(filing)},
    )
    notice = notice_create(
        actor=actor,
        service_center=filing.service_center,
        data={
            "kind": "report",
            "title": title_of(filing)[:100],
            "body": body,
            "audience": "community",
            "community_id": filing.community_id,
            "valid_from": now,
            "valid_until": now + dt.timedelta(days=NOTICE_DAYS),
        },
    )
    return notice_submit(actor=actor, notice=notice, expected_version=notice.version)


@transaction.atomic
def filing_step(*, actor, filing: Filing, step: str, expected_version: int | None, data: dict | None = None) -> Filing:
    """Take ``step`` of the filing's chain: only the next one, only by whom the rule set allows."""
    if step not in Step.values:
        raise field_error("step", _("未知的步骤"), "invalid_choice")
    require(actor, f"filing.{step}", filing, _("您无权进行“%(step)s”") % {"step": Step(step).label})
    filing = lock(Filing, filing, expected_version)
    expected = next_step(filing)
    _refuse_skip(filing, step, expected)
    changes = _prepare(actor, filing, step, data or {})
    before, now = filing.status, timezone.now()
    Filing.objects.filter(pk=filing.pk).update(status=expected[2], version=F("version") + 1, **changes)
    FilingDeadline.objects.filter(filing=filing, step=step).update(done_at=now, done_by=actor)
    filing.refresh_from_db()
    record(filing, step, actor, from_status=before, to_status=filing.status)
    _tell_next(filing, step_after(filing, step))
    if step == Step.APPROVE and filing.kind == FilingKind.BRIEF:
        _copy_quality(filing)
    if step == Step.CIRCULATE:
        _circulate(filing)
    return filing


def _circulate(filing: Filing) -> None:
    """The approved half-month statistics go round the center's managers and the branch leader (供内部交流及领导审阅)."""
    notify(
        recipients=people_for(filing, MANAGERS | {Role.BRANCH_LEADER}),
        message=Message(
            kind="filings.circulated",
            subject=t(N_("半月信息统计表传阅：%(title)s"), title=title_text(filing)),
            url=url_of(filing),
        ),
        dedupe=f"filings.circulated:{filing.pk}",
    )


def _copy_quality(filing: Filing) -> None:
    """The brief approved by the branch leader is copied to the quality department (抄送品质部存案)."""
    notify(
        recipients=people_for(filing, {Role.QUALITY_DEPT}),
        message=Message(
            kind="filings.copied",
            subject=t(N_("工作简报抄送存案：%(title)s"), title=title_text(filing)),
            url=url_of(filing),
        ),
        dedupe=f"filings.copied:{filing.pk}",
    )


def may_return(actor, filing: Filing) -> bool:
    expected = next_step(filing)
    return filing.status in RETURNABLE and expected is not None and can(actor, f"filing.{expected[0]}", filing)


@transaction.atomic
def filing_return(*, actor, filing: Filing, reason: str, expected_version: int | None) -> Filing:
    """Whoever would take the next approval step sends the filing back to its drafter, with a reason; the chain
    starts again from submitting."""
    require(actor, "filing.view", filing, _("您无权退回该报告"))
    filing = lock(Filing, filing, expected_version)
    if filing.status not in RETURNABLE:
        raise field_error("status", _("该报告当前不能退回"), "invalid_transition")
    if not may_return(actor, filing):
        raise PermissionDenied(_("只有当前步骤的审核人可以退回该报告"))
    reason = clean_text(reason, "reason", limit=300)
    before = filing.status
    Filing.objects.filter(pk=filing.pk).update(status=FilingStatus.RETURNED, version=F("version") + 1)
    FilingDeadline.objects.filter(filing=filing).update(done_at=None, done_by=None)
    filing.refresh_from_db()
    record(filing, EventKind.RETURNED, actor, reason=reason, from_status=before, to_status=filing.status)
    notify(
        recipients=people_for(filing, CS),
        message=Message(
            kind="filings.returned",
            subject=t(N_("报告被退回：%(title)s"), title=title_text(filing)),
            url=url_of(filing),
        ),
        dedupe=f"filings.returned:{filing.pk}:{filing.version}",
    )
    return filing


def is_editable(filing: Filing) -> bool:
    return filing.status in EDITABLE
