"""Opening a filing for its period (with its figures and the due date of every step), writing its text
sections and finance rows (entered or imported from .xlsx), attaching its document, refreshing its figures."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import can, require

from .. import deadlines, figures
from ..choices import EDITABLE, EventKind, FilingKind, chain_of
from ..models import Filing, FilingDeadline
from ..sections import SECTION_MAX, sections_of
from .common import lock, record, rules, settings_of

FINANCE_ROWS = 60
DOCUMENT_MAX = 10 * 1024 * 1024
DOCUMENT_TYPES = ("application/pdf", "image/png", "image/jpeg", "office")
# A new project is one handed over less than a year before the report's period starts.
NEW_PROJECT_DAYS = 365


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of ``kind`` that contains ``day``."""
    if kind == FilingKind.HALF_MONTH:
        return deadlines.half_month_bounds(day)
    if kind == FilingKind.QUARTERLY:
        return deadlines.quarter_bounds(day.year, (day.month - 1) // 3 + 1)
    if kind == FilingKind.BRIEF:
        return deadlines.month_start(day), deadlines.month_end(day)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _check_place(kind: str, service_center, community) -> None:
    if kind == FilingKind.HALF_MONTH:
        if community is not None:
            raise field_error("community", _("半月信息统计表按服务中心编制，不选项目"), "community_not_allowed")
        return
    if community is None or community.service_center_id != service_center.pk:
        raise field_error("community", _("请选择本服务中心的项目"), "required")
    few_owners = community.single_owner or community.household_count < 10
    if kind == FilingKind.QUARTERLY and few_owners:
        raise field_error("community", _("单一业主或少于 10 个业主的项目按月编制工作简报，不编制管理服务报告"), "kind")
    if kind == FilingKind.BRIEF and not few_owners:
        raise field_error("community", _("多产权项目按季度编制管理服务报告，不编制工作简报"), "kind")


def kind_of_upload(head: bytes, name: str) -> str | None:
    """``sniff_type``'s answer, or "office" for an .xlsx or .docx (a zip file by its first bytes)."""
    if head.startswith(b"PK\x03\x04") and name.lower().endswith((".xlsx", ".docx")):
        return "office"
    return sniff_type(head, name)


def needs_quality(kind: str, community, period_start: dt.date) -> bool:
    """The first two quarterly reports or briefs of a new project also need the quality center's approval."""
    if kind not in (FilingKind.QUARTERLY, FilingKind.BRIEF) or community is None or community.handover_date is None:
        return False
    if (period_start - community.handover_date).days >= NEW_PROJECT_DAYS:
        return False
    earlier = Filing.objects.filter(community=community, kind=kind, period_start__lt=period_start).count()
    return earlier < 2


def _deadlines(filing: Filing) -> None:
    company = filing.service_center.branch.company
    setting = settings_of(company)
    dates = deadlines.step_dates(filing.kind, filing.period_end, rules(), setting.holiday_rule, setting.half_month_days)
    FilingDeadline.objects.bulk_create(
        FilingDeadline(filing=filing, step=step, position=i, due_on=dates[step])
        for i, (step, _source, _target) in enumerate(chain_of(filing.kind, filing.needs_quality))
    )


def create(*, actor, kind: str, service_center, community, day: dt.date) -> Filing:
    """A filing of ``kind`` for the period containing ``day``, with its deadlines; figures counted by ``actor``
    (none when the worker opens it: the drafter refreshes them, and submitting counts them again)."""
    if kind not in FilingKind.values:
        raise field_error("kind", _("请选择报告类别"), "invalid_choice")
    _check_place(kind, service_center, community)
    start, end = period_of(kind, day)
    filing = Filing(
        service_center=service_center,
        community=community,
        kind=kind,
        period_start=start,
        period_end=end,
        needs_quality=needs_quality(kind, community, start),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:
        raise field_error("period", _("该期间的报告已经建立"), "duplicate") from None
    _deadlines(filing)
    if actor is not None:
        filing.figures = figures.compute(actor, filing)
        filing.figures_at = timezone.now()
        filing.save(update_fields=["figures", "figures_at"])
    record(filing, EventKind.CREATED, actor, to_status=filing.status)
    return filing


@transaction.atomic
def filing_open(*, actor, kind: str, service_center, community=None, day: dt.date) -> Filing:
    """Customer service opens a filing by hand (a remuneration-model project's budget, or a period not opened yet)."""
    require(actor, "filing.draft", Filing(service_center=service_center, community=community), _("您无权编制该报告"))
    return create(actor=actor, kind=kind, service_center=service_center, community=community, day=day)


def _editable(actor, filing: Filing, expected_version: int | None) -> Filing:
    require(actor, "filing.draft", filing, _("您无权修改该报告"))
    filing = lock(Filing, filing, expected_version)
    if filing.status not in EDITABLE:
        raise field_error("status", _("报告已提交，不能修改；如需修改请审核人退回"), "not_editable")
    return filing


def _clean_sections(kind: str, data: dict) -> dict:
    errors, out = {}, {}
    for key, _label in sections_of(kind):
        try:
            out[key] = clean_text(data.get(key), key, required=False, limit=SECTION_MAX)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out


def _amount(value, row: int) -> str:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise field_error("finance", _("第 %(n)d 行金额不是数字") % {"n": row}, "invalid") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise field_error("finance", _("第 %(n)d 行金额超出范围") % {"n": row}, "invalid")
    return str(amount.quantize(Decimal("0.01")))


def clean_finance(rows) -> list[list[str]]:
    """``[[item, amount], …]``: items named, amounts numbers with two decimals, at most 60 rows."""
    if not isinstance(rows, list | tuple):
        raise field_error("finance", _("财务收支格式不正确"), "invalid")
    if len(rows) > FINANCE_ROWS:
        raise field_error("finance", _("财务收支最多 %(n)d 行") % {"n": FINANCE_ROWS}, "too_many")
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise field_error("finance", _("第 %(n)d 行应为“项目、金额”两列") % {"n": i}, "invalid")
        item = clean_text(str(row[0] or ""), "finance", limit=100)
        out.append([item, _amount(row[1], i)])
    return out


@transaction.atomic
def filing_update(*, actor, filing: Filing, sections: dict, finance=None, expected_version: int | None) -> Filing:
    """Write the text sections (and, when given, the finance rows) of a draft or returned filing."""
    filing = _editable(actor, filing, expected_version)
    filing.sections = _clean_sections(filing.kind, sections or {})
    if finance is not None:
        filing.finance = clean_finance(finance)
    filing.version = F("version") + 1
    filing.save(update_fields=["sections", "finance", "version"])
    filing.refresh_from_db()
    record(filing, EventKind.EDITED, actor)
    return filing


def read_finance_xlsx(upload) -> list[list]:
    """The first two columns of the first sheet, from the second row (the first is the header); empty rows
    skipped."""
    from openpyxl import load_workbook

    head = upload.read(16)
    upload.seek(0)
    if kind_of_upload(head, upload.name or "") != "office" or not (upload.name or "").lower().endswith(".xlsx"):
        raise field_error("file", _("请上传 .xlsx 文件"), "file_type")
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r[:2]) for r in sheet.iter_rows(min_row=2, max_row=FINANCE_ROWS + 2, values_only=True)]
    except Exception:  # a broken workbook is the user's error, whatever openpyxl raises
        raise field_error("file", _("无法读取该 .xlsx 文件"), "file_invalid") from None
    return [r for r in rows if len(r) == 2 and any(v not in (None, "") for v in r)]


