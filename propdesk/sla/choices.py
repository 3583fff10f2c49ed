"""Vocabulary of the SLA engine: target states, the events that start and stop clocks, ladder roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class TargetState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("暂停")
    MET = "met", _("按时完成")
    BREACHED = "breached", _("已超时")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_STATES = frozenset({TargetState.RUNNING, TargetState.BREACHED})


class Trigger(models.TextChoices):
    """Events that start or stop a clock. Ticket services and (later) work-order services emit them."""

    TICKET_CREATED = "ticket.created", _("工单登记（以接报时间计）")
    TICKET_ASSIGNED = "ticket.assigned", _("工单派出/指派")
    TICKET_HANDED_OFF = "ticket.handed_off", _("转交控制中心")
    TICKET_REPLIED = "ticket.replied", _("答复客户")
    TICKET_RESOLVED = "ticket.resolved", _("工单办结")
    TICKET_CLOSED = "ticket.closed", _("工单关闭")
    TICKET_CANCELLED = "ticket.cancelled", _("工单撤销")
    TICKET_REOPENED = "ticket.reopened", _("工单重开")
    ESCALATION_REQUESTED = "ticket.escalation_requested", _("需上级决定")
    COMPLAINT_INVALID = "complaint.invalid", _("投诉判定为无效")
    COMPLAINT_VALID_SUPERVISOR = "complaint.valid_supervisor", _("有效投诉由主管处理")
    COMPLAINT_ON_SPOT = "complaint.on_spot", _("投诉当场处理")
    COMPLAINT_ASSISTED = "complaint.assisted", _("投诉判定为协助处理")
    COMPLAINT_MAJOR = "complaint.major", _("投诉列为重大事项")
    COMPLAINT_REPLY_AGREED = "complaint.reply_agreed", _("已与客户约定答复时间")
    COMPLAINT_OPINION = "complaint.opinion", _("已记录客户意见")
    COMPLAINT_PROGRESS = "complaint.progress", _("已告知客户进展")
    COMPLAINT_REPLY_RESCHEDULED = "complaint.reply_rescheduled", _("与客户改约答复时间")
    COMPLAINT_RECLASSIFIED = "complaint.reclassified", _("投诉有效性改判")
    WORK_DISPATCHED = "work.dispatched", _("工作单派出")
    WORK_FINISHED = "work.finished", _("维修/服务完成")
    WORK_REPORTED = "work.reported", _("完成情况已报控制中心")
    WORK_SIGNED_OFF = "work.signed_off", _("交班前签认")
    RETURN_VISITED = "work.return_visited", _("已回访")


class LadderRole(models.TextChoices):
    OWNER = "owner", _("当前负责人")
    SUPERVISOR = "supervisor", _("客服主管")
    MANAGER = "manager", _("服务中心经理")
    QUALITY = "quality", _("公司品质部")
    REPAIR_MANAGER = "repair_manager", _("维修管理员")
    CONTROL = "control", _("控制中心")


class CalendarKind(models.TextChoices):
    ALWAYS = "always", _("全天候（24×7）")
    DAILY_HOURS = "daily_hours", _("每日营业时间（法定节假日照常）")
    DAILY_HOURS_EXCEPT_HOLIDAYS = "daily_except_holidays", _("每日营业时间（法定节假日休息）")
    WORKDAYS = "workdays", _("工作日营业时间（含调休上班日）")


# The names of the calendars and policies seeded by migration 0002 are stored as their Chinese msgids and
# read in the reader's language (``core.texts.render``, the ``text`` filter, ``str(policy)``); listed here so
# that ``make messages`` keeps them in the catalogue. A name an administrator types renders as typed.
SEEDED_NAMES = (
    gettext_noop("全天候（24×7）"),
    gettext_noop("客服前台 9:00–20:00（每日）"),
    gettext_noop("办公室 9:00–18:00（工作日）"),
    gettext_noop("5 分钟内派单"),
    gettext_noop("完工后 10 分钟内报控制中心"),
    gettext_noop("交班前到控制中心签认"),
    gettext_noop("家政完工后即时回访"),
    gettext_noop("首问责任：2 小时内答复客户"),
    gettext_noop("投诉 2 小时内联系客户"),
    gettext_noop("无效投诉 2 小时内解释"),
    gettext_noop("主管处理的有效投诉当日答复"),
    gettext_noop("开发商转来的投诉完成后 12 小时内回复结果"),
    gettext_noop("信息反馈 24 小时内回复结果"),
    gettext_noop("需上级决定的事项 2 小时内上报"),
    gettext_noop("上级 24 小时内答复前台"),
    gettext_noop("重大事项 48 小时内告知进展"),
)
