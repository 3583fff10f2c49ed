"""A service center's complaint settings: the window in which similar complaints count as one collective
complaint (R-CP-4, 24 h by default), set by the center's manager; each change is a master-data event."""

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.permissions import require

from .. import similarity
from ..models import ComplaintSettings

MIN_WINDOW, MAX_WINDOW = 30, 7 * 24 * 60


@transaction.atomic
def complaint_settings_set(*, actor, service_center, collective_window_minutes: int) -> ComplaintSettings:
    """Set the center's collective-complaint window (30 minutes … 7 days)."""
    row = ComplaintSettings.objects.select_for_update().filter(service_center=service_center).first()
    row = row or ComplaintSettings(service_center=service_center)
    require(actor, "complaint_settings.change", row, _("只有服务中心经理可以设置集体投诉时间窗"))
    if not isinstance(collective_window_minutes, int) or not MIN_WINDOW <= collective_window_minutes <= MAX_WINDOW:
        raise field_error("collective_window_minutes", _("时间窗须在 30 分钟到 7 天（10080 分钟）之间"), "out_of_range")
    before = row.collective_window_minutes if row.pk else similarity.DEFAULT_WINDOW_MINUTES
    row.collective_window_minutes = collective_window_minutes
    row.save()
    record_event(
        actor=actor,
        verb="complaint_settings.changed",
        target=row,
        data={"collective_window_minutes": [before, collective_window_minutes]},
    )
    return row
