"""The visitor register's vocabulary: identity documents, purposes of a visit, invitation states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU = "hk_macau", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    OTHER = "other", _("其他证件")


class Purpose(models.TextChoices):
    VISIT = "visit", _("探亲访友")
    DELIVERY = "delivery", _("快递外卖")
    CONTRACTOR = "contractor", _("装修施工")
    SERVICE = "service", _("上门服务")
    BUSINESS = "business", _("商务办事")
    OTHER = "other", _("其他")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待到访")
    USED = "used", _("已到访")
    CANCELLED = "cancelled", _("已取消")


class VisitEventKind(models.TextChoices):
    CHECKED_IN = "checked_in", _("进入登记")
    CHECKED_OUT = "checked_out", _("离开登记")
    REVEALED = "revealed", _("查看证件号码")
    ID_ERASED = "id_erased", _("证件号码已按期删除")
    WATCH_ALERT = "watch_alert", _("布控预警")
    HOST_CALLED = "host_called", _("致电住户")
    HOST_CONFIRMED = "host_confirmed", _("住户已确认")


class InvitationEventKind(models.TextChoices):
    CREATED = "created", _("预约登记")
    USED = "used", _("凭码进入")
    CANCELLED = "cancelled", _("取消预约")


class WatchKind(models.TextChoices):
    PERSON = "person", _("人员")
    PLATE = "plate", _("车辆")


class PeakSlot(models.TextChoices):
    """The peak hours at the gate (R-CV-5, 002 §5.3): the CS supervisor, the security manager and the team
    leader stand at the gate to recognise owners and register outsiders."""

    MORNING = "morning", _("早高峰 7:30–8:30")
    NOON = "noon", _("午间 12:00–13:00")
    EVENING = "evening", _("晚高峰 18:00–19:00")


class TenantEventKind(models.TextChoices):
    REGISTERED = "registered", _("租户暂住登记")
    RENEWED = "renewed", _("续租")
    ENDED = "ended", _("退租")
    REVEALED = "revealed", _("查看证件号码")
    ID_ERASED = "id_erased", _("证件号码已按期删除")
