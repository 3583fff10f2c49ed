"""Deadlines over the API: a ticket's clocks with their escalation steps (the ticket page's panel), the
escalations the caller was notified of and their acknowledgement, and the timeliness rate (R-CP-7) — same
numbers and scoping as the pages.

sla sits below tickets and imports nothing of it: the ticket is reached through ``SlaTarget.ticket``.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id, InputDate, LocalDateTime, Page, PageParams, UserRef, page_of, user_ref
from propdesk.core import texts
from propdesk.core.permissions import require

from .models import EscalationStep, SlaTarget
from .selectors import TARGET_RATE, escalations_notified, targets_for_ticket, timeliness
from .services import escalation_acknowledge

router = Router(tags=["时限"])

# The ticket model, through the relation (sla may not import tickets).
Ticket = SlaTarget.ticket.field.related_model


class PolicyRef(Schema):
    code: str
    name: str
    requirement: str = Field(description="依据，如 R-WO-1")

    @staticmethod
    def resolve_name(obj) -> str:
        return texts.render(obj.name)  # a seeded name is its msgid: in the request's language


class StepOut(Schema):
    id: int
    level: int
    when: str = Field(description="warn 预警 | due 到期及之后的各级升级")
    due_at: LocalDateTime = Field(description="该级应触发的时间")
    taken_at: LocalDateTime
    recipient_ids: list[int] = Field(description="被通知人的用户 ID")
    acknowledged: bool
    acknowledged_by: UserRef | None
    acknowledged_at: LocalDateTime | None
    acknowledgement: str = Field(description="确认说明")

    @staticmethod
    def resolve_recipient_ids(obj: EscalationStep) -> list[int]:
        return list(obj.recipients)

    @staticmethod
    def resolve_acknowledged(obj: EscalationStep) -> bool:
        return obj.acknowledged_at is not None

    @staticmethod
    def resolve_acknowledged_by(obj: EscalationStep) -> dict | None:
        return user_ref(obj.acknowledged_by)


class DeadlineOut(Schema):
    id: int
    policy: PolicyRef
    state: str = Field(description="running 计时中 | paused 暂停 | met 按时完成 | breached 已超时 | cancelled 已取消")
    work_order_id: int | None
    started_at: LocalDateTime
    due_at: LocalDateTime | None
    warn_at: LocalDateTime | None
    stopped_at: LocalDateTime | None = Field(description="完成时间")
    breached_at: LocalDateTime | None
    escalation_level: int = Field(description="已升级到的级别，0 为尚未升级")
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj: SlaTarget) -> list[EscalationStep]:
        return obj.step_list


class TicketBrief(Schema):
    id: int
    number: str
    title: str


class DeadlineBrief(Schema):
    id: int
    policy: PolicyRef
    state: str
    due_at: LocalDateTime | None


class EscalationOut(StepOut):
    ticket: TicketBrief
    deadline: DeadlineBrief

    @staticmethod
    def resolve_ticket(obj: EscalationStep):
        return obj.target.ticket

    @staticmethod
    def resolve_deadline(obj: EscalationStep):
        return obj.target


class EscalationPage(Page):
    items: list[EscalationOut]


class EscalationFilters(PageParams):
    acknowledged: bool | None = Field(None, description="true 只看已确认的，false 只看未确认的；不传为全部")


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=200, description="确认说明（可不填）")


class TimelinessFilters(Schema):
    date_from: InputDate | None = None
    date_to: InputDate | None = None
    group: Literal["center", "department", "person", "kind", "policy", "month"] = "center"


class RateOut(Schema):
    label: str
    met: int
    breached: int
    total: int
    rate: float | None
    below_target: bool


class TimelinessOut(Schema):
    date_from: dt.date
    date_to: dt.date
    group: str
    target: float
    rows: list[RateOut]
    total: RateOut


@router.get(
    "/tickets/{ticket_id}/deadlines",
    response={200: list[DeadlineOut], **COMMON_ERRORS},
    url_name="ticket_deadlines",
    summary="工单的时限 / Ticket deadlines",
)
def list_ticket_deadlines(request: HttpRequest, ticket_id: Id):
    """工单的各项时限（与工单页面的“时限”栏相同）：规则、状态、到期与完成时间，以及已触发的各级升级和确认情况。
    仅限物业员工。

    The ticket's deadlines (the SLA panel of the ticket page): policy, state, due and stop times, and the
    escalation steps taken with their acknowledgement. Staff only.
    """
    ticket = Ticket.objects.visible_to(request.auth).get(pk=ticket_id)
    require(request.auth, "ticket.view_internal", ticket, _("仅限物业员工查询"))
    return targets_for_ticket(user=request.auth, ticket_id=ticket.pk)


@router.get(
    "/escalations",
    response={200: EscalationPage, **COMMON_ERRORS},
    url_name="escalation_list",
    summary="我收到的升级 / My escalations",
)
def list_escalations(request: HttpRequest, filters: Query[EscalationFilters]):
    """通知过我的时限预警和超时升级，最新的在前，分页；``acknowledged=false`` 只看尚未确认的。

    The deadline warnings and escalations the caller was notified of, newest first, paginated;
    ``acknowledged=false`` keeps the unacknowledged ones.
    """
    qs = escalations_notified(user=request.auth, acknowledged=filters.acknowledged)
    return page_of(qs, filters.offset, filters.limit)


@router.post(
    "/escalations/{step_id}/acknowledge",
    response={200: EscalationOut, **COMMON_ERRORS},
    url_name="escalation_acknowledge",
    summary="确认收到升级 / Acknowledge an escalation",
)
def acknowledge_escalation(request: HttpRequest, step_id: Id, payload: AcknowledgeIn | None = None):
    """确认已接手该升级：被通知的员工，或该小区的前台、客服、管理人员和公司监督部门。确认记入工单的处理记录；
    已确认过的返回 400。

    Confirm that the escalation is in hand: a notified employee, or the desk, managers and company oversight of
    the ticket's community. The acknowledgement goes into the ticket's history; one acknowledged already is a 400.
    """
    payload = payload or AcknowledgeIn()
    step = EscalationStep.objects.filter(target__in=SlaTarget.objects.visible_to(request.auth)).get(pk=step_id)
    escalation_acknowledge(actor=request.auth, step=step, note=payload.note)
    return EscalationStep.objects.select_related(
        "target__policy", "target__ticket", "acknowledged_by__staff_profile"
    ).get(pk=step.pk)


def _row(r) -> dict:
    return {
        "label": r.label,
        "met": r.met,
        "breached": r.breached,
        "total": r.total,
        "rate": round(r.rate, 4) if r.rate is not None else None,
        "below_target": r.below_target,
    }


@router.get(
    "/sla/timeliness",
    response={200: TimelinessOut, **COMMON_ERRORS},
    url_name="sla_timeliness",
    summary="报事处理及时率 / Timeliness rate",
)
def get_timeliness(request: HttpRequest, filters: Query[TimelinessFilters]):
    """报事处理及时率：按时完成 ÷（按时完成 + 超时），按服务中心、部门、人员、类别、规则或月份分组；默认本月。

    Met ÷ (met + breached), grouped by service center, department, person, kind, policy or month; the current
    month by default.
    """
    require(request.auth, "timeliness.view", message=_("仅限物业员工查询"))
    today = timezone.localdate()
    date_from = filters.date_from or today.replace(day=1)
    date_to = filters.date_to or today
    if date_from > date_to:
        raise ValidationError({"date_from": _("开始日期不能晚于结束日期")})
    rows, total = timeliness(user=request.auth, date_from=date_from, date_to=date_to, group_by=filters.group)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "group": filters.group,
        "target": TARGET_RATE,
        "rows": [_row(r) for r in rows],
        "total": _row(total),
    }
