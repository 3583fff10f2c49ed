"""Company → branch → service center → departments; staff and their role memberships (SPEC §1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from propdesk.core.scoping import ScopedQuerySet

from .choices import MEMBERSHIP_ROLES, DepartmentKind, Role, ScopeLevel, allowed_levels
from .seals import validate_seal


class Company(models.Model):
    """A property-management company (物业公司): the top of the organisation."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    code = models.SlugField(_("代码"), max_length=20, unique=True)
    hotline = models.CharField(_("服务热线"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"company": "pk"}

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = _("公司")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """A branch or subsidiary (分/子公司) of a company."""

    company = models.ForeignKey(Company, verbose_name=_("公司"), on_delete=models.PROTECT, related_name="branches")
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=20)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"company": "company", "branch": "pk"}

    class Meta:
        verbose_name = _("分公司")
        verbose_name_plural = _("分公司")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="org_branch_code_uniq")]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(models.Model):
    """A service center / management office (服务中心/管理处) that runs one or more communities."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("分公司"), on_delete=models.PROTECT, related_name="service_centers"
    )
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=20, unique=True, help_text=_("用于工单编号等，全公司唯一，如 HY01"))
    phone = models.CharField(_("服务电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # The center's business seal (业务专用章), placed on what goes to customers in print: notices, reply letters,
    # written reports (R-PB-2, R-CP-1). A PNG or JPEG, at most 512 KB; a transparent PNG prints best.
    seal = models.FileField(
        _("业务专用章图片"),
        upload_to="seals/",
        blank=True,
        validators=[validate_seal],
        help_text=_("PNG 或 JPEG，不超过 512 KB；透明背景的 PNG 打印效果最好"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"company": "branch__company", "branch": "branch", "service_center": "pk"}

    class Meta:
        verbose_name = _("服务中心")
        verbose_name_plural = _("服务中心")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of a service center, or a functional department of the company (quality, business)."""

    company = models.ForeignKey(Company, verbose_name=_("公司"), on_delete=models.PROTECT, related_name="departments")
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("公司职能部门（如品质部）留空"),
    )
    kind = models.CharField(_("类别"), max_length=32, choices=DepartmentKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"company": "company", "service_center": "service_center"}

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["service_center", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["service_center", "name"], name="org_department_name_uniq"),
        ]

    def __str__(self) -> str:
        if self.service_center_id:
            return f"{self.service_center} · {self.name}"
        return f"{self.company} · {self.name}"

    def clean(self) -> None:
        if self.service_center_id and self.company_id and self.service_center.branch.company_id != self.company_id:
            raise ValidationError({"service_center": _("服务中心不属于该公司")})


class StaffProfile(models.Model):
    """The employee behind a login: name, employee number, phone and department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.PROTECT, related_name="staff_profile"
    )
    name = models.CharField(_("姓名"), max_length=50)
    employee_no = models.CharField(_("工号"), max_length=20, unique=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    # The desk telephone's extension: calls ringing there pop up on this person's front desk (R-CV-1).
    extension = models.CharField(_("分机号"), max_length=20, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="staff")
    photo = models.ImageField(_("照片"), upload_to="staff/", blank=True)
    trades = models.JSONField(
        _("工种"), default=list, blank=True, help_text=_('维修/家政人员可承接的工种，如 ["plumbing", "electrical"]')
    )
    is_active = models.BooleanField(_("在职"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"company": "department__company", "service_center": "department__service_center"}

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["extension"], condition=~Q(extension=""), name="org_staff_extension_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"


class RoleMembership(models.Model):
    """A staff role held by a user in one scope: a company, branch, service center or community.

    A user may hold several (a CS supervisor of two centers; a manager who is also information
    manager). Ending a membership sets ``is_active`` to false; rows are never deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="role_memberships"
    )
    role = models.CharField(
        _("岗位"), max_length=32, choices=[(r.value, r.label) for r in Role if r in MEMBERSHIP_ROLES]
    )
    company = models.ForeignKey(Company, verbose_name=_("公司"), null=True, blank=True, on_delete=models.PROTECT)
    branch = models.ForeignKey(Branch, verbose_name=_("分公司"), null=True, blank=True, on_delete=models.PROTECT)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("服务中心"), null=True, blank=True, on_delete=models.PROTECT
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位授权")
        verbose_name_plural = _("岗位授权")
        ordering = ["user", "role"]
        indexes = [models.Index(fields=["user", "is_active"], name="org_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_object}"

    @property
    def scope_level(self) -> str | None:
        for level, attr in _LEVEL_ATTRS:
            if getattr(self, f"{attr}_id"):
                return level
        return None

    @property
    def scope_object(self):
        for _level, attr in _LEVEL_ATTRS:
            if getattr(self, f"{attr}_id"):
                return getattr(self, attr)
        return None

    def clean(self) -> None:
        set_levels = [level for level, attr in _LEVEL_ATTRS if getattr(self, f"{attr}_id")]
        if len(set_levels) != 1:
            raise ValidationError(_("岗位授权必须且只能指定一个范围（公司、分公司、服务中心或小区）"))
        if self.role and set_levels[0] not in allowed_levels(self.role):
            levels = "、".join(str(ScopeLevel(level).label) for level in sorted(allowed_levels(self.role)))
            raise ValidationError(
                {"role": _("岗位“%(role)s”只能授予到：%(levels)s") % {"role": Role(self.role).label, "levels": levels}}
            )


_LEVEL_ATTRS = (
    (ScopeLevel.COMPANY, "company"),
    (ScopeLevel.BRANCH, "branch"),
    (ScopeLevel.SERVICE_CENTER, "service_center"),
    (ScopeLevel.COMMUNITY, "community"),
)
