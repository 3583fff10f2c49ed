"""The numbers a filing is pre-filled with, counted through the other apps' selectors for the filing's place
(its project, or its whole center) and period, as the drafter may see them.

The quarterly report's sections (004 篇2): security, cleaning, greening, facilities, customer service and
complaints; greening has no records in the system and is written by hand. The same figures serve the brief and
the half-month statistics (business figures, complaints and suggestions).
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.complaints.choices import Category, ResponsibilityClass
from propdesk.complaints.models import Complaint
from propdesk.engagement.selectors import interviews_for
from propdesk.tickets.choices import OPEN_STATUSES, Kind, Status
from propdesk.tickets.selectors import ticket_list

# (section, key, label): the order of the print page and the xlsx.
FIGURES = (
    ("security", "complaints_security", _("安全秩序类投诉")),
    ("cleaning", "complaints_environment", _("环境卫生类投诉")),
    ("facilities", "repairs_received", _("报修受理")),
    ("facilities", "repairs_done", _("报修完成")),
    ("facilities", "complaints_repair", _("设施维修类投诉")),
    ("customer_service", "consultations", _("咨询")),
    ("customer_service", "suggestions", _("建议")),
    ("customer_service", "praises", _("表扬")),
    ("customer_service", "special_services", _("特约服务")),
    ("customer_service", "feedback", _("信息反馈")),
    ("customer_service", "interviews", _("客户访谈")),
    ("complaints", "complaints_total", _("投诉总数")),
    ("complaints", "complaints_class_1", _("一类投诉")),
    ("complaints", "complaints_class_2", _("二类投诉")),
    ("complaints", "complaints_class_3", _("三类投诉")),
    ("complaints", "complaints_open", _("未办结投诉")),
)
SECTION_LABELS = {
    "security": _("保安"),
    "cleaning": _("保洁"),
    "greening": _("绿化"),
    "facilities": _("设备设施"),
    "customer_service": _("客户服务"),
    "complaints": _("投诉"),
}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)


def _tickets(user, filing) -> dict[str, int]:
    qs = ticket_list(
        user=user, community_id=filing.community_id, received_from=filing.period_start, received_to=filing.period_end
    ).filter(service_center_id=filing.service_center_id)
    done = [Status.RESOLVED, Status.CLOSED]
    return qs.order_by().aggregate(
        repairs_received=Count("pk", filter=Q(kind=Kind.REPAIR)),
        repairs_done=Count("pk", filter=Q(kind=Kind.REPAIR, status__in=done)),
        consultations=Count("pk", filter=Q(kind=Kind.CONSULTATION)),
        suggestions=Count("pk", filter=Q(kind=Kind.SUGGESTION)),
        praises=Count("pk", filter=Q(kind=Kind.PRAISE)),
        special_services=Count("pk", filter=Q(kind=Kind.SPECIAL_SERVICE)),
        feedback=Count("pk", filter=Q(kind=Kind.FEEDBACK)),
    )


def _complaints(user, filing) -> dict[str, int]:
    since, until = _bounds(filing.period_start, filing.period_end)
    qs = Complaint.objects.visible_to(user).filter(
        service_center_id=filing.service_center_id, created_at__gte=since, created_at__lt=until
    )
    if filing.community_id:
        qs = qs.filter(community_id=filing.community_id)
    return qs.order_by().aggregate(
        complaints_total=Count("pk"),
        complaints_security=Count("pk", filter=Q(category=Category.SECURITY)),
        complaints_environment=Count("pk", filter=Q(category=Category.ENVIRONMENT)),
        complaints_repair=Count("pk", filter=Q(category=Category.REPAIR)),
        complaints_class_1=Count("pk", filter=Q(responsibility_class=ResponsibilityClass.OUR_SERVICE)),
        complaints_class_2=Count("pk", filter=Q(responsibility_class=ResponsibilityClass.DEVELOPER)),
        complaints_class_3=Count("pk", filter=Q(responsibility_class=ResponsibilityClass.EXTERNAL)),
        complaints_open=Count("pk", filter=Q(ticket__status__in=sorted(OPEN_STATUSES))),
    )


def _interviews(user, filing) -> int:
    qs = interviews_for(user=user, community=filing.community, date_from=filing.period_start, date_to=filing.period_end)
    return qs.filter(community__service_center_id=filing.service_center_id).order_by().count()


def compute(user, filing) -> dict[str, int]:
    """Every figure of ``filing``'s place and period, as ``user`` may count them."""
    figures = {**_tickets(user, filing), **_complaints(user, filing)}
    figures["interviews"] = _interviews(user, filing)
    return {key: int(figures.get(key) or 0) for _section, key, _label in FIGURES}


def rows(filing) -> list[tuple[str, str, str, int]]:
    """``(section label, key, label, value)`` for the page, the print sheet and the xlsx."""
    return [
        (str(SECTION_LABELS[section]), key, str(label), int(filing.figures.get(key, 0)))
        for section, key, label in FIGURES
    ]
