"""A service center's dispatch in the JSON API: the board's columns, coverage and duty, the rota, housekeeping
arrangements, the weekly approval — and a worker's own jobs and end-of-shift sign-off. Mounted by
``propdesk.dispatch.api``; the centers are those whose board the caller runs (``selectors.dispatch_centers``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.idempotency import idempotent, key_header
from propdesk.communities.models import Household
from propdesk.communities.validators import parse_room
from propdesk.core.permissions import can
from propdesk.tickets.api import Id, InputDate, Ref, user_ref

from . import selectors, services
from .api_center_schemas import (
    ArrangementIn,
    ArrangementOut,
    BoardOut,
    DutyIn,
    DutyOut,
    MyJobsOut,
    RotaEntryOut,
    RotaOut,
    RotaSetIn,
    StaffStatusOut,
    WeeklyApprovalOut,
    WeeklyDecideIn,
    WeeklyOut,
)
from .api_common import LIST_RELATED, TAGS, active_user, body_of, call, dispatch_center
from .api_schemas import WorkOrderOut, ref
from .choices import Routing
from .models import HousekeepingArrangement, RotaEntry, ShiftTemplate, WeeklyApproval, WorkOrder

router = Router(tags=TAGS)

CENTER = "/dispatch/centers/{center_id}"


def _staff(center_id: int) -> list[dict]:
    return [{**row, "user": user_ref(row["user"])} for row in selectors.staff_status(center_id=center_id)]


def _monday(week: dt.date | None) -> dt.date:
    return services.week_start(week or timezone.localdate())


@router.get("/dispatch/centers", response={200: list[Ref], **COMMON_ERRORS}, summary="我的派单台 / My dispatch centers")
def list_centers(request: HttpRequest):
    """我可以运行派单台的服务中心。

    The service centers whose dispatch board the caller runs.
    """
    return [ref(center) for center in selectors.dispatch_centers(user=request.auth)]


@router.get(
    f"{CENTER}/board", response={200: BoardOut, 204: None, **COMMON_ERRORS}, summary="派单台 / The dispatch board"
)
def board(request: HttpRequest, center_id: Id, v: str = "", staff: bool = True):
    """派单台各列（与实时看板相同的数据）：每列最急的卡片、总数、未列出的张数，以及一线人员状态。
    带上次的 ``version`` 作为 ``v`` 轮询：没有变化时返回 204。频繁轮询时可传 ``staff=false`` 省去人员状态
    （为 null），人员状态另按较长间隔读取 ``coverage``（页面每 10 秒一次）。

    The board's columns (the live board's data): each column's most urgent cards, its total and how many are
    not listed, and the field staff panel. Poll with the last ``version`` as ``v``: 204 while nothing changed.
    A frequent poll may pass ``staff=false`` to leave the staff panel out (null) and read ``coverage`` less
    often (the page does every 10 s).
    """
    center = dispatch_center(request, center_id)
    version = selectors.board_version(user=request.auth, center_id=center.pk)
    if v and v == version:
        return Status(204, None)
    columns = selectors.board_columns(user=request.auth, center_id=center.pk)
    return {
        "center": ref(center),
        "mode": services.settings_for(center.pk).mode,
        "version": version,
        "pending": columns[0]["total"],
        "columns": [{**column, "title": str(column["title"])} for column in columns],
        "staff": _staff(center.pk) if staff else None,
    }


@router.get(
    f"{CENTER}/coverage",
    response={200: list[StaffStatusOut], **COMMON_ERRORS},
    summary="在岗与可联系 / Duty and reachability",
)
def coverage(request: HttpRequest, center_id: Id):
    """本中心每位一线人员：是否在岗、对讲机、是否离开覆盖范围（至何时）、是否在班、手上工作量。

    Every field worker of the center: on duty, radio, out of coverage (until when), on shift, load.
    """
    center = dispatch_center(request, center_id)
    return _staff(center.pk)


@router.post("/dispatch/duty", response={200: DutyOut, **COMMON_ERRORS}, summary="在岗状态 / Set duty state")
def set_duty(request: HttpRequest, payload: DutyIn):
    """上岗、下岗、对讲机故障/恢复、离开覆盖范围至某时（``until``）、回到覆盖范围。默认为本人；控制中心可替本中心人员登记（``user_id``）。

    Check in or out, report a radio fault or its repair, leave coverage until a time (``until``) or come back.
    For oneself by default; the control center may record it for a worker of its center (``user_id``).
    """
    target = active_user(payload.user_id, "user_id") or request.auth
    return call(
        services.duty_update, actor=request.auth, user=target, kind=payload.kind, until=payload.until, note=payload.note
    )


@router.get(f"{CENTER}/rota", response={200: RotaOut, **COMMON_ERRORS}, summary="排班表 / The week's rota")
def get_rota(request: HttpRequest, center_id: Id, week: InputDate | None = None):
    """一周的排班（``week`` 为该周任一天，默认本周）：每个班次每天排了谁。

    A week's rota (``week`` is any day of it, this week by default): who is on each shift each day.
    """
    center = dispatch_center(request, center_id)
    start = _monday(week)
    days = [start + dt.timedelta(days=i) for i in range(7)]
    shifts = list(ShiftTemplate.objects.filter(department__service_center=center).select_related("department"))
    entries = RotaEntry.objects.filter(shift__in=shifts, date__in=days).select_related("user__staff_profile")
    grid: dict[tuple[int, dt.date], list] = {}
    for entry in entries:
        grid.setdefault((entry.shift_id, entry.date), []).append(entry)
    rows = [
        {"shift": shift, "cells": [{"date": day, "entries": grid.get((shift.pk, day), [])} for day in days]}
        for shift in shifts
    ]
    return {
        "center": ref(center),
        "week": start,
        "days": days,
        "rows": rows,
        "staff": [user_ref(user) for user in selectors.rota_staff(center_id=center.pk)],
        "can_plan": bool(shifts) and can(request.auth, "rota.plan", RotaEntry(shift=shifts[0])),
    }


@router.post(f"{CENTER}/rota", response={201: RotaEntryOut, **COMMON_ERRORS}, summary="排班 / Put a worker on a shift")
def set_rota(
    request: HttpRequest,
    response: HttpResponse,
    center_id: Id,
    payload: RotaSetIn,
    idempotency_key: str | None = key_header(),
):
    """把一位员工排到某天的某个班次。支持 ``Idempotency-Key``。

    Put a worker on one of the center's shifts on a day. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        center = dispatch_center(request, center_id)
        shift = ShiftTemplate.objects.filter(department__service_center=center, pk=payload.shift_id).first()
        if shift is None:
            raise ValidationError({"shift_id": _("请选择班次、员工和日期")}, code="not_found")
        worker = active_user(payload.user_id, "user_id")
        entry = call(services.rota_set, actor=request.auth, user=worker, day=payload.date, shift=shift)
        return 201, body_of(RotaEntryOut, entry)

    return idempotent(request, response, endpoint="dispatch.rota", key=idempotency_key, create=create)