@transaction.atomic
def finance_import(*, actor, filing: Filing, upload, expected_version: int | None) -> Filing:
    """Replace the finance rows with those of an .xlsx (item, amount) sent by the finance department."""
    filing = _editable(actor, filing, expected_version)
    filing.finance = clean_finance(read_finance_xlsx(upload))
    filing.version = F("version") + 1
    filing.save(update_fields=["finance", "version"])
    filing.refresh_from_db()
    record(filing, EventKind.EDITED, actor, finance_rows=len(filing.finance))
    return filing


@transaction.atomic
def document_attach(*, actor, filing: Filing, upload, expected_version: int | None) -> Filing:
    """Attach the filing's document (the yearly budget and final accounts approved by the owners' committee)."""
    filing = _editable(actor, filing, expected_version)
    if upload.size > DOCUMENT_MAX:
        raise field_error("document", _("文件不能超过 10 MB"), "too_large")
    head = upload.read(16)
    upload.seek(0)
    if kind_of_upload(head, upload.name or "") not in DOCUMENT_TYPES:
        raise field_error("document", _("文件须为 PDF、图片或 Office 文档"), "file_type")
    filing.document.save(upload.name.rsplit("/", 1)[-1][:80], upload, save=False)
    filing.version = F("version") + 1
    filing.save(update_fields=["document", "version"])
    filing.refresh_from_db()
    record(filing, EventKind.EDITED, actor, document=filing.document.name)
    return filing


@transaction.atomic
def figures_refresh(*, actor, filing: Filing, expected_version: int | None) -> Filing:
    """Count the figures again (a draft's numbers follow the data until it is submitted)."""
    filing = _editable(actor, filing, expected_version)
    filing.figures = figures.compute(actor, filing)
    filing.figures_at = timezone.now()
    filing.version = F("version") + 1
    filing.save(update_fields=["figures", "figures_at", "version"])
    filing.refresh_from_db()
    return filing


def may_open(actor, service_center, community=None) -> bool:
    return can(actor, "filing.draft", Filing(service_center=service_center, community=community))
