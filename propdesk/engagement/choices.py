"""The vocabularies of the engagement app: interview kinds, ticket kinds a finding may become, survey states and
question kinds, meeting kinds, and the kinds of each history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewKind(models.TextChoices):
    PHONE = "phone", _("电话访谈")
    HOME_VISIT = "home_visit", _("上门访谈")
    RANDOM = "random", _("随机访谈")


class Satisfaction(models.IntegerChoices):
    VERY_UNSATISFIED = 1, _("很不满意")
    UNSATISFIED = 2, _("不满意")
    NEUTRAL = 3, _("一般")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("很满意")


class FindingKind(models.TextChoices):
    """What a finding of an interview, an opening of a box or a meeting becomes: a ticket of this kind."""

    COMPLAINT = "complaint", _("投诉")
    REPAIR = "repair", _("报修")
    SUGGESTION = "suggestion", _("建议")


class InterviewEventKind(models.TextChoices):
    RECORDED = "recorded", _("登记访谈")
    TICKET = "ticket", _("转为工单")
    REPORTED = "reported", _("反馈服务中心")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待公司客服中心审核公式")
    APPROVED = "approved", _("公式已审核")
    OPEN = "open", _("调查中")
    CLOSED = "closed", _("已结束")
    ANALYSED = "analysed", _("已分析，待经理审核")
    REVIEWED = "reviewed", _("经理已审核，待分公司审批")
    PUBLISHED = "published", _("已审批发布")


SURVEY_TRANSITIONS = {
    SurveyStatus.DRAFT: {SurveyStatus.SUBMITTED},
    SurveyStatus.SUBMITTED: {SurveyStatus.APPROVED, SurveyStatus.DRAFT},
    SurveyStatus.APPROVED: {SurveyStatus.OPEN},
    SurveyStatus.OPEN: {SurveyStatus.CLOSED},
    SurveyStatus.CLOSED: {SurveyStatus.ANALYSED},
    SurveyStatus.ANALYSED: {SurveyStatus.REVIEWED, SurveyStatus.CLOSED},
    SurveyStatus.REVIEWED: {SurveyStatus.PUBLISHED, SurveyStatus.CLOSED},
    SurveyStatus.PUBLISHED: set(),
}


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("评分（1–5 分）")
    CHOICE = "choice", _("单选")
    TEXT = "text", _("文字")


class Sampling(models.TextChoices):
    ALL = "all", _("全部住户")
    STRATIFIED = "stratified", _("按楼栋分层随机抽样")


class AnswerChannel(models.TextChoices):
    PAPER = "paper", _("纸质问卷录入")
    PHONE = "phone", _("电话调查")
    PORTAL = "portal", _("住户网上填写")


class MeetingKind(models.TextChoices):
    FORUM = "forum", _("业主/住户座谈会")
    COMMITTEE = "committee", _("业委会沟通会")
    ACTIVITY = "activity", _("社区文化活动")


class EngagementEventKind(models.TextChoices):
    """History of surveys, boxes, consultations and meetings."""

    CREATED = "created", _("创建")
    CHANGED = "changed", _("修改")
    STATUS = "status", _("状态变更")
    OPENED = "opened", _("开启意见箱")
    ANSWERED = "answered", _("录入答卷")
    TICKET = "ticket", _("转为工单")
    PLANNED = "planned", _("制定访谈计划")
    ANNOUNCED = "announced", _("发布为公告")
    HELD = "held", _("登记活动情况")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")