@router.get(
    f"{CENTER}/arrangements",
    response={200: list[ArrangementOut], **COMMON_ERRORS},
    summary="长期家政安排 / Housekeeping arrangements",
)
def list_arrangements(request: HttpRequest, center_id: Id):
    """本中心有效的长期家政安排，按星期和开始时间排序；系统据此每周生成家政工作单。

    The center's active long-term housekeeping arrangements by weekday and start; they become work orders weekly.
    """
    center = dispatch_center(request, center_id)
    return (
        HousekeepingArrangement.objects.visible_to(request.auth)
        .filter(household__unit__building__community__service_center=center, is_active=True)
        .select_related("household__unit__building__community", "worker__staff_profile")
        .order_by("weekday", "starts", "pk")
    )


def _household(request: HttpRequest, center, payload: ArrangementIn):
    households = (
        Household.objects.visible_to(request.auth)
        .filter(is_active=True, unit__building__community__service_center=center)
        .select_related("unit__building__community")
    )
    if payload.household_id is not None:
        found = households.filter(pk=payload.household_id).first()
        if found is None:
            raise ValidationError({"household_id": _("住户不存在或您无权访问")}, code="not_found")
        return found
    found = households.filter(unit__code=parse_room(payload.room) or "").first()
    if found is None:
        raise ValidationError({"room": _("找不到该房号的住户（请写成 3-2-1202）")}, code="not_found")
    return found


