"""The monthly bulletin rule (R-PB-8, 001 §4.6.4): every community gets at least one notice a month on law,
safety, hygiene, environment or company goals; from the 25th a month without one is flagged to the center's
manager, once per community and month."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role

from ..choices import Audience, NoticeStatus, Topic
from ..models import Notice
from .common import center_staff

FLAG_DAY = 25
SHOWN = (NoticeStatus.POSTED, NoticeStatus.EXPIRED, NoticeStatus.SCHEDULED)


def month_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def communities_without_bulletin(now: dt.datetime) -> list[Community]:
    start = month_start(now)
    bulletins = Notice.objects.filter(status__in=SHOWN, publish_at__gte=start, publish_at__lte=now).exclude(
        topic=Topic.NONE
    )
    covered = set(bulletins.filter(community__isnull=False).values_list("community_id", flat=True))
    centers = set(bulletins.filter(audience=Audience.CENTER).values_list("service_center_id", flat=True))
    companies = set(
        bulletins.filter(audience=Audience.COMPANY).values_list("service_center__branch__company_id", flat=True)
    )
    missing = Community.objects.exclude(
        Q(pk__in=covered) | Q(service_center__in=centers) | Q(service_center__branch__company__in=companies)
    )
    return list(missing.select_related("service_center").order_by("pk"))


def flag_missing_bulletins(*, now: dt.datetime | None = None) -> int:
    """From the 25th: tell each center manager which of their communities had no bulletin notice this month."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.day < FLAG_DAY:
        return 0
    flagged = 0
    for community in communities_without_bulletin(now):
        with transaction.atomic():
            sent = notify(
                recipients=center_staff(community.service_center, [Role.CENTER_MANAGER]),
                message=Message(
                    kind="notices.bulletin_missing",
                    subject=t(
                        N_("%(community)s 本月（%(month)s）尚未发布法规、安全、卫生、环保或公司目标宣传通告"),
                        community=community.name,
                        month=f"{local:%Y-%m}",
                    ),
                    url=reverse("notices:list"),
                ),
                dedupe=f"notices.bulletin:{community.pk}:{local:%Y-%m}",
            )
        flagged += bool(sent)
    return flagged
