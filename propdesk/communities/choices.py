"""Choices of the community master data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    OWNER = "owner", _("业主")
    TENANT = "tenant", _("租户")
    FAMILY = "family", _("家庭成员")


class SpecialCustomerKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    SCHOOL = "school", _("学校")
    SHOP = "shop", _("商铺")
    MALL = "mall", _("商场")
    CLUBHOUSE = "clubhouse", _("会所")
    CANTEEN = "canteen", _("食堂")


class VendorCategory(models.TextChoices):
    TELECOM = "telecom", _("电信")
    BROADBAND = "broadband", _("宽带")
    WATER_HEATER = "water_heater", _("热水器")
    VIDEO_INTERCOM = "video_intercom", _("可视对讲")
    SECURITY_DOOR = "security_door", _("防盗门")
    ELEVATOR = "elevator", _("电梯")
    GAS = "gas", _("燃气")
    WATER = "water", _("供水")
    POWER = "power", _("供电")
    OTHER = "other", _("其他")
