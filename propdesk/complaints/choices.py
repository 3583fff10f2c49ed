"""The vocabulary of complaints: responsibility class, validity, source, collective-complaint states and the
kinds of a complaint's history (R-CP-1 … R-CP-6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponsibilityClass(models.IntegerChoices):
    """Who is responsible for what the customer complains about (001 §4.3.1)."""

    OUR_SERVICE = 1, _("一类：本中心服务")
    DEVELOPER = 2, _("二类：开发商（房屋质量或配套设施）")
    EXTERNAL = 3, _("三类：外部环境/管辖范围外公共设施")


class DeveloperMatter(models.TextChoices):
    """What of the developer's a class-2 complaint concerns (R-CP-2)."""

    HOUSING = "housing", _("房屋质量")
    FACILITIES = "facilities", _("配套设施")


class Validity(models.TextChoices):
    """002 §4.1: valid, assisted, invalid — or not judged yet."""

    PENDING = "pending", _("未判定")
    VALID = "valid", _("有效投诉")
    ASSISTED = "assisted", _("协助处理")
    INVALID = "invalid", _("无效投诉")


class Source(models.TextChoices):
    """Where the complaint came from (R-IN-1), with the developer's customer-service center of its own."""

    CUSTOMER = "customer", _("客户直接投诉")
    DEVELOPER_CS = "developer_cs", _("开发商客服中心转来")
    SUPERIOR = "superior", _("上级部门转来")
    SELF_COLLECTED = "self_collected", _("中心自行收集")


class Category(models.TextChoices):
    """What a complaint is about, as the collective-complaint detection compares it (same category only):
    taken from the things the text names when the complaint is recorded (``services.detection.category_of``)."""

    REPAIR = "repair", _("设施维修")
    ENVIRONMENT = "environment", _("环境卫生")
    SECURITY = "security", _("安全秩序")
    NOISE = "noise", _("噪音扰民")
    FEES = "fees", _("收费")
    PARKING = "parking", _("停车")
    OTHER = "other", _("其他")


class CollectiveStatus(models.TextChoices):
    OPEN = "open", _("已立案")
    HANDLING = "handling", _("处理中")
    CLOSED = "closed", _("已结案")


class EventKind(models.TextChoices):
    CREATED = "created", _("建立投诉记录")
    CLASSIFIED = "classified", _("分类")
    RECLASSIFIED = "reclassified", _("更改分类")
    OWNER_SUGGESTED = "owner_suggested", _("建议负责人")
    OWNER_SET = "owner_set", _("确定负责人")
    OWNER_OVERRIDDEN = "owner_overridden", _("经理改派负责人")
    WRITTEN = "written", _("书面投诉")
    ORIGINAL_FILED = "original_filed", _("原件归档")
    REPLY_AGREED = "reply_agreed", _("约定答复时间")
    ON_THE_SPOT = "on_the_spot", _("当场处理")
    OPINION = "opinion", _("客户意见")
    PROGRESS = "progress", _("告知进展")
    MAJOR = "major", _("重大事项")
    REPEAT = "repeat", _("重复投诉")
    SOURCE = "source", _("更改来源")
    LINKED = "linked", _("归入集体投诉")
    UNLINKED = "unlinked", _("移出集体投诉")
    LETTER_WRITTEN = "letter_written", _("拟写文书")
    LETTER_SENT = "letter_sent", _("文书已发出")
    SIGNED = "signed", _("客户签名")
    REVIEWED = "reviewed", _("主管审核")
    SIGNED_OFF = "signed_off", _("经理签批")


class CollectiveEventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    JOINED = "joined", _("加入投诉")
    LEFT = "left", _("移出投诉")
    DECIDED = "decided", _("经理决定")
    REPLY_AGREED = "reply_agreed", _("约定答复时间")
    HOME_VISIT = "home_visit", _("上门回访")
    CLOSED = "closed", _("结案")
