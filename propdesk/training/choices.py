"""The vocabularies of procedure training: a procedure's approval status, an attendance mark, event kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")


class Mark(models.TextChoices):
    INVITED = "invited", _("已通知")
    PRESENT = "present", _("已签到")
    ABSENT = "absent", _("缺席")


class ProcedureEventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    RESUBMITTED = "resubmitted", _("重新提交")
    DOCUMENT = "document", _("上传文件")
    APPROVED = "approved", _("批准")
    RETURNED = "returned", _("退回")
    TRAINEES_ADDED = "trainees_added", _("增加培训对象")
    SCHEDULED = "scheduled", _("安排培训")
    INVITED = "invited", _("通知参训")
    SIGNED_IN = "signed_in", _("签到")
    ABSENT = "absent", _("缺席")
    TRAINED = "trained", _("完成培训")
    OVERDUE = "overdue", _("逾期未培训提醒")
