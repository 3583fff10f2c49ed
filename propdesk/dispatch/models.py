"""Work orders (服务工作单) and everything dispatch needs: shifts, duty and reachability, housekeeping
arrangements, materials, photos, return visits, contact sheets, follow-ups and weekly approval."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core import texts
from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet, get_scope

from .choices import (
    ContactSheetStep,
    DispatchMode,
    DutyEventKind,
    EventKind,
    ReturnVisitPolicy,
    Routing,
    Status,
    Trade,
)

FIELD_ROLES = frozenset({"technician", "housekeeper", "security_guard"})


class DispatchSettings(models.Model):
    """How a service center dispatches and when repairs get a return visit."""

    service_center = models.OneToOneField(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="dispatch_settings"
    )
    mode = models.CharField(_("派单方式"), max_length=20, choices=DispatchMode.choices, default=DispatchMode.DIRECT)
    return_visit_policy = models.CharField(
        _("维修回访规则"), max_length=20, choices=ReturnVisitPolicy.choices, default=ReturnVisitPolicy.ALWAYS
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("抽样比例（%）"), default=30, validators=[MaxValueValidator(100)]
    )
    max_visit_attempts = models.PositiveSmallIntegerField(_("回访联系不上的最多尝试次数"), default=3)

    class Meta:
        verbose_name = _("派单设置")
        verbose_name_plural = _("派单设置")

    def __str__(self) -> str:
        return str(self.service_center)


class ShiftTemplate(models.Model):
    """A shift of a department: 白班 08:00–17:00, 夜班 20:00–08:00 (ends next day when end ≤ start)."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="shifts"
    )
    name = models.CharField(_("班次"), max_length=20)
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["department", "starts"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="dispatch_shift_name_uniq")]

    def __str__(self) -> str:
        return f"{self.name_text} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def name_text(self) -> str:
        """The name in the reader's language: a usual name (choices.SHIFT_NAMES) is translated, another as typed."""
        return texts.render(self.name)

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(day, self.starts, tzinfo=tz)
        end_day = day if self.ends > self.starts else day + dt.timedelta(days=1)
        return start, dt.datetime.combine(end_day, self.ends, tzinfo=tz)


