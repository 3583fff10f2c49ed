"""Work orders: trades, routing classes, the state machine; duty events; dispatch modes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Trade(models.TextChoices):
    PLUMBING = "plumbing", _("水工")
    ELECTRICAL = "electrical", _("电工")
    CARPENTRY = "carpentry", _("木工/泥瓦")
    HVAC = "hvac", _("空调")
    APPLIANCE = "appliance", _("家电")
    LOCKSMITH = "locksmith", _("门锁")
    GENERAL = "general", _("综合维修")
    CLEANING = "cleaning", _("保洁")
    HOUSEKEEPING = "housekeeping", _("家政")


HOUSEKEEPING_TRADES = frozenset({Trade.CLEANING, Trade.HOUSEKEEPING})


class Routing(models.TextChoices):
    """Routing classes of repairs (R-WO-5)."""

    ENGINEERING = "engineering", _("工程类（本中心维修）")
    RECTIFICATION = "rectification", _("整改类（保修期内，开发商负责）")
    VENDOR = "vendor", _("其他类（外联单位）")
    COMMUNICATION = "communication", _("沟通类（需协调，超过 2 天）")
    HOUSEKEEPING = "housekeeping", _("家政/特约服务")


class Status(models.TextChoices):
    PENDING = "pending", _("待派单")
    ASSIGNED = "assigned", _("已派单待接单")
    ACCEPTED = "accepted", _("已接单")
    ON_THE_WAY = "on_the_way", _("在途")
    ARRIVED = "arrived", _("已到场")
    FINISHED = "finished", _("已完工待报")
    REPORTED = "reported", _("已报完工待签认")
    SIGNED_OFF = "signed_off", _("已签认待回访")
    CLOSED = "closed", _("已销单")
    CANCELLED = "cancelled", _("已取消")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.CANCELLED}),  # accepted: grab mode
    Status.ASSIGNED: frozenset(
        {Status.ACCEPTED, Status.PENDING, Status.ASSIGNED, Status.CANCELLED}
    ),  # pending: declined
    Status.ACCEPTED: frozenset(
        {Status.ON_THE_WAY, Status.ARRIVED, Status.FINISHED, Status.PENDING, Status.ASSIGNED, Status.CANCELLED}
    ),
    Status.ON_THE_WAY: frozenset({Status.ARRIVED, Status.PENDING, Status.ASSIGNED, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.FINISHED, Status.PENDING, Status.ASSIGNED, Status.CANCELLED}),
    Status.FINISHED: frozenset({Status.REPORTED}),
    Status.REPORTED: frozenset({Status.SIGNED_OFF}),
    Status.SIGNED_OFF: frozenset({Status.CLOSED, Status.PENDING}),  # pending: reopened after a bad return visit
    Status.CLOSED: frozenset({Status.PENDING}),
    Status.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset(set(Status) - {Status.CLOSED, Status.CANCELLED})
ACTIVE_WORK = frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.ON_THE_WAY, Status.ARRIVED})

# Board columns (派单台): title and the statuses shown in each.
BOARD_COLUMNS = (
    ("to_dispatch", _("待派单"), (Status.PENDING,)),
    ("not_accepted", _("已派未接"), (Status.ASSIGNED,)),
    ("in_progress", _("处理中"), (Status.ACCEPTED, Status.ON_THE_WAY, Status.ARRIVED)),
    ("to_report", _("待报完工"), (Status.FINISHED,)),
    ("to_sign_off", _("待签认"), (Status.REPORTED,)),
    ("to_visit", _("待回访"), (Status.SIGNED_OFF,)),
)


class EventKind(models.TextChoices):
    CREATED = "created", _("创建")
    ASSIGNED = "assigned", _("派单")
    OFFERED = "offered", _("发布抢单")
    DECLINED = "declined", _("拒单")
    STATUS = "status", _("状态变更")
    MATERIAL = "material", _("登记材料")
    PHOTO = "photo", _("上传照片")
    CONFIRMED = "confirmed", _("客户确认")
    RETURN_VISIT = "return_visit", _("回访")
    CONTACT_SHEET = "contact_sheet", _("工作联系单")
    VENDOR = "vendor", _("外联单位")
    FOLLOW_UP = "follow_up", _("跟进")
    APPROVAL = "approval", _("周审批")


class DispatchMode(models.TextChoices):
    DIRECT = "direct", _("直接派单")
    GRAB = "grab", _("抢单")
    ROUND_ROBIN = "round_robin", _("轮流派单")


class ReturnVisitPolicy(models.TextChoices):
    ALWAYS = "always", _("全部回访")
    SAMPLE = "sample", _("按比例抽样回访")
    SKIP_IF_RATED = "skip_if_rated", _("客户已评价的免回访")


class DutyEventKind(models.TextChoices):
    CHECK_IN = "check_in", _("上岗")
    CHECK_OUT = "check_out", _("下岗")
    RADIO_FAULT = "radio_fault", _("对讲机故障")
    RADIO_OK = "radio_ok", _("对讲机恢复")
    LEAVE_COVERAGE = "leave_coverage", _("离开信号覆盖范围")
    BACK_IN_COVERAGE = "back_in_coverage", _("回到覆盖范围")


class ContactSheetStep(models.TextChoices):
    DRAFTED = "drafted", _("填写联系单")
    MANAGER_SIGNED = "manager_signed", _("经理核实签字")
    DEVELOPER_RECEIVED = "developer_received", _("开发商项目部签收")
    DEVELOPER_DONE = "developer_done", _("开发商整改完成签字")


# The usual names of shifts (the demo company's, and what a center types in the admin): a shift named so is
# read in the reader's language (``ShiftTemplate.name_text``); listed here so that ``make messages`` keeps them.
SHIFT_NAMES = (
    gettext_noop("白班"),
    gettext_noop("夜班"),
    gettext_noop("早班"),
    gettext_noop("中班"),
    gettext_noop("晚班"),
    gettext_noop("全天班"),
    gettext_noop("值班"),
)
