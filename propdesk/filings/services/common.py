"""What the filing services share: the row lock with its version check, the company's deadline setting and the
day rules, the history."""

from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion
from propdesk.sla.rules import day_rules

from ..choices import HolidayRule
from ..models import Filing, FilingEvent, FilingSettings


def lock(model, obj, expected_version: int | None):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该报告已被他人修改，请刷新后再操作"), code="stale_version")
    return locked


def settings_of(company) -> FilingSettings:
    """The company's setting (the defaults when it has chosen none: previous working day, three days)."""
    found = FilingSettings.objects.filter(company=company).first()
    return found or FilingSettings(company=company, holiday_rule=HolidayRule.PREVIOUS, half_month_days=3)


def rules():
    return day_rules()


def record(filing: Filing, kind: str, actor, **data) -> FilingEvent:
    return FilingEvent.record(filing, kind, actor, **data)