@router.post(
    f"{CENTER}/arrangements",
    response={201: ArrangementOut, **COMMON_ERRORS},
    summary="登记长期家政 / Create a housekeeping arrangement",
)
def create_arrangement(
    request: HttpRequest,
    response: HttpResponse,
    center_id: Id,
    payload: ArrangementIn,
    idempotency_key: str | None = key_header(),
):
    """登记长期家政安排：住户（``household_id`` 或房号 ``room``）、星期、起止时间、服务内容、固定家政人员（可选）。
    支持 ``Idempotency-Key``。

    Record a long-term housekeeping arrangement: the household (``household_id`` or ``room``), weekday, times,
    what to do and optionally a fixed housekeeper. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        center = dispatch_center(request, center_id)
        arrangement = call(
            services.arrangement_create,
            actor=request.auth,
            household=_household(request, center, payload),
            weekday=payload.weekday,
            starts=payload.starts,
            ends=payload.ends,
            description=payload.description,
            worker=active_user(payload.worker_id, "worker_id"),
        )
        return 201, body_of(ArrangementOut, arrangement)

    return idempotent(request, response, endpoint="dispatch.arrangements", key=idempotency_key, create=create)


@router.get(f"{CENTER}/weekly", response={200: WeeklyOut, **COMMON_ERRORS}, summary="周审批 / Weekly approval")
def get_weekly(request: HttpRequest, center_id: Id, week: InputDate | None = None):
    """一周（``week`` 为该周任一天，默认本周）的维修任务单与审批结论；``can_decide`` 表示我能否审批。

    A week's repair task orders (``week`` is any day of it, this week by default) and the decisions so far;
    ``can_decide`` says whether the caller may decide.
    """
    center = dispatch_center(request, center_id)
    monday = _monday(week)
    begin = dt.datetime.combine(monday, dt.time.min, tzinfo=timezone.get_current_timezone())
    orders = (
        WorkOrder.objects.visible_to(request.auth)
        .filter(service_center=center, created_at__gte=begin, created_at__lt=begin + dt.timedelta(days=7))
        .exclude(routing=Routing.HOUSEKEEPING)
        .select_related(*LIST_RELATED)
        .order_by("created_at", "pk")
    )
    decisions = WeeklyApproval.objects.filter(service_center=center, week_start=monday).select_related(
        "decided_by__staff_profile"
    )
    return {
        "center": ref(center),
        "week": monday,
        "can_decide": can(request.auth, "weekly.decide", WeeklyApproval(service_center=center)),
        "orders": list(orders),
        "decisions": list(decisions),
    }


@router.post(
    f"{CENTER}/weekly", response={201: WeeklyApprovalOut, **COMMON_ERRORS}, summary="周审批结论 / Decide the week"
)
def decide_weekly(
    request: HttpRequest,
    response: HttpResponse,
    center_id: Id,
    payload: WeeklyDecideIn,
    idempotency_key: str | None = key_header(),
):
    """维修管理员批准（approved）或退回（returned，须填写意见）一周的维修任务单。支持 ``Idempotency-Key``。

    The repair manager approves or returns (with a note) the week's repair task orders. Supports ``Idempotency-Key``.
    """

    def create() -> tuple[int, dict]:
        center = dispatch_center(request, center_id)
        approval = call(
            services.weekly_decide,
            actor=request.auth,
            service_center=center,
            week=payload.week,
            decision=payload.decision,
            note=payload.note,
        )
        return 201, body_of(WeeklyApprovalOut, approval)

    return idempotent(request, response, endpoint="dispatch.weekly", key=idempotency_key, create=create)


@router.get("/dispatch/my-jobs", response={200: MyJobsOut, **COMMON_ERRORS}, summary="我的工作单 / My jobs")
def my_jobs(request: HttpRequest):
    """维修/家政人员的手机页：我手上的工作单、可抢的单、待下班签认的单和我的在岗状态。

    The worker's phone page: jobs in hand, offers to grab, jobs waiting for the end-of-shift sign-off, and duty.
    """
    user = request.auth
    extra = ("assignee__staff_profile", "vendor")
    return {
        "jobs": list(selectors.my_jobs(user=user).select_related(*extra)),
        "offers": list(selectors.open_offers(user=user).select_related(*extra)),
        "to_sign_off": list(selectors.to_sign_off(user=user).select_related(*extra)),
        "duty": getattr(user, "duty", None),
    }


@router.post(
    "/dispatch/my-jobs/sign-off",
    response={200: list[WorkOrderOut], **COMMON_ERRORS},
    summary="下班签认全部 / Sign off all my reported jobs",
)
def sign_off_mine(request: HttpRequest):
    """下班时一次签认我所有已报完工的工作单。

    At the end of the shift, sign off every reported job of mine at once.
    """
    jobs = list(selectors.to_sign_off(user=request.auth))
    return call(services.work_order_sign_off, actor=request.auth, work_orders=jobs)
