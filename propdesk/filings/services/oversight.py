"""The business-management department's yearly sampling of the reports (at least one report per project a
year, 001 §4.3.1 B) and the company's deadline setting."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import can, require
from propdesk.org.models import Company

from ..choices import EventKind, FilingKind, FilingStatus, HolidayRule
from ..models import Filing, FilingSettings, SamplingCheck, SamplingResult
from .common import lock, record

SAMPLED_KINDS = (FilingKind.QUARTERLY, FilingKind.BRIEF)


@transaction.atomic
def sampling_record(*, actor, filing: Filing, result: str, note: str = "") -> SamplingCheck:
    """Record the check of one report (a quarterly report or a brief that has been submitted)."""
    require(actor, "filing.sample", filing, _("只有公司业务管理部可以抽查报告"))
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if filing.kind not in SAMPLED_KINDS:
        raise field_error("filing", _("只抽查管理服务报告和工作简报"), "kind")
    if filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise field_error("filing", _("报告尚未提交，不能抽查"), "not_submitted")
    if result not in SamplingResult.values:
        raise field_error("result", _("请选择抽查结论"), "invalid_choice")
    check = SamplingCheck.objects.create(
        filing=filing,
        year=filing.period_start.year,
        result=result,
        note=clean_text(note, "note", required=False, limit=300),
        checked_by=actor,
    )
    record(filing, EventKind.SAMPLED, actor, result=result)
    return check


@transaction.atomic
def settings_change(
    *, actor, company: Company, holiday_rule: str, half_month_days: int, expected_version: int | None
) -> FilingSettings:
    """The company decides how a deadline on a day off moves and how long the half-month statistics take."""
    if not can(actor, "filing_settings.change") or not Company.objects.visible_to(actor).filter(pk=company.pk).exists():
        raise PermissionDenied(_("只有公司业务管理部可以修改报告期限设置"))
    setting, _created = FilingSettings.objects.get_or_create(company=company)
    setting = lock(FilingSettings, setting, expected_version)
    errors = {}
    if holiday_rule not in HolidayRule.values:
        errors["holiday_rule"] = [_("请选择期限遇节假日的处理方式")]
    if not isinstance(half_month_days, int) or not 1 <= half_month_days <= 15:
        errors["half_month_days"] = [_("报送天数须在 1 到 15 之间")]
    if errors:
        raise ValidationError(errors)
    FilingSettings.objects.filter(pk=setting.pk).update(
        holiday_rule=holiday_rule, half_month_days=half_month_days, version=F("version") + 1
    )
    setting.refresh_from_db()
    return setting
