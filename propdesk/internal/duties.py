"""The manager's monthly and weekly duty calendar (002 §五 作业频度, R-RP-6) as data, and the pure functions
that give each duty's due day in a period.

A due day that is not a working day (a weekend or a statutory holiday of the sla calendar) moves: duties
"by the Nth" at the start of a month (attendance by the 5th) move **forward** to the next working day — the
month being reviewed is over and nobody is at work on the holiday; duties "before" a day or at month-end move
**back** to the last working day before it, so that they are done before the month (or the holiday) ends.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

FORWARD, BACK = "forward", "back"
MONTHLY, WEEKLY = "monthly", "weekly"
LAST = 0  # "the last day of the month" (or of the week: Sunday)


@dataclass(frozen=True)
class Duty:
    code: str
    title: str  # msgid, shown in the reader's language
    every: str  # MONTHLY or WEEKLY
    day: int  # day of the month (LAST = month-end), or ISO weekday 1–7 for weekly duties
    shift: str  # FORWARD or BACK when the day is not a working day


CATALOGUE: tuple[Duty, ...] = (
    Duty("attendance", N_("审核本部门考勤"), MONTHLY, 5, FORWARD),
    Duty("quality_records", N_("审核月度质量记录及经营与采购计划"), MONTHLY, 26, BACK),
    Duty("archiving", N_("本部门文件资料汇总、整理归档"), MONTHLY, LAST, BACK),
    Duty("plan_review", N_("审核下月工作计划及本月总结"), MONTHLY, LAST, BACK),
    Duty("training", N_("安排本部门各岗位员工培训"), MONTHLY, LAST, BACK),
    Duty("stock_check", N_("抽查小区库存一次"), MONTHLY, LAST, BACK),
    Duty("materials_feedback", N_("审查《物资质量使用反馈单》并上报管理部"), MONTHLY, LAST, BACK),
    Duty("complaint_summary", N_("审核《客户投诉汇总及处理情况表》并上报管理部"), MONTHLY, LAST, BACK),
    Duty("energy_review", N_("审核本部门公共能耗，落实节能降耗指标"), MONTHLY, LAST, BACK),
    Duty("repair_sheets", N_("审批接待主管上交的《维修任务单》"), WEEKLY, 1, FORWARD),
    Duty("weekly_summary", N_("填写本周工作总结"), WEEKLY, LAST, BACK),
    Duty("assessments", N_("书面考核所考核人员（每周不少于 2 次）"), WEEKLY, LAST, BACK),
)
BY_CODE = {d.code: d for d in CATALOGUE}


def month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def nominal_day(duty: Duty, period: dt.date) -> dt.date:
    """The day the duty falls due on paper: ``period`` is the first of the month or the Monday of the week."""
    if duty.every == MONTHLY:
        return month_end(period) if duty.day == LAST else period.replace(day=duty.day)
    return period + dt.timedelta(days=(7 if duty.day == LAST else duty.day) - 1)


def due_day(duty: Duty, period: dt.date, is_workday) -> dt.date:
    """The due day once a weekend or holiday is taken into account (``is_workday(date) -> bool``)."""
    day = nominal_day(duty, period)
    step = dt.timedelta(days=1 if duty.shift == FORWARD else -1)
    for _ in range(31):
        if is_workday(day):
            return day
        day += step
    return nominal_day(duty, period)


def periods(today: dt.date) -> dict[str, dt.date]:
    """The current month's first day and the current week's Monday."""
    return {MONTHLY: today.replace(day=1), WEEKLY: today - dt.timedelta(days=today.weekday())}
