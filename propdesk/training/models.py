"""Training for new procedures (新制度、新流程培训, R-IC-5, 000 §3.2.4): a department registers a procedure and who
must be trained on it, the center manager approves it, HR schedules sessions and records attendance; each
person to train is a ``Trainee`` row until trained."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import DomainEvent
from propdesk.core.scoping import ScopedQuerySet

from .choices import Mark, ProcedureEventKind, ProcedureStatus


class Procedure(models.Model):
    """A new procedure (制度/工作流程) of a department and the scope of its training, approved before any session."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="procedures"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("制定部门"), on_delete=models.PROTECT, related_name="procedures"
    )
    # A company functional department's procedure is approved by that department (公司职能部门负责人).
    issued_by_company = models.BooleanField(_("公司职能部门制定"), default=False)
    title = models.CharField(_("名称"), max_length=100)
    summary = models.TextField(_("内容摘要"), blank=True)
    document = models.FileField(_("文件"), upload_to="training/", blank=True)
    effective_on = models.DateField(_("生效日期"))
    due_on = models.DateField(_("培训完成期限"))
    pass_mark = models.PositiveSmallIntegerField(_("合格分数"), null=True, blank=True)
    target_roles = models.JSONField(_("培训岗位"), default=list, blank=True)
    target_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("培训部门"), blank=True, related_name="+"
    )
    target_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("指定人员"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ProcedureStatus.choices, default=ProcedureStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("新程序")
        verbose_name_plural = _("新程序")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == ProcedureStatus.APPROVED


class ProcedureEvent(DomainEvent):
    subject_field = "procedure"
    procedure = models.ForeignKey(Procedure, verbose_name=_("新程序"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=20, choices=ProcedureEventKind.choices)

    class Meta(DomainEvent.Meta):
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")


class Trainee(models.Model):
    """One person who must be trained on a procedure, from approval (or from joining a targeted role or
    department later) until trained."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("新程序"), on_delete=models.CASCADE, related_name="trainees"
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("培训对象"), on_delete=models.PROTECT, related_name="trainings"
    )
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    due_on = models.DateField(_("培训期限"))
    trained_at = models.DateTimeField(_("完成培训时间"), null=True, blank=True)
    trained_session = models.ForeignKey(
        "Session", verbose_name=_("培训场次"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_flagged_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("培训对象")
        verbose_name_plural = _("培训对象")
        ordering = ["procedure", "id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "user"], name="training_trainee_uniq")]
        indexes = [models.Index(fields=["trained_at", "due_on"], name="training_trainee_open_idx")]

    def __str__(self) -> str:
        return f"{self.procedure} · {self.user}"

    def is_overdue(self, today) -> bool:
        return self.trained_at is None and self.due_on < today


class Session(models.Model):
    """A training session (培训场次) HR schedules for an approved procedure: when, where, who trains, how many."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("新程序"), on_delete=models.PROTECT, related_name="sessions"
    )
    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("培训时间"))
    place = models.CharField(_("地点"), max_length=100)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("培训讲师"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(_("名额"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("安排人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("安排时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center"}

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.procedure} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """One trainee on a session's sign-in sheet: invited, signed in (with the time and an optional quiz score)
    or absent."""

    session = models.ForeignKey(Session, verbose_name=_("培训场次"), on_delete=models.CASCADE, related_name="sheet")
    trainee = models.ForeignKey(
        Trainee, verbose_name=_("培训对象"), on_delete=models.CASCADE, related_name="attendances"
    )
    mark = models.CharField(_("签到"), max_length=16, choices=Mark.choices, default=Mark.INVITED)
    invited_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("测验分数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="training_attendance_uniq")]

    def __str__(self) -> str:
        return f"{self.session} · {self.trainee.user}"
