"""Routing classes (R-WO-5) and the work each brings: choosing the class of a work order, the warranty
contact sheet with the developer (整改类), external units told and chased (其他类), follow-ups of
matters that need coordination (沟通类) and the engineering follow-up register (工程类 overdue)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.communities.models import Vendor
from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger

from ..choices import OPEN_STATUSES, ContactSheetStep, EventKind, Routing, Status
from ..events import ROUTING_CHANGED, ROUTING_DATA_KEY
from ..models import ContactSheet, FollowUp, WorkOrder
from .assignment import DISPATCHABLE
from .common import lock, move, touch

# The classes a dispatcher may choose on the work-order page (家政 follows from the kind of ticket).
ROUTABLE = (Routing.ENGINEERING, Routing.RECTIFICATION, Routing.VENDOR, Routing.COMMUNICATION)
# Where a job may still change its class: where it may still be dispatched (not yet finished on site).
REROUTABLE_STATUSES = DISPATCHABLE
ENGINEERING_OVERDUE = dt.timedelta(hours=48)
VENDOR_CHASE_EVERY = dt.timedelta(hours=4)


def notify_vendor(wo: WorkOrder, actor) -> None:
    """The external unit is told (by the control center, recorded) and its promised time becomes the deadline.
    The job has left the control center: its dispatch clock is met now, as when one of our workers takes it
    (from here the vendor's promised time and the chasing measure it)."""
    now = timezone.now()
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.WORK_DISPATCHED, at=now, work_order=wo)
    wo.vendor_notified_at = now
    wo.vendor_due_at = now + dt.timedelta(hours=wo.vendor.promised_response_hours)
    touch(
        wo,
        actor,
        EventKind.VENDOR,
        reason=t(
            gettext_noop("已通知外联单位 %(v)s，承诺 %(h)s 小时内处理"),
            v=wo.vendor.name,
            h=wo.vendor.promised_response_hours,
        ),
        vendor=wo.vendor_id,
        due=wo.vendor_due_at.isoformat(),
    )


def developer_of(wo: WorkOrder):
    """The developer answerable for the job's unit (its building's, else the community's), or None."""
    developer = wo.ticket.unit.building.developer if wo.ticket.unit_id else wo.community.developer
    return developer or wo.community.developer


# ----------------------------------------------------------------------------- choosing the class


def _chosen_vendor(actor, routing: str, vendor: Vendor | None) -> Vendor | None:
    if routing != Routing.VENDOR:
        return None
    if vendor is None:
        raise field_error("vendor", _("其他类（外联单位）须选择外联单位"), "required")
    if not Vendor.objects.visible_to(actor).filter(pk=vendor.pk, is_active=True).exists():
        raise field_error("vendor", _("该外联单位不存在或已停止合作"), "invalid")
    return vendor


def _check_route(wo: WorkOrder, routing: str) -> None:
    if wo.status not in REROUTABLE_STATUSES:
        raise field_error(
            "status", _("工作单“%(s)s”，不能再更改处理类别") % {"s": wo.get_status_display()}, "illegal_transition"
        )
    if wo.routing == Routing.HOUSEKEEPING:
        raise field_error("routing", _("家政/特约服务工作单不能更改处理类别"), "housekeeping")
    if routing not in ROUTABLE:
        raise field_error("routing", _("请选择处理类别（工程类、整改类、其他类或沟通类）"), "invalid")
    if routing == Routing.RECTIFICATION and developer_of(wo) is None:
        raise field_error("routing", _("该楼栋未登记开发商，不能转整改类"), "no_developer")


