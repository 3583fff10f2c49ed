"""The vocabulary of publishing to customers: kinds of notice, audiences, the approval chain, outages, weather
warnings and their broadcasts (R-PB-1…8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    SIGNAGE = "signage", _("标识信息")
    TIP = "tip", _("温馨提示")
    PROMOTION = "promotion", _("宣传信息")
    REPORT = "report", _("管理服务报告")
    INFO = "info", _("其他知情信息")
    COMPANY_DOC = "company_doc", _("公司对外文件")
    OUTAGE_PLANNED = "outage_planned", _("计划停水停电")
    OUTAGE_EMERGENCY = "outage_emergency", _("紧急停水停电")
    WARNING = "warning", _("预警及紧急通知")


OUTAGE_KINDS = frozenset({NoticeKind.OUTAGE_PLANNED, NoticeKind.OUTAGE_EMERGENCY})


class Topic(models.TextChoices):
    """What a bulletin notice teaches (R-PB-8: at least one a month per community)."""

    NONE = "", _("无")
    LAW = "law", _("法律法规")
    SAFETY = "safety", _("安全防范")
    HYGIENE = "hygiene", _("卫生")
    ENVIRONMENT = "environment", _("环境保护")
    GOALS = "goals", _("公司管理目标")


class Utility(models.TextChoices):
    WATER = "water", _("停水")
    POWER = "power", _("停电")
    GAS = "gas", _("停气")
    CABLE = "cable", _("有线电视中断")
    NETWORK = "network", _("网络中断")


class Audience(models.TextChoices):
    COMPANY = "company", _("全公司")
    CENTER = "center", _("本服务中心")
    COMMUNITY = "community", _("小区")
    BUILDINGS = "buildings", _("指定楼栋")
    UNITS = "units", _("指定房号")
    SPECIAL = "special", _("特殊顾客")


class Language(models.TextChoices):
    ZH = "zh-hans", _("中文")
    EN = "en", _("英文")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审批")
    SEALED = "sealed", _("已盖章")
    SCHEDULED = "scheduled", _("待发布")
    POSTED = "posted", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.DRAFT: frozenset({NoticeStatus.SUBMITTED}),
    NoticeStatus.RETURNED: frozenset({NoticeStatus.SUBMITTED}),
    NoticeStatus.SUBMITTED: frozenset({NoticeStatus.APPROVED, NoticeStatus.RETURNED}),
    NoticeStatus.APPROVED: frozenset({NoticeStatus.SEALED}),
    NoticeStatus.SEALED: frozenset({NoticeStatus.SCHEDULED}),
    NoticeStatus.SCHEDULED: frozenset({NoticeStatus.POSTED, NoticeStatus.WITHDRAWN}),
    NoticeStatus.POSTED: frozenset({NoticeStatus.WITHDRAWN, NoticeStatus.EXPIRED}),
    NoticeStatus.WITHDRAWN: frozenset(),
    NoticeStatus.EXPIRED: frozenset(),
}
# A notice in these states has been approved and not yet taken down.
APPROVED_STATES = frozenset({NoticeStatus.APPROVED, NoticeStatus.SEALED, NoticeStatus.SCHEDULED, NoticeStatus.POSTED})
EDITABLE_STATES = frozenset({NoticeStatus.DRAFT, NoticeStatus.RETURNED})


class NoticeEventKind(models.TextChoices):
    CREATED = "created", _("起草")
    EDITED = "edited", _("修改")
    SUBMITTED = "submitted", _("提交审批")
    APPROVED = "approved", _("经理审批通过")
    RETURNED = "returned", _("退回修改")
    SEALED = "sealed", _("加盖业务章")
    SCHEDULED = "scheduled", _("安排发布")
    POSTED = "posted", _("发布")
    WITHDRAWN = "withdrawn", _("撤回")
    EXPIRED = "expired", _("到期下架")
    CALL_LINKED = "call_linked", _("来电关联")
    DELIVERED = "delivered", _("送达特殊顾客")
    ACKNOWLEDGED = "acknowledged", _("特殊顾客签收")


class Hazard(models.TextChoices):
    RAINSTORM = "rainstorm", _("暴雨")
    TYPHOON = "typhoon", _("台风")


# Rainstorm warnings by colour (blue … black), typhoon signals by number.
RAINSTORM_LEVELS = {1: _("蓝色"), 2: _("黄色"), 3: _("橙色"), 4: _("红色"), 5: _("黑色")}


class BroadcastRule(models.TextChoices):
    NONE = "none", _("不广播")
    DECIDE = "decide", _("视情况决定是否广播")
    MANDATORY = "mandatory", _("必须广播")


class WarningSource(models.TextChoices):
    MANUAL = "manual", _("控制中心录入")
    CAP = "cap", _("CAP 预警接入")


class Decision(models.TextChoices):
    PENDING = "", _("待决定")
    BROADCAST = "broadcast", _("决定广播")
    NO_BROADCAST = "no_broadcast", _("决定不广播")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待广播")
    DONE = "done", _("已广播")


class BroadcastMethod(models.TextChoices):
    LOUDSPEAKER = "loudspeaker", _("小区广播")
    SMS = "sms", _("短信")
    IM_GROUP = "im_group", _("业主微信群")
    BOARDS = "boards", _("公告栏")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")
    ACKNOWLEDGED = "acknowledged", _("已签收")


class PriceRegime(models.TextChoices):
    """价格管理形式 of a fee item: set or guided by the government (with an approval) or left to the market."""

    GOVERNMENT_SET = "gov_set", _("政府定价")
    GOVERNMENT_GUIDED = "gov_guided", _("政府指导价")
    MARKET = "market", _("市场调节价")


GOVERNMENT_REGIMES = frozenset({PriceRegime.GOVERNMENT_SET, PriceRegime.GOVERNMENT_GUIDED})
PRICE_COMPLAINT_LINE = "12358"


class ContactKind(models.TextChoices):
    WATER = "water", _("供水")
    POWER = "power", _("供电")
    GAS = "gas", _("燃气")
    TELECOM = "telecom", _("通信网络")
    CABLE = "cable", _("有线电视")
    HOTLINE = "hotline", _("客服热线")
    CENTER = "center", _("服务中心")
    PUBLIC = "public", _("公共服务")
    OTHER = "other", _("其他")