class RotaEntry(models.Model):
    """One person on one shift on one day (排班)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="rota"
    )
    date = models.DateField(_("日期"))
    shift = models.ForeignKey(ShiftTemplate, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="entries")
    starts_at = models.DateTimeField(_("上班时间"), editable=False)
    ends_at = models.DateTimeField(_("下班时间"), editable=False)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        ordering = ["date", "shift__starts"]
        constraints = [models.UniqueConstraint(fields=["user", "date", "shift"], name="dispatch_rota_uniq")]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="dispatch_rota_window_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.shift} {self.user}"

    def save(self, *args, **kwargs):
        self.starts_at, self.ends_at = self.shift.window(self.date)
        super().save(*args, **kwargs)


class DutyStatus(models.Model):
    """Where a field worker stands now (R-WO-7): on duty, radio working, within coverage."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="duty"
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    on_duty = models.BooleanField(_("在岗"), default=False)
    radio_ok = models.BooleanField(_("对讲机正常"), default=True)
    away_until = models.DateTimeField(_("离开覆盖范围至"), null=True, blank=True)
    away_reason = models.CharField(_("离开原因"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("在岗状态")
        verbose_name_plural = _("在岗状态")

    def __str__(self) -> str:
        return f"{self.user}"

    def is_reachable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.on_duty and self.radio_ok and (self.away_until is None or self.away_until <= now)


class DutyEvent(models.Model):
    """Append-only log of check-ins, radio faults and coverage notices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("事项"), max_length=20, choices=DutyEventKind.choices)
    until = models.DateTimeField(_("至"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("在岗记录")
        verbose_name_plural = _("在岗记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%m-%d %H:%M} {self.user} {self.get_kind_display()}"


class HousekeepingArrangement(models.Model):
    """A long-term housekeeping arrangement (长期家政): e.g. 3-2-1202 every Tuesday 9:00–11:00."""

    household = models.ForeignKey(
        "communities.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(
        _("星期"), validators=[MaxValueValidator(6)], help_text=_("0 为星期一 … 6 为星期日")
    )
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("固定家政人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("服务内容"), max_length=200)
    is_active = models.BooleanField(_("有效"), default=True)
    generated_until = models.DateField(_("已生成至"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "household__unit__building__community"}

    class Meta:
        verbose_name = _("长期家政安排")
        verbose_name_plural = _("长期家政安排")

    def __str__(self) -> str:
        return f"{self.household} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def get_weekday_display(self) -> str:
        return str(WEEKDAYS[self.weekday])


WEEKDAYS = (_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日"))


class WorkOrderQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> "WorkOrderQuerySet":
        scope = get_scope(user)
        if scope.unrestricted:
            return self.all()
        desk = sorted(c for c in scope.community if scope.roles_in_community(c) - FIELD_ROLES)
        condition = Q(pk__in=[])
        if desk:
            condition |= Q(community__in=desk)
        if scope.community:
            # Field staff see their own jobs, and open offers of their communities (grab mode).
            condition |= Q(community__in=sorted(scope.community), assignee=user)
            condition |= Q(community__in=sorted(scope.community), status=Status.PENDING, offered=True)
        if scope.household:
            condition |= Q(ticket__household__in=sorted(scope.household))
        return self.filter(condition)


class WorkOrder(models.Model):
    """A service work order (服务工作单): one trade's job for a ticket."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="work_orders"
    )
    number = models.CharField(_("工作单号"), max_length=40)
    service_center = models.ForeignKey("org.ServiceCenter", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    trade = models.CharField(_("工种"), max_length=20, choices=Trade.choices)
    routing = models.CharField(_("处理类别"), max_length=20, choices=Routing.choices, default=Routing.ENGINEERING)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    description = models.TextField(_("工作内容"))
    offered = models.BooleanField(_("抢单中"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维修/服务人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    scheduled_start = models.DateTimeField(_("约定开始"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("约定结束"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    on_the_way_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完工时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报完工时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("签认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销单时间"), null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    customer_confirmed = models.BooleanField(_("客户已确认"), null=True, blank=True)
    signature = models.FileField(_("客户签名"), upload_to="signatures/%Y/%m/", blank=True)
    customer_absent_reason = models.CharField(_("客户不在场原因"), max_length=200, blank=True)
    customer_rating = models.PositiveSmallIntegerField(
        _("客户评价"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    return_visit_required = models.BooleanField(_("需回访"), null=True, blank=True)
    return_visit_note = models.CharField(_("回访说明"), max_length=200, blank=True)
    vendor = models.ForeignKey(
        "communities.Vendor",
        verbose_name=_("外联单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vendor_notified_at = models.DateTimeField(_("通知外联单位时间"), null=True, blank=True)
    vendor_due_at = models.DateTimeField(_("外联单位承诺时间"), null=True, blank=True)
    vendor_chased_at = models.DateTimeField(_("最近催办时间"), null=True, blank=True)
    in_followup_register = models.BooleanField(_("已转工程跟进登记"), default=False)
    arrangement = models.ForeignKey(
        HousekeepingArrangement,
        verbose_name=_("长期家政安排"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    week_approved = models.BooleanField(_("已周审批"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务工作单")
        verbose_name_plural = _("服务工作单")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["service_center", "number"], name="dispatch_wo_number_uniq")]
        indexes = [
            models.Index(fields=["service_center", "status", "created_at"], name="dispatch_wo_board_idx"),
            models.Index(fields=["assignee", "status"], name="dispatch_wo_assignee_idx"),
            # A worker's last job (eligible staff, round robin): the newest assigned_at of their own orders.
            models.Index(fields=["assignee", "assigned_at"], name="dispatch_wo_assignee_last_idx"),
            models.Index(fields=["ticket"], name="dispatch_wo_ticket_idx"),
            # The reports rollup (every 60 s) reads the orders changed since its last run; the board's poll
            # fingerprint reads the latest change.
            models.Index(fields=["updated_at"], name="dispatch_wo_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class WorkOrderEvent(DomainEvent):
    """Append-only history of a work order: who, when, what, and for whom when acting on someone's behalf."""

    subject_field = "work_order"

    work_order = models.ForeignKey(WorkOrder, verbose_name=_("工作单"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = _("工作单记录")
        verbose_name_plural = _("工作单记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {self.at:%m-%d %H:%M}"


class Material(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField(_("材料"), max_length=100)
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity_text}"

    @property
    def quantity_text(self) -> str:
        """The quantity as people write it, with its unit: "2 个", "1.5 米" (decimals only when there are any)."""
        number = format(self.quantity.normalize(), "f") if self.quantity is not None else ""
        return f"{number} {self.unit}".strip()


class Photo(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("维修前")
        AFTER = "after", _("维修后")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    file = models.FileField(_("照片"), upload_to="work-orders/%Y/%m/")
    content_type = models.CharField(max_length=50)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.stage}"


class ReturnVisit(models.Model):
    """A return visit (回访) attempt and what the customer said (R-WO-3)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="return_visits")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField(_("联系上客户"))
    quality = models.PositiveSmallIntegerField(
        _("服务质量（1–5）"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    on_time = models.BooleanField(_("准时"), null=True, blank=True)
    minutes_late = models.PositiveIntegerField(_("迟到分钟"), null=True, blank=True)
    comments = models.TextField(_("客户意见"), blank=True)

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.at:%m-%d %H:%M}"

    @property
    def satisfied(self) -> bool | None:
        return None if self.quality is None else self.quality >= 3


class ContactSheet(models.Model):
    """Work contact sheet (工作联系单) for warranty rectification: the manager verifies and signs, the
    developer's project department receives and signs, and signs off when done (R-WO-5)."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="contact_sheet")
    developer = models.ForeignKey(
        "communities.Developer", verbose_name=_("开发商"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("整改内容"))
    step = models.CharField(
        _("进度"), max_length=20, choices=ContactSheetStep.choices, default=ContactSheetStep.DRAFTED
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    received_by_name = models.CharField(_("开发商签收人"), max_length=50, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_by_name = models.CharField(_("开发商完成签字人"), max_length=50, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.FileField(_("签字扫描件"), upload_to="contact-sheets/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("工作联系单")
        verbose_name_plural = _("工作联系单")

    def __str__(self) -> str:
        return f"{self.work_order} {self.get_step_display()}"


class FollowUp(models.Model):
    """A planned follow-up of a communication-class matter (沟通类)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="follow_ups")
    due_at = models.DateTimeField(_("计划跟进时间"))
    note = models.CharField(_("跟进事项"), max_length=200)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("跟进结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("跟进计划")
        verbose_name_plural = _("跟进计划")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.work_order} {self.due_at:%m-%d}"


class WeeklyApproval(models.Model):
    """The repair manager's Monday approval of the week's repair task orders (R-WO-6)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("批准")
        RETURNED = "returned", _("退回")

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField(_("周一"))
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("意见"), blank=True)
    order_count = models.PositiveIntegerField(_("工作单数"), default=0)

    class Meta:
        verbose_name = _("周维修任务审批")
        verbose_name_plural = _("周维修任务审批")
        ordering = ["-week_start", "-decided_at"]

    def __str__(self) -> str:
        return f"{self.service_center} {self.week_start} {self.get_decision_display()}"