@transaction.atomic
def work_order_route(
    *,
    actor,
    work_order: WorkOrder,
    routing: str,
    vendor: Vendor | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Change the routing class of an unfinished work order (R-WO-5): engineering (our technicians),
    rectification (the developer, by contact sheet), vendor (an external unit, told now and chased once past
    its promised time) or communication (follow-ups). A job already with one of our workers that goes to a
    vendor comes back off the worker to "to dispatch"; leaving the vendor class ends the chasing."""
    wo = lock(work_order, expected_version)
    require(actor, "work_order.route", wo, _("只有控制中心可以更改处理类别"))
    _check_route(wo, routing)
    vendor = _chosen_vendor(actor, routing, vendor)
    if routing == wo.routing and (vendor.pk if vendor else None) == wo.vendor_id:
        return wo
    data = {"from_routing": wo.routing, ROUTING_DATA_KEY: routing, "vendor": vendor.pk if vendor else None}
    change = {"a": texts.label(Routing(wo.routing).label), "b": texts.label(Routing(routing).label)}
    reason = (reason or "").strip()[:500]
    if reason:
        note = t(gettext_noop("处理类别：%(a)s → %(b)s（%(reason)s）"), reason=reason, **change)
    else:
        note = t(gettext_noop("处理类别：%(a)s → %(b)s"), **change)
    wo.routing, wo.vendor = routing, vendor
    wo.vendor_notified_at = wo.vendor_due_at = wo.vendor_chased_at = None
    if routing == Routing.VENDOR:
        wo.offered = False  # an offer to our own workers is withdrawn
    if routing == Routing.VENDOR and wo.status != Status.PENDING:
        wo.assignee = None
        wo.accepted_at = wo.on_the_way_at = wo.arrived_at = None
        move(wo, Status.PENDING, actor, reason=note, kind=ROUTING_CHANGED, **data)
    else:
        touch(wo, actor, ROUTING_CHANGED, reason=note, **data)
    if routing == Routing.VENDOR:
        notify_vendor(wo, actor)
    return wo


# ----------------------------------------------------------------------------- rectification: contact sheets


def _draft_sheet(wo: WorkOrder, actor, content: str) -> ContactSheet:
    if ContactSheet.objects.filter(work_order=wo).exists():
        raise field_error("step", _("工作联系单已填写"), "exists")
    developer = developer_of(wo)
    if developer is None:
        raise field_error("step", _("该楼栋未登记开发商，无法填写工作联系单"), "no_developer")
    content = (content or "").strip()
    if not content:
        raise field_error("content", _("请填写整改内容"), "required")
    return ContactSheet.objects.create(work_order=wo, developer=developer, content=content, drafted_by=actor)


def _advance_sheet(wo: WorkOrder, actor, step: str, signer_name: str, scan, now: dt.datetime) -> ContactSheet:
    sheet = ContactSheet.objects.filter(work_order=wo).first()
    if sheet is None:
        raise field_error("step", _("请先填写工作联系单"), "missing")
    order = [s for s, _label in ContactSheetStep.choices]
    if order.index(step) != order.index(sheet.step) + 1:
        raise field_error(
            "step", _("工作联系单须按顺序办理，当前：%(s)s") % {"s": sheet.get_step_display()}, "out_of_order"
        )
    if step == ContactSheetStep.MANAGER_SIGNED:
        require(actor, "work_order.sign_contact_sheet", wo, _("工作联系单须由服务中心经理核实签字"))
        sheet.manager_signed_by, sheet.manager_signed_at = actor, now
    else:
        signer_name = (signer_name or "").strip()
        if not signer_name:
            raise field_error("signer_name", _("请填写开发商签字人姓名"), "required")
        if step == ContactSheetStep.DEVELOPER_RECEIVED:
            sheet.received_by_name, sheet.received_at, sheet.received_recorded_by = signer_name[:50], now, actor
        else:
            sheet.done_by_name, sheet.done_at, sheet.done_recorded_by = signer_name[:50], now, actor
    if scan is not None:
        sheet.scan.save(scan.name.rsplit("/", 1)[-1][:100], scan, save=False)
    sheet.step = step
    sheet.save()
    return sheet


@transaction.atomic
def contact_sheet_advance(
    *, actor, work_order: WorkOrder, step: str, content: str = "", signer_name: str = "", scan=None
) -> ContactSheet:
    """The warranty work contact sheet (工作联系单) step by step: drafted → manager signed → developer
    received → developer done; each step with who and when. The developer's signatures are recorded by
    staff (with the name of the developer's signer and, ideally, a scan)."""
    wo = lock(work_order)
    if wo.routing != Routing.RECTIFICATION:
        raise field_error("routing", _("只有整改类工作单使用工作联系单"), "wrong_routing")
    require(actor, "work_order.handle_routing", wo, _("您无权处理工作联系单"))
    if step not in ContactSheetStep.values:
        raise field_error("step", _("未知的工作联系单步骤"), "invalid")
    now = timezone.now()
    if step == ContactSheetStep.DRAFTED:
        sheet = _draft_sheet(wo, actor, content)
    else:
        sheet = _advance_sheet(wo, actor, step, signer_name, scan, now)
    touch(
        wo,
        actor,
        EventKind.CONTACT_SHEET,
        reason=texts.label(ContactSheetStep(step).label),
        step=step,
        signer=signer_name,
    )
    if step == ContactSheetStep.DEVELOPER_DONE and wo.status in (Status.PENDING, Status.ASSIGNED, Status.ACCEPTED):
        wo.finished_at = now
        wo.result = wo.result or t(gettext_noop("开发商已整改完成（%(who)s 签字）"), who=signer_name).dumps()
        wo.customer_confirmed = False
        wo.customer_absent_reason = t(gettext_noop("开发商整改")).dumps()
        if wo.status == Status.PENDING:
            move(wo, Status.ACCEPTED, actor)
        move(wo, Status.FINISHED, actor)
        wo.reported_at = timezone.now()
        move(wo, Status.REPORTED, actor)
    return sheet


# ----------------------------------------------------------------------------- vendors


@transaction.atomic
def vendor_record_result(*, actor, work_order: WorkOrder, result: str) -> WorkOrder:
    """The external unit came and did the job: record it; the customer is then answered and visited."""
    wo = lock(work_order)
    if wo.routing != Routing.VENDOR:
        raise field_error("routing", _("只有外联单位处理的工作单可以登记外联结果"), "wrong_routing")
    require(actor, "work_order.handle_routing", wo, _("您无权登记外联结果"))
    result = (result or "").strip()
    if not result:
        raise field_error("result", _("请填写处理结果"), "required")
    now = timezone.now()
    wo.result = result[:5000]
    wo.finished_at = now
    wo.customer_confirmed = False
    wo.customer_absent_reason = t(gettext_noop("外联单位处理")).dumps()
    if wo.status == Status.PENDING:
        move(wo, Status.ACCEPTED, actor)
    move(wo, Status.FINISHED, actor, vendor=wo.vendor_id)
    wo.reported_at = now
    return move(wo, Status.REPORTED, actor)


def chase_overdue_vendors(*, now: dt.datetime | None = None) -> int:
    """Vendors past their promised time are chased (the control center is told; repeated every 4 h)."""
    now = now or timezone.now()
    chased = 0
    overdue = WorkOrder.objects.filter(
        routing=Routing.VENDOR, vendor_due_at__lt=now, finished_at__isnull=True, status__in=OPEN_STATUSES
    ).filter(Q(vendor_chased_at__isnull=True) | Q(vendor_chased_at__lt=now - VENDOR_CHASE_EVERY))
    for wo in overdue.select_related("vendor", "ticket__service_center__branch", "community"):
        with transaction.atomic():
            locked = lock(wo)
            locked.vendor_chased_at = now
            touch(
                locked,
                None,
                EventKind.VENDOR,
                reason=t(gettext_noop("外联单位 %(v)s 已超过承诺时间，催办"), v=wo.vendor.name),
            )
            notify(
                recipients=sla.recipients_for(wo.ticket, ["control", "owner"]),
                message=Message(
                    kind="dispatch.vendor_overdue",
                    subject=t(
                        gettext_noop("请催办外联单位 %(v)s（%(p)s）：%(n)s"),
                        v=wo.vendor.name,
                        p=wo.vendor.phone,
                        n=wo.number,
                    ),
                    url=reverse("dispatch:work_order", args=[wo.pk]),
                    urgent=True,
                ),
                dedupe=f"vendor-chase:{wo.pk}:{now:%Y%m%d%H}",
            )
        chased += 1
    return chased


# ----------------------------------------------------------------------------- communication and engineering follow-ups


@transaction.atomic
def follow_up_plan(*, actor, work_order: WorkOrder, due_at: dt.datetime, note: str) -> FollowUp:
    """Plan a follow-up of a matter that needs coordination (沟通类)."""
    wo = lock(work_order)
    require(actor, "work_order.handle_routing", wo, _("您无权安排跟进"))
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写跟进事项"), "required")
    if due_at <= timezone.now():
        raise field_error("due_at", _("计划跟进时间须晚于现在"), "past")
    follow_up = FollowUp.objects.create(work_order=wo, due_at=due_at, note=note[:200])
    touch(wo, actor, EventKind.FOLLOW_UP, reason=note, due=due_at.isoformat())
    return follow_up


@transaction.atomic
def follow_up_done(*, actor, follow_up: FollowUp, outcome: str) -> FollowUp:
    """Record the outcome of a planned follow-up."""
    follow_up = FollowUp.objects.select_for_update().select_related("work_order").get(pk=follow_up.pk)
    require(actor, "work_order.handle_routing", follow_up.work_order, _("您无权登记跟进"))
    if follow_up.done_at:
        raise field_error("follow_up", _("该跟进已完成"), "done")
    outcome = (outcome or "").strip()
    if not outcome:
        raise field_error("outcome", _("请填写跟进结果"), "required")
    follow_up.done_at, follow_up.done_by, follow_up.outcome = timezone.now(), actor, outcome[:200]
    follow_up.save()
    touch(follow_up.work_order, actor, EventKind.FOLLOW_UP, reason=outcome, follow_up=follow_up.pk)
    return follow_up


def mark_overdue_engineering(*, now: dt.datetime | None = None) -> int:
    """Engineering orders not finished within 48 h (or past their agreed end) move into the engineering
    follow-up register (分类处理记录-工程类)."""
    now = now or timezone.now()
    overdue = WorkOrder.objects.filter(
        routing=Routing.ENGINEERING,
        in_followup_register=False,
        finished_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).filter(Q(scheduled_end__lt=now) | Q(scheduled_end__isnull=True, created_at__lt=now - ENGINEERING_OVERDUE))
    moved = 0
    for wo in overdue:
        with transaction.atomic():
            locked = lock(wo)
            locked.in_followup_register = True
            touch(locked, None, EventKind.FOLLOW_UP, reason=t(gettext_noop("超时未完成，转入工程类跟进登记")))
        moved += 1
    return moved
