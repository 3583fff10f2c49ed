"""Complaints on the ticket core (R-CP-1 … R-CP-6): one complaint record per complaint ticket, with its class,
validity, owner rules, written-letter filing and repeat marks; collective complaints (R-CP-4); the similarity
signature and its index keys; the complaint's own append-only history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import (
    Category,
    CollectiveEventKind,
    CollectiveStatus,
    DeveloperMatter,
    EventKind,
    ResponsibilityClass,
    Source,
    Validity,
)


class ComplaintSettings(models.Model):
    """What a service center sets for its complaints: the window in which similar complaints of the same
    community count as one collective complaint (R-CP-4, default 24 h)."""

    service_center = models.OneToOneField(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="complaint_settings"
    )
    collective_window_minutes = models.PositiveIntegerField(
        _("集体投诉时间窗（分钟）"),
        default=24 * 60,
        validators=[MinValueValidator(30), MaxValueValidator(7 * 24 * 60)],
    )

    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("投诉设置")
        verbose_name_plural = _("投诉设置")

    def __str__(self) -> str:
        return str(self.service_center)


class CollectiveComplaint(models.Model):
    """Five or more households complaining about the same event at the same time (集体投诉, R-CP-4)."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="collective_complaints"
    )
    building = models.ForeignKey(
        "communities.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("事件"), max_length=100)
    category = models.CharField(_("投诉类别"), max_length=12, choices=Category.choices, blank=True)
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=CollectiveStatus.choices, default=CollectiveStatus.OPEN)
    # The manager's decision (002 §4.5.1): whether to tell the company's general manager and the developer.
    decided_at = models.DateTimeField(_("经理决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notify_general_manager = models.BooleanField(_("通报公司总经理"), null=True, blank=True)
    notify_developer = models.BooleanField(_("通报地产公司客服中心"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    agreed_reply_at = models.DateTimeField(_("约定答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("集体投诉")
        verbose_name_plural = _("集体投诉")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "-opened_at"], name="complaints_coll_comm_idx")]

    def __str__(self) -> str:
        return f"{self.community} {self.title}"


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ComplaintQuerySet":
        """The complaints whose ticket the user may see (the ticket core's scope, field staff included)."""
        from propdesk.tickets.models import Ticket

        return self.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))

    def restrict(self, user, action: str) -> "ComplaintQuerySet":
        from propdesk.core.permissions import restrict

        if action == "view":
            return self.visible_to(user)
        return restrict(self.visible_to(user), user, action)


class Complaint(models.Model):
    """The complaint record (客户投诉记录表) of one complaint ticket."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="complaint"
    )
    # Copied from the ticket (they never change there): where the complaint is, for rules and detection.
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="complaints"
    )
    building = models.ForeignKey(
        "communities.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # R-CP-1: the responsibility class and, for class 2, what of the developer's it concerns.
    responsibility_class = models.PositiveSmallIntegerField(
        _("责任类别"), choices=ResponsibilityClass.choices, null=True, blank=True
    )
    developer_matter = models.CharField(_("开发商责任事项"), max_length=12, choices=DeveloperMatter.choices, blank=True)
    validity = models.CharField(_("有效性"), max_length=12, choices=Validity.choices, default=Validity.PENDING)
    classified_at = models.DateTimeField(_("分类时间"), null=True, blank=True)
    source = models.CharField(_("投诉来源"), max_length=20, choices=Source.choices, default=Source.CUSTOMER)
    # A letter (书面投诉): answered in writing; its original is filed by the records clerk (R-IN-7).
    written = models.BooleanField(_("书面投诉"), default=False)
    original_filed_at = models.DateTimeField(_("原件归档时间"), null=True, blank=True)
    original_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("归档人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_archive_no = models.CharField(_("档案号"), max_length=50, blank=True)
    # R-CP-2: the owner, the owner the class suggests and why (stored as a core.texts text).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投诉负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    suggested_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建议负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion_reason = models.TextField(_("建议理由"), blank=True)
    owner_overridden = models.BooleanField(_("经理改派"), default=False)
    # R-CP-6: a repeat complaint (the customer unhappy with the result), and the complaint it repeats.
    is_repeat = models.BooleanField(_("重复投诉"), default=False)
    repeat_count = models.PositiveSmallIntegerField(_("重复次数"), default=0)
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    repeated_at = models.DateTimeField(_("重复投诉时间"), null=True, blank=True)
    # R-CP-3: the reply time agreed with the customer; answered on the spot; the customer's opinion.
    agreed_reply_at = models.DateTimeField(_("约定答复时间"), null=True, blank=True)
    on_the_spot = models.BooleanField(_("当场处理"), default=False)
    customer_opinion = models.TextField(_("客户意见"), blank=True)
    customer_satisfied = models.BooleanField(_("客户满意"), null=True, blank=True)
    opinion_at = models.DateTimeField(_("意见记录时间"), null=True, blank=True)
    last_progress_at = models.DateTimeField(_("最近告知进展"), null=True, blank=True)
    # R-FB-3: a major matter — progress within 48 h, the direct superior told at once.
    major = models.BooleanField(_("重大事项"), default=False)
    # R-CP-4: the collective complaint it belongs to, and what the similarity engine keeps of its text.
    collective = models.ForeignKey(
        CollectiveComplaint,
        verbose_name=_("集体投诉"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    signature = models.JSONField(_("文本特征"), default=dict, blank=True)
    category = models.CharField(_("投诉类别"), max_length=12, choices=Category.choices, blank=True)
    # When it was recorded: the n-th (in households) complaint about the same thing, as detection saw it.
    same_event_nth = models.PositiveSmallIntegerField(_("同一事件第几户"), default=1)
    # The complaint record form (客户投诉记录表, 002 §12.3): the customer's signature on a home visit, the CS
    # supervisor's review and the manager's sign-off.
    customer_signature = models.FileField(_("客户签名"), upload_to="signatures/complaints/%Y/%m/", blank=True)
    signed_at = models.DateTimeField(_("签名时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("主管审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    signed_off_at = models.DateTimeField(_("经理签批时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sign_off_note = models.TextField(_("签批意见"), blank=True)
    created_at = models.DateTimeField(_("建立时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="complaints_comm_created_idx"),
            models.Index(fields=["owner", "-created_at"], name="complaints_owner_idx"),
            models.Index(fields=["service_center", "responsibility_class", "validity"], name="complaints_class_idx"),
            # the households of a collective complaint, counted from the index alone at every join
            models.Index(fields=["collective", "household"], name="complaints_coll_household_idx"),
            # what changed since the reports' last rollup (every minute)
            models.Index(fields=["updated_at"], name="complaints_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(developer_matter="") | Q(responsibility_class=2), name="complaints_matter_only_class2"
            ),
            models.CheckConstraint(condition=~Q(repeat_of=models.F("id")), name="complaints_repeat_not_self"),
        ]

    def __str__(self) -> str:
        return str(self.ticket)

    @property
    def class_label(self) -> str:
        if self.responsibility_class is None:
            return str(_("未分类"))
        label = ResponsibilityClass(self.responsibility_class).label
        if self.developer_matter:
            return f"{label} · {DeveloperMatter(self.developer_matter).label}"
        return str(label)

    @property
    def is_classified(self) -> bool:
        return self.responsibility_class is not None


class ComplaintKey(models.Model):
    """One index key of a complaint's text signature (written by the similarity engine): the candidates of a new
    complaint are the complaints of the same community sharing a key within the time window."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="keys")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("投诉文本索引")
        verbose_name_plural = _("投诉文本索引")
        indexes = [models.Index(fields=["community", "key", "created_at"], name="complaints_key_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.key}"


class HomeVisit(models.Model):
    """A home visit answering one household of a collective complaint (002 §4.8): who went, when, what the
    customer said, and the customer's signature drawn on the screen (optional)."""

    collective = models.ForeignKey(
        CollectiveComplaint, verbose_name=_("集体投诉"), on_delete=models.PROTECT, related_name="home_visits"
    )
    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    visited_at = models.DateTimeField(_("回访时间"))
    customer_said = models.TextField(_("客户意见"))
    satisfied = models.BooleanField(_("客户满意"), null=True, blank=True)
    signature = models.FileField(_("客户签名"), upload_to="signatures/collective/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("上门回访")
        verbose_name_plural = _("上门回访")
        ordering = ["visited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "household"], name="complaints_one_visit_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.collective_id} {self.household_id}"


class ComplaintEvent(DomainEvent):
    """One append-only row of a complaint's history (class changes and their reasons, owners, timers' steps)."""

    subject_field = "complaint"

    complaint = models.ForeignKey(Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EventKind.choices)

    class Meta:
        verbose_name = _("投诉记录")
        verbose_name_plural = _("投诉记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaints_event_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CollectiveEvent(DomainEvent):
    """One append-only row of a collective complaint's history."""

    subject_field = "collective"

    collective = models.ForeignKey(
        CollectiveComplaint, verbose_name=_("集体投诉"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("动作"), max_length=20, choices=CollectiveEventKind.choices)

    class Meta:
        verbose_name = _("集体投诉记录")
        verbose_name_plural = _("集体投诉记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.collective_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


from .models_documents import ComplaintExport, ComplaintLetter  # noqa: E402, F401
from .models_monthly import CorrectiveAction, LegacyReport, PublicNotice, TrainingCase  # noqa: E402, F401
