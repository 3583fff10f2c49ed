"""Notices with their approval chain and seal, outages, weather warnings with their acknowledgements and
broadcast tasks, deliveries to special customers (R-PB-1…8)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import (
    Audience,
    BroadcastMethod,
    BroadcastRule,
    ContactKind,
    Decision,
    DeliveryStatus,
    Hazard,
    Language,
    NoticeEventKind,
    NoticeKind,
    NoticeStatus,
    PriceRegime,
    TaskStatus,
    Topic,
    Utility,
    WarningSource,
)

_USER = settings.AUTH_USER_MODEL


class Notice(models.Model):
    """One notice of a service center to its customers, from draft to the board and the website."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="notices"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=NoticeKind.choices)
    topic = models.CharField(_("宣传主题"), max_length=16, choices=Topic.choices, blank=True)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), help_text=_("保存时清除不安全的标签和脚本"))
    language = models.CharField(_("语言"), max_length=8, choices=Language.choices, default=Language.ZH)
    audience = models.CharField(_("发布对象"), max_length=16, choices=Audience.choices, default=Audience.COMMUNITY)
    buildings = models.ManyToManyField("communities.Building", verbose_name=_("楼栋"), blank=True, related_name="+")
    units = models.ManyToManyField("communities.Unit", verbose_name=_("房号"), blank=True, related_name="+")
    special_customers = models.ManyToManyField(
        "communities.SpecialCustomer", verbose_name=_("特殊顾客"), blank=True, related_name="+"
    )
    valid_from = models.DateTimeField(_("有效期自"))
    valid_until = models.DateTimeField(_("有效期至"))
    # Outages (R-PB-3): what stops, when, and what the front desk reads out to a caller.
    utility = models.CharField(_("停止项目"), max_length=10, choices=Utility.choices, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    answer_text = models.CharField(_("前台答复口径"), max_length=300, blank=True)
    # What the notice publishes when another app drafted it (core.publishing), e.g. "engagement.survey:12".
    source = models.CharField(_("来源"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        _USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("盖章时间"), null=True, blank=True)
    posted_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["service_center", "status"], name="notices_notice_status_idx"),
            models.Index(fields=["status", "publish_at"], name="notices_notice_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_outage(self) -> bool:
        return self.kind in (NoticeKind.OUTAGE_PLANNED, NoticeKind.OUTAGE_EMERGENCY)


class NoticeEvent(DomainEvent):
    subject_field = "notice"
    notice = models.ForeignKey(Notice, verbose_name=_("公告"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=NoticeEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("公告记录")
        verbose_name_plural = _("公告记录")


class Attachment(models.Model):
    notice = models.ForeignKey(Notice, verbose_name=_("公告"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="notices/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=80)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(_USER, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公告附件")
        verbose_name_plural = _("公告附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OutageCall(models.Model):
    """A call at the front desk linked to an outage (counted on the outage instead of a repair ticket)."""

    notice = models.ForeignKey(Notice, verbose_name=_("停水停电"), on_delete=models.CASCADE, related_name="calls")
    interaction = models.ForeignKey(
        "intake.Interaction", verbose_name=_("来电"), on_delete=models.CASCADE, related_name="+"
    )
    linked_by = models.ForeignKey(_USER, verbose_name=_("关联人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("停水停电来电")
        verbose_name_plural = _("停水停电来电")
        constraints = [models.UniqueConstraint(fields=["notice", "interaction"], name="notices_outage_call_uniq")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.interaction_id}"


class SpecialDelivery(models.Model):
    """A notice delivered to a special customer (R-PB-7), and their acknowledgement."""

    notice = models.ForeignKey(Notice, verbose_name=_("公告"), on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey(
        "communities.SpecialCustomer", verbose_name=_("特殊顾客"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        _USER, verbose_name=_("送达人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_name = models.CharField(_("签收人"), max_length=50, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "notice__service_center"}

    class Meta:
        verbose_name = _("特殊顾客送达")
        verbose_name_plural = _("特殊顾客送达")
        ordering = ["notice", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "customer"], name="notices_delivery_uniq")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.customer_id}"


class WarningRule(models.Model):
    """What a warning level obliges a company's centers to do (R-PB-5/6): who is notified and whether the
    control center broadcasts. The rule with the highest ``level`` not above the warning's applies."""

    company = models.ForeignKey("org.Company", verbose_name=_("物业公司"), on_delete=models.CASCADE, related_name="+")
    hazard = models.CharField(_("预警类型"), max_length=12, choices=Hazard.choices)
    level = models.PositiveSmallIntegerField(_("起始级别"))
    notify_roles = models.JSONField(_("通知岗位"), default=list, blank=True)
    broadcast = models.CharField(_("广播"), max_length=12, choices=BroadcastRule.choices, default=BroadcastRule.NONE)

    class Meta:
        verbose_name = _("预警处置规则")
        verbose_name_plural = _("预警处置规则")
        ordering = ["company", "hazard", "level"]
        constraints = [models.UniqueConstraint(fields=["company", "hazard", "level"], name="notices_rule_uniq")]

    def __str__(self) -> str:
        return f"{self.get_hazard_display()} ≥{self.level}"


class CapFeed(models.Model):
    """An official warning feed sending CAP 1.2 alerts to a service center, signed with a shared secret."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=50)
    secret = models.CharField(_("共享密钥"), max_length=128)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警信息源")
        verbose_name_plural = _("预警信息源")

    def __str__(self) -> str:
        return self.name


class WeatherWarning(models.Model):
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.CharField(_("预警类型"), max_length=12, choices=Hazard.choices)
    level = models.PositiveSmallIntegerField(_("级别"))
    headline = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("来源"), max_length=8, choices=WarningSource.choices, default=WarningSource.MANUAL)
    cap_identifier = models.CharField(_("CAP 编号"), max_length=200, blank=True)
    broadcast = models.CharField(_("广播"), max_length=12, choices=BroadcastRule.choices)
    decision = models.CharField(_("广播决定"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        _USER, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.CharField(_("决定理由"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    entered_by = models.ForeignKey(
        _USER, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("天气预警")
        verbose_name_plural = _("天气预警")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_center", "cap_identifier"],
                condition=~models.Q(cap_identifier=""),
                name="notices_warning_cap_uniq",
            )
        ]

    def __str__(self) -> str:
        return self.headline


class Acknowledgement(models.Model):
    """A staff member told of a warning, and when they acknowledged it (one tap)."""

    warning = models.ForeignKey(WeatherWarning, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="acks")
    user = models.ForeignKey(_USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(_("通知时间"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    chased_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "warning__service_center"}

    class Meta:
        verbose_name = _("预警确认")
        verbose_name_plural = _("预警确认")
        ordering = ["warning", "acknowledged_at", "id"]
        constraints = [models.UniqueConstraint(fields=["warning", "user"], name="notices_ack_uniq")]

    def __str__(self) -> str:
        return f"{self.warning_id}:{self.user_id}"


class BroadcastTask(models.Model):
    """A broadcast the control center owes a community (an emergency outage, a warning): done only when the
    operator records it done — when, by whom, how."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(Notice, verbose_name=_("公告"), null=True, blank=True, on_delete=models.PROTECT)
    warning = models.ForeignKey(
        WeatherWarning, verbose_name=_("预警"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    text = models.CharField(_("广播内容"), max_length=300)
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("广播时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        _USER, verbose_name=_("广播人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    methods = models.JSONField(_("广播方式"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("广播任务")
        verbose_name_plural = _("广播任务")
        ordering = ["status", "-created_at", "-id"]
        indexes = [models.Index(fields=["service_center", "status"], name="notices_task_open_idx")]

    def __str__(self) -> str:
        return self.text

    def method_labels(self) -> list[str]:
        return [str(BroadcastMethod(m).label) for m in self.methods if m in BroadcastMethod.values]


class FeeItem(models.Model):
    """One line of a community's public fee schedule (收费价目表, 001 §4.2.2 C): the item, its standard and
    unit, how it is charged and from when, the price regime and its legal basis with the approving authority
    and approval number, the period it is in force."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="fee_items"
    )
    item = models.CharField(_("收费项目"), max_length=60)
    payer = models.CharField(_("收费对象"), max_length=60, blank=True)
    service_content = models.CharField(_("服务内容"), max_length=200, blank=True)
    service_standard = models.CharField(_("服务标准"), max_length=100, blank=True)
    price = models.DecimalField(_("收费标准"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("计价单位"), max_length=30)
    billing_method = models.CharField(_("计费方式"), max_length=100)
    billing_start = models.CharField(_("计费起始时间"), max_length=100, blank=True)
    price_regime = models.CharField(_("价格管理形式"), max_length=16, choices=PriceRegime.choices)
    basis = models.CharField(_("收费依据"), max_length=200)
    authority = models.CharField(_("批准机关"), max_length=100, blank=True)
    approval_no = models.CharField(_("批准文号"), max_length=60, blank=True)
    collected_for_others = models.BooleanField(_("代收代缴"), default=False)
    effective_from = models.DateField(_("执行日期"))
    effective_until = models.DateField(_("截止日期"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费价目表")
        ordering = ["community", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.item


class ServiceContact(models.Model):
    """A utility or service contact on a community's public board: water, power, gas, telecom, the company's
    400 hotline, the price complaint line… with its phone and hours."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="service_contacts"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=ContactKind.choices)
    name = models.CharField(_("单位名称"), max_length=60)
    phone = models.CharField(_("电话"), max_length=30)
    hours = models.CharField(_("服务时间"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("公示"), default=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("服务联系电话")
        verbose_name_plural = _("服务联系电话")
        ordering = ["community", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name
