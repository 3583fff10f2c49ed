"""The drafter behind core.publishing: another app's text (a survey's results, a forum summary, the monthly
complaint summary) becomes a DRAFT notice through ``notice_create``, then goes through the normal chain."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.publishing import NoticeDraft
from propdesk.org.models import ServiceCenter

from ..choices import Audience
from ..models import Notice
from .editing import notice_create

MAX_VALID_DAYS = 366


def draft_from_publishing(*, actor, draft: NoticeDraft) -> int:
    """Create the draft notice ``draft`` describes as ``actor``; returns its id. The actor needs the right to
    draft notices for the center (PermissionDenied otherwise); the fields are checked like a typed-in notice."""
    center = ServiceCenter.objects.select_related("branch").filter(pk=draft.service_center_id).first()
    if center is None:
        raise ValidationError({"service_center": [_("服务中心不存在")]})
    days = draft.valid_days if isinstance(draft.valid_days, int) else 0
    if not 1 <= days <= MAX_VALID_DAYS:
        raise ValidationError({"valid_days": [_("有效天数须在 1 至 %(n)s 之间") % {"n": MAX_VALID_DAYS}]})
    now = timezone.now()
    data = {
        "kind": draft.kind or "info",
        "title": draft.title,
        "body": draft.body,
        "language": draft.language,
        "audience": Audience.COMMUNITY if draft.community_id else Audience.CENTER,
        "community_id": draft.community_id,
        "valid_from": now,
        "valid_until": now + dt.timedelta(days=days),
        "source": draft.source,
    }
    notice: Notice = notice_create(actor=actor, service_center=center, data=data)
    return notice.pk
