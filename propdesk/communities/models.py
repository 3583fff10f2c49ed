"""Communities and everything in them: buildings, units, households, residents, special customers,
plus the outside parties a center deals with: developers and external units (SPEC §1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from propdesk.core.scoping import ScopedQuerySet

from .choices import Relation, SpecialCustomerKind, VendorCategory
from .validators import normalize_phone, validate_id_number, validate_phone


class Developer(models.Model):
    """A developer (开发商/地产公司) with its project department and customer-service center contacts."""

    company = models.ForeignKey(
        "org.Company", verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="developers"
    )
    name = models.CharField(_("名称"), max_length=100)
    project_dept_contact = models.CharField(_("项目部联系人"), max_length=50, blank=True)
    project_dept_phone = models.CharField(_("项目部电话"), max_length=20, blank=True, validators=[validate_phone])
    cs_center_contact = models.CharField(_("客服中心联系人"), max_length=50, blank=True)
    cs_center_phone = models.CharField(_("客服中心电话"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("邮箱"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"member_company": "company"}

    class Meta:
        verbose_name = _("开发商")
        verbose_name_plural = _("开发商")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="communities_developer_name_uniq")]

    def __str__(self) -> str:
        return self.name


class Vendor(models.Model):
    """An external unit (外联单位): telecom, broadband, water heater, video intercom, security door…"""

    company = models.ForeignKey(
        "org.Company", verbose_name=_("物业公司"), on_delete=models.PROTECT, related_name="vendors"
    )
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=32, choices=VendorCategory.choices)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, validators=[validate_phone])
    email = models.EmailField(_("邮箱"), blank=True)
    promised_response_hours = models.PositiveIntegerField(
        _("承诺响应时限（小时）"), default=24, help_text=_("外联单位承诺上门或答复的时限")
    )
    communities = models.ManyToManyField("Community", verbose_name=_("服务小区"), blank=True, related_name="vendors")
    is_active = models.BooleanField(_("合作中"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"member_company": "company"}

    class Meta:
        verbose_name = _("外联单位")
        verbose_name_plural = _("外联单位")
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="communities_vendor_name_uniq")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class Community(models.Model):
    """A community / project (小区/项目) run by one service center."""

    service_center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=20, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    household_count = models.PositiveIntegerField(
        _("总户数"), default=0, help_text=_("项目的设计总户数，用于访谈计划等；与系统中已登记的住户数可能不同")
    )
    single_owner = models.BooleanField(
        _("单一业主物业"), default=False, help_text=_("单一业主或少于 10 个业主的物业按月出具工作简报")
    )
    handover_date = models.DateField(_("交付日期"), null=True, blank=True)
    developer = models.ForeignKey(
        Developer, verbose_name=_("开发商"), null=True, blank=True, on_delete=models.PROTECT, related_name="communities"
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "pk", "resident_community": "pk"}

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """A building (楼栋) with the developer responsible for it and its housing-quality warranty."""

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=20, help_text=_("如 3栋、A座"))
    developer = models.ForeignKey(
        Developer, verbose_name=_("开发商"), null=True, blank=True, on_delete=models.PROTECT, related_name="buildings"
    )
    warranty_end = models.DateField(_("保修截止日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="communities_building_name_uniq")]

    def __str__(self) -> str:
        return f"{self.community} {self.name}"


class Unit(models.Model):
    """A room (房号), written the way residents say it: 3栋2单元1202."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    entrance = models.CharField(_("单元"), max_length=20, blank=True, help_text=_("如 2单元；没有单元的楼栋留空"))
    number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(_("建筑面积（㎡）"), max_digits=8, decimal_places=2, null=True, blank=True)
    warranty_end = models.DateField(_("保修截止日期"), null=True, blank=True, help_text=_("留空则按楼栋的保修截止日期"))
    # "3-2-1202": digits of building, entrance and number, for fast lookup at the front desk.
    code = models.CharField(_("房号编码"), max_length=40, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "building__community", "resident_unit": "pk"}

    class Meta:
        verbose_name = _("房号")
        verbose_name_plural = _("房号")
        ordering = ["building", "entrance", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance", "number"], name="communities_unit_room_uniq")
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.code = unit_code(self.building.name, self.entrance, self.number)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.building.name}{self.entrance}{self.number}"

    @property
    def effective_warranty_end(self):
        return self.warranty_end or self.building.warranty_end


def unit_code(building: str, entrance: str, number: str) -> str:
    """'3栋', '2单元', '1202' → '3-2-1202' (non-digit labels are kept as they are)."""
    return "-".join(part for part in (_short(building), _short(entrance), _short(number)) if part)


def _short(label: str) -> str:
    label = (label or "").strip()
    for suffix in ("号楼", "栋", "幢", "座", "单元", "室", "号"):
        if label.endswith(suffix) and len(label) > len(suffix):
            return label[: -len(suffix)]
    return label


class Household(models.Model):
    """The household (户) living in a unit. When it moves out it is deactivated, never deleted."""

    unit = models.ForeignKey(Unit, verbose_name=_("房号"), on_delete=models.PROTECT, related_name="households")
    is_active = models.BooleanField(_("在住"), default=True)
    moved_in = models.DateField(_("入住日期"), null=True, blank=True)
    moved_out = models.DateField(_("迁出日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "unit__building__community", "household": "pk"}

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_active=True), name="communities_one_active_household_per_unit"
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)


class Resident(models.Model):
    """A person of a household: owner, tenant or family member. ``user`` links a portal login."""

    household = models.ForeignKey(Household, verbose_name=_("住户"), on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True, db_index=True, validators=[validate_phone])
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True, validators=[validate_id_number])
    relation = models.CharField(_("身份"), max_length=16, choices=Relation.choices, default=Relation.OWNER)
    is_active = models.BooleanField(_("有效"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_records",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "household__unit__building__community", "household": "household"}

    class Meta:
        verbose_name = _("住户成员")
        verbose_name_plural = _("住户成员")
        ordering = ["household", "relation", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.household}）"

    def clean(self) -> None:
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.id_number:
            self.id_number = self.id_number.strip().upper()


class SpecialCustomer(models.Model):
    """A special customer (特殊顾客): kindergarten, school, shop, mall, clubhouse, canteen (R-PB-7, R-EN-4)."""

    community = models.ForeignKey(
        Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="special_customers"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=SpecialCustomerKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[validate_phone])
    unit = models.ForeignKey(Unit, verbose_name=_("房号"), null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"community": "community"}

    class Meta:
        verbose_name = _("特殊顾客")
        verbose_name_plural = _("特殊顾客")
        ordering = ["community", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if self.unit_id and self.community_id and self.unit.building.community_id != self.community_id:
            raise ValidationError({"unit": _("房号不属于该小区")})
