"""Ticket kinds, states and the one table of allowed transitions (R-IN-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    CONSULTATION = "consultation", _("咨询")
    PRAISE = "praise", _("表扬")
    SPECIAL_SERVICE = "special_service", _("特约服务/家政")
    FEEDBACK = "feedback", _("信息反馈")


# Number prefix per kind: BX-20261122-0007 (报修), TS (投诉), JY (建议), ZX (咨询), BY (表扬), TY (特约), FK (反馈).
NUMBER_PREFIX = {
    Kind.REPAIR: "BX",
    Kind.COMPLAINT: "TS",
    Kind.SUGGESTION: "JY",
    Kind.CONSULTATION: "ZX",
    Kind.PRAISE: "BY",
    Kind.SPECIAL_SERVICE: "TY",
    Kind.FEEDBACK: "FK",
}


class Status(models.TextChoices):
    NEW = "new", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING_CUSTOMER = "waiting_customer", _("等待客户")
    WAITING_VENDOR = "waiting_vendor", _("等待外联单位")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset({Status.WAITING_CUSTOMER, Status.WAITING_VENDOR, Status.RESOLVED, Status.CANCELLED}),
    Status.WAITING_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.WAITING_VENDOR: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    # Resolved → closed after confirmation / return visit; back to in progress when the customer is not satisfied.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    # A closed ticket is reopened when the customer comes back unhappy (R-CP-6).
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR})
# States in which the SLA clock stops.
PAUSE_STATUSES = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_VENDOR})
# Transitions that need a written reason.
REASON_REQUIRED = frozenset({Status.CANCELLED, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR})


def is_reopen(from_status: str, to_status: str) -> bool:
    return from_status in (Status.RESOLVED, Status.CLOSED) and to_status == Status.IN_PROGRESS


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    EMAIL = "email", _("邮件")
    LETTER = "letter", _("信函")
    PORTAL = "portal", _("网站/App")
    SUGGESTION_BOX = "suggestion_box", _("意见箱")
    SUPERIOR = "superior", _("上级部门转来")
    INTERVIEW = "interview", _("客户访谈")
    SURVEY = "survey", _("满意度调查")
    FORUM = "forum", _("业主座谈会")
    STAFF = "staff", _("员工转达")


class Source(models.TextChoices):
    """Where information comes from (R-IN-1)."""

    CUSTOMER = "customer", _("客户直接反映")
    SUPERIOR = "superior", _("上级部门转来")
    SELF_COLLECTED = "self_collected", _("中心自行收集")


class Priority(models.TextChoices):
    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("紧急")


class EventKind(models.TextChoices):
    CREATED = "created", _("创建")
    HANDED_OFF = "handed_off", _("转交控制中心")
    ASSIGNED = "assigned", _("指派")
    STATUS_CHANGED = "status_changed", _("状态变更")
    REOPENED = "reopened", _("重新打开")
    REPLIED = "replied", _("答复客户")
    NOTE = "note", _("内部备注")
    LINKED = "linked", _("关联工单")
    ATTACHMENT = "attachment", _("上传附件")
    ESCALATED = "escalated", _("升级")
    UPDATED = "updated", _("修改")


class ReplyMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    HOME_VISIT = "home_visit", _("上门")
    WRITTEN = "written", _("书面")
    SMS = "sms", _("短信/网站")
    ON_SITE = "on_site", _("现场")


class LinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("重复于")
    PARENT_OF = "parent_of", _("父工单")
    RELATED = "related", _("相关")
