"""States, kinds and event vocabularies of the internal app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("年假")
    SICK = "sick", _("病假")
    PERSONAL = "personal", _("事假")
    COMPENSATORY = "compensatory", _("调休")
    OTHER = "other", _("其他")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    RETURNED = "returned", _("已销假")
    CONFIRMED = "confirmed", _("人事已确认")


# One state machine per workflow: where a leave request may go from each state.
LEAVE_TRANSITIONS = {
    LeaveStatus.PENDING: {LeaveStatus.APPROVED, LeaveStatus.REFUSED, LeaveStatus.WITHDRAWN},
    LeaveStatus.APPROVED: {LeaveStatus.RETURNED, LeaveStatus.WITHDRAWN},
    LeaveStatus.RETURNED: {LeaveStatus.CONFIRMED},
    LeaveStatus.REFUSED: set(),
    LeaveStatus.WITHDRAWN: set(),
    LeaveStatus.CONFIRMED: set(),
}


class OutingEventKind(models.TextChoices):
    POSTED = "posted", _("登记外出")
    RETURNED = "returned", _("已返回")
    OVERDUE = "overdue", _("逾期未返")


class LeaveEventKind(models.TextChoices):
    REQUESTED = "requested", _("提交申请")
    APPROVED = "approved", _("批准")
    REFUSED = "refused", _("不批准")
    WITHDRAWN = "withdrawn", _("撤回")
    RETURNED = "returned", _("销假")
    CONFIRMED = "confirmed", _("人事确认销假")
    NOT_RETURNED = "not_returned", _("假期结束未销假")


class Level(models.TextChoices):
    """How a company department's information is relayed (传送级别, 000 §3.2.3)."""

    EMAIL = "email", _("邮件")
    PRINT = "print", _("打印")
    POST = "post", _("张贴")
    CIRCULATE = "circulate", _("传阅")
    MEETING = "meeting", _("会议")


class CircularEventKind(models.TextChoices):
    REGISTERED = "registered", _("登记传达")
    EMAILED = "emailed", _("已发送邮件")
    READ = "read", _("已阅")
    DONE = "done", _("已落实")
    MEETING = "meeting", _("会议传达")
    CHASED = "chased", _("催办")
    CLOSED = "closed", _("关闭")


class DutyEventKind(models.TextChoices):
    DONE = "done", _("完成")
    OVERDUE = "overdue", _("逾期")


class WorkLogEventKind(models.TextChoices):
    WRITTEN = "written", _("填写日志")
    FINDING = "finding", _("巡视发现")
    TICKET = "ticket", _("转为工单")


class ReassignmentEventKind(models.TextChoices):
    REPORTED = "reported", _("报告调动")
    ACKNOWLEDGED = "acknowledged", _("部门经理已知悉")


class MeetingKind(models.TextChoices):
    MORNING = "morning", _("晨会（8:20–8:30）")
    WEEKLY = "weekly", _("周例会")
    OTHER = "other", _("其他会议")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("未完成")
    DONE = "done", _("已完成")


class MeetingEventKind(models.TextChoices):
    RECORDED = "recorded", _("登记会议")
    ACTION_DONE = "action_done", _("待办完成")
    ACTION_OVERDUE = "action_overdue", _("待办逾期")


class EmailTaskEventKind(models.TextChoices):
    FORWARDED = "forwarded", _("转入邮件")
    DONE = "done", _("完成")
    REMINDED = "reminded", _("到期提醒")
