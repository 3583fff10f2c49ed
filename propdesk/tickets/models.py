"""The ticket core: every matter that needs follow-up, its append-only history, customer replies,
links between tickets and attachments (R-IN-3 … R-IN-6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet, get_scope
from propdesk.org.choices import DepartmentKind, Role

from .choices import OPEN_STATUSES, Channel, EventKind, Kind, LinkKind, Priority, ReplyMethod, Source, Status

# Field staff see only the tickets assigned to them, not every ticket of their community.
FIELD_ROLES = frozenset({Role.TECHNICIAN, Role.HOUSEKEEPER, Role.SECURITY_GUARD})


class TicketQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        scope = get_scope(user)
        if scope.unrestricted:
            return self.all()
        desk_communities = [c for c in scope.community if scope.roles_in_community(c) - FIELD_ROLES]
        condition = Q(pk__in=[])
        if desk_communities:
            condition |= Q(community__in=sorted(desk_communities))
        if scope.community:
            condition |= Q(community__in=sorted(scope.community), assignee=user)
        if scope.household:
            condition |= Q(household__in=sorted(scope.household))
        return self.filter(condition)

    def open(self) -> "TicketQuerySet":
        from .choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Ticket(models.Model):
    """A matter received from a customer or a superior department that someone must follow up."""

    number = models.CharField(_("编号"), max_length=32)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="tickets"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="tickets"
    )
    unit = models.ForeignKey(
        "communities.Unit", verbose_name=_("房号"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "communities.Household",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    resident = models.ForeignKey(
        "communities.Resident",
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # A public place (地库 B2、3栋大堂、东门岗亭) where a matter concerns no room.
    location = models.CharField(_("位置"), max_length=100, blank=True, help_text=_("公共区域，如：地库 B2、3栋大堂"))
    # When the customer would like someone to come (a resident's request from the portal): a window.
    preferred_from = models.DateTimeField(_("期望上门开始"), null=True, blank=True)
    preferred_to = models.DateTimeField(_("期望上门结束"), null=True, blank=True)
    contact_name = models.CharField(_("联系人姓名"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("摘要"), max_length=100)
    content = models.TextField(_("内容"))
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.CUSTOMER)
    source_detail = models.CharField(
        _("来源说明"), max_length=100, blank=True, help_text=_("如：集团客服中心、开发商项目部、公司品质部")
    )
    received_at = models.DateTimeField(_("接报时间"), db_index=True)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接报人"), on_delete=models.PROTECT, related_name="+"
    )
    # R-IN-5: the first employee to receive the matter owns it until it is handed off.
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("首问责任人"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "org.Department",
        verbose_name=_("负责部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    handed_off_at = models.DateTimeField(_("转交时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service_center", "number"], name="tickets_number_per_center_uniq"),
        ]
        indexes = [
            models.Index(fields=["community", "-received_at", "-id"], name="tickets_comm_recv_idx"),
            # The list's order for users who see much of the table: walked newest first, stopping after a page.
            models.Index(fields=["-received_at", "-id"], name="tickets_recv_idx"),
            models.Index(fields=["community", "status", "-received_at"], name="tickets_comm_status_idx"),
            models.Index(fields=["household", "-received_at"], name="tickets_household_idx"),
            # The front desk's lookup: a household's open tickets, without reading its whole history.
            models.Index(
                fields=["household", "-received_at"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="tickets_household_open_idx",
            ),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_idx"),
            models.Index(fields=["number"], name="tickets_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_backfilled(self) -> bool:
        """Entered noticeably after it was received (paper records entered after an outage, R-IN-6)."""
        return (self.entered_at - self.received_at).total_seconds() > 600

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_with_control_center(self) -> bool:
        """Handed to the control center (or given to one of its people): handing it off again changes nothing."""
        return self.team_id is not None and self.team.kind == DepartmentKind.CONTROL_CENTER

    @property
    def place(self) -> str:
        """Where the matter is, as people say it: the room, the public place, or both."""
        room = self.unit.label if self.unit_id else ""
        return " ".join(part for part in (room, self.location) if part)


class TicketCounter(models.Model):
    """The last number issued per service center, number prefix and day."""

    service_center = models.ForeignKey("org.ServiceCenter", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=4)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service_center", "prefix", "day"], name="tickets_counter_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.day:%Y%m%d} {self.last}"


class TicketEvent(DomainEvent):
    """One append-only row of a ticket's history: who, when, what, from which state to which, why."""

    subject_field = "ticket"

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices, blank=True)

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="tickets_event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Reply(models.Model):
    """A reply given to the customer, with their opinion (R-CP-6, R-IN-5)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="replies")
    at = models.DateTimeField(_("答复时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("答复方式"), max_length=20, choices=ReplyMethod.choices)
    content = models.TextField(_("答复内容"))
    customer_opinion = models.TextField(_("客户意见"), blank=True)
    satisfied = models.BooleanField(_("客户满意"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户答复")
        verbose_name_plural = _("客户答复")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_method_display()} {self.at:%Y-%m-%d %H:%M}"


class TicketLink(models.Model):
    """A link between two tickets: ``from_ticket`` is a duplicate of / parent of / related to ``to_ticket``."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(_("关系"), max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("工单关联")
        verbose_name_plural = _("工单关联")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket", "kind"], name="tickets_link_uniq"),
            models.CheckConstraint(condition=~Q(from_ticket=models.F("to_ticket")), name="tickets_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket_id} {self.get_kind_display()} {self.to_ticket_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    now = timezone.localtime()
    return f"attachments/{now:%Y/%m}/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    """A photo or scan attached to a ticket (type and size checked by the service)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
