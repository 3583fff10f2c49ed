"""Cross-cutting records: the event base of every timeline, the generic event log and the personal-data access audit."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """The abstract base of every aggregate's history (a ticket's, a work order's…): append-only rows of
    who did what, when, from which state to which, why, with the details as data.

    A concrete event model adds the foreign key to its aggregate, names it in ``subject_field``, and
    narrows ``kind``/``from_status``/``to_status`` to its own vocabulary (its app's ``events.py``).
    Only the aggregate's own app writes its events (``record``); nothing is updated or deleted.
    """

    subject_field = ""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("动作"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When a dispatcher acts for someone without a phone, both are recorded.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为操作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @classmethod
    def record(cls, subject, kind: str, actor=None, *, reason: str = "", on_behalf_of=None, **data):
        """Append one event to ``subject``'s history (``from_status``/``to_status`` may be in ``data``)."""
        return cls.objects.create(
            **{cls.subject_field: subject},
            kind=kind,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            on_behalf_of=on_behalf_of,
            from_status=data.pop("from_status", ""),
            to_status=data.pop("to_status", ""),
            reason=reason,
            data=data,
        )

    @property
    def actor_name(self) -> str:
        from .people import person_name

        return person_name(self.actor)


class Event(models.Model):
    """One append-only row per change to a domain object: who did what, to what, when and why.

    Domain apps with a rich timeline (tickets, work orders) keep their own event tables;
    this one records changes to master data and other objects without a timeline of their own.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("动作"), max_length=64)
    target_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    target_id = models.CharField(_("对象编号"), max_length=64)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    # The service center the target belongs to (None for company-wide objects): who may read the row.
    service_center_id = models.PositiveIntegerField(_("服务中心"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="core_event_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_repr}"


class PersonalDataAccess(models.Model):
    """Audit row written every time a staff member reveals a masked phone or id number, or calls it.

    The purpose says what the clear value was for: shown to a desk that may reveal it (with the reason
    given), or dialled by the worker assigned to a job (the subject is the work order, never shown).
    """

    class Field(models.TextChoices):
        PHONE = "phone", _("电话")
        ID_NUMBER = "id_number", _("证件号码")

    class Purpose(models.TextChoices):
        REVEAL = "reveal", _("查看")
        CALL = "call", _("拨打电话")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    subject_repr = models.CharField(_("对象"), max_length=200)
    field = models.CharField(_("字段"), max_length=16, choices=Field.choices)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices, default=Purpose.REVEAL)
    reason = models.CharField(_("查看原因"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The service center of the person whose data was revealed: who may read the audit row.
    service_center_id = models.PositiveIntegerField(_("服务中心"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="core_pda_subject_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} → {self.subject_repr} ({self.get_field_display()})"


class PhoneSearch(models.Model):
    """Audit row written for every search by phone number (the desk's lookup, the ticket search), by
    anyone, whether it found something or was refused.

    The number is kept masked and as a keyed digest (``core.masking.phone_digest``), never in clear: an
    auditor finds the searches for one number by typing it into the admin's search box.
    """

    class Source(models.TextChoices):
        DESK = "desk", _("接待台查询")
        TICKETS = "tickets", _("工单搜索")
        CALLS = "calls", _("来电来访记录搜索")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查询人"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("查询入口"), max_length=16, choices=Source.choices)
    number_masked = models.CharField(_("查询号码（脱敏）"), max_length=32)
    number_digest = models.CharField(_("号码摘要"), max_length=64, db_index=True)
    complete = models.BooleanField(_("完整号码"), default=False)
    refused = models.BooleanField(
        _("已拒绝"), default=False, help_text=_("号码不完整，且查询人无权查看完整号码，未执行查询")
    )
    matches = models.PositiveIntegerField(
        _("匹配数"), default=0, help_text=_("接待台查询为住户数，其他为工单数或来电来访记录数")
    )
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The searcher's service center (or, for someone who works for several, the one center of what was
    # found): who may read the row.
    service_center_id = models.PositiveIntegerField(_("服务中心"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("电话查询记录")
        verbose_name_plural = _("电话查询记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.number_masked} ({self.get_source_display()})"
