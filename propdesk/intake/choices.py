from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("当场答复")
    TICKET = "ticket", _("已生成工单")
    FOLLOW_UP = "follow_up", _("跟进已有工单")
    TRANSFERRED = "transferred", _("已转相关部门")
    RECORDED = "recorded", _("仅登记")
