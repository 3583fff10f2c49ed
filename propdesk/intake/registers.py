"""The paper registers as filtered, printable, exportable lists (R-IN-3, R-IN-4).

Each register is a fixed view over the scoped selectors: the repair register (业主报修记录表), the
complaint & suggestion register (业主投诉及建议记录表), the feedback register (信息反馈记录表), the
special-service register (特约服务记录表) and the call/visit log (来电来访记录). The page shows 50 rows
per page and prints as an A4 landscape sheet; the .xlsx export holds every matching row (up to
``EXPORT_ROW_CAP``). Phones are masked everywhere, the export included (R-CV-4).
"""

import calendar
import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from propdesk.communities.models import Community
from propdesk.communities.validators import parse_room
from propdesk.core.http import client_ip
from propdesk.core.inputs import DateField
from propdesk.core.masking import mask_phone
from propdesk.core.people import person_name
from propdesk.core.permissions import can, require
from propdesk.core.xlsx import XLSX as _XLSX
from propdesk.core.xlsx import attachment as content_disposition
from propdesk.core.xlsx import cell as _cell
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.selectors import is_phone_search, ticket_list

from .selectors import interaction_list, interaction_phone_search

PAGE_SIZE = 50
EXPORT_ROW_CAP = 100_000
QUERY_MAX = 100
XLSX = _XLSX
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PHONE_QUERY_RE = re.compile(r"\+?[\d\- ]{7,20}")
WRAP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------- register definitions


@dataclass(frozen=True)
class Column:
    """One column of the export: Chinese header, width in characters, the cell value of a row."""

    header: Promise
    width: float
    value: Callable[[Any], Any]
    wrap: bool = False  # long text, wrapped in the cell


@dataclass(frozen=True)
class Register:
    slug: str
    title: Promise  # the paper form's name, the page heading and the sheet's title row
    file_stem: Promise  # start of the export's file name
    kinds: tuple[str, ...]  # ticket kinds; empty for the call/visit log

    @property
    def is_calls(self) -> bool:
        return not self.kinds

    @property
    def show_kind(self) -> bool:
        """The call log and a register of several kinds show each row's kind."""
        return self.is_calls or len(self.kinds) > 1


REGISTERS: dict[str, Register] = {
    r.slug: r
    for r in (
        Register("repair", gettext_lazy("业主报修记录表"), gettext_lazy("报修登记"), (Kind.REPAIR,)),
        Register(
            "complaints",
            gettext_lazy("业主投诉及建议记录表"),
            gettext_lazy("投诉建议登记"),
            (Kind.COMPLAINT, Kind.SUGGESTION),
        ),
        Register("feedback", gettext_lazy("信息反馈记录表"), gettext_lazy("信息反馈登记"), (Kind.FEEDBACK,)),
        Register("special", gettext_lazy("特约服务记录表"), gettext_lazy("特约服务登记"), (Kind.SPECIAL_SERVICE,)),
        Register("calls", gettext_lazy("来电来访记录"), gettext_lazy("来电来访登记"), ()),
    )
}


def staff_name(user) -> str:
    """The employee's name for a register ('' for nobody), never the login name."""
    return person_name(user, "")


def local_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the Asia/Shanghai wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def is_backfilled(record) -> bool:
    """Entered noticeably after it was received (paper records entered after an outage, R-IN-6);
    the same rule as ``Ticket.is_backfilled``, for interactions too."""
    return (record.entered_at - record.received_at).total_seconds() > 600


def backfill_time(record) -> dt.datetime | None:
    return local_naive(record.entered_at) if is_backfilled(record) else None


def unit_label(record) -> str:
    return record.unit.label if record.unit_id else ""


def _assignee(ticket) -> str:
    if ticket.assignee_id:
        return staff_name(ticket.assignee)
    return ticket.team.name if ticket.team_id else ""


def _with_detail(label: str, detail: str) -> str:
    return f"{label}：{detail}" if detail else label


def ticket_columns(register: Register) -> list[Column]:
    columns = [
        Column(gettext_lazy("编号"), 18, lambda t: t.number),
        Column(gettext_lazy("接报时间"), 17, lambda t: local_naive(t.received_at)),
        Column(gettext_lazy("补录时间"), 17, backfill_time),
        Column(gettext_lazy("小区"), 14, lambda t: t.community.name),
        Column(gettext_lazy("房号"), 14, unit_label),
    ]
    if register.show_kind:
        columns.append(Column(gettext_lazy("类别"), 8, lambda t: t.get_kind_display()))
    columns += [
        Column(gettext_lazy("联系人"), 10, lambda t: t.contact_name),
        Column(gettext_lazy("联系电话"), 14, lambda t: mask_phone(t.contact_phone)),
        Column(gettext_lazy("渠道"), 10, lambda t: t.get_channel_display()),
        Column(gettext_lazy("内容"), 50, lambda t: t.content, wrap=True),
        Column(gettext_lazy("首问责任人"), 10, lambda t: staff_name(t.first_responder)),
        Column(gettext_lazy("当前负责人"), 10, _assignee),
        Column(gettext_lazy("状态"), 10, lambda t: t.get_status_display()),
    ]
    return columns


CALL_COLUMNS = [
    Column(gettext_lazy("时间"), 17, lambda i: local_naive(i.received_at)),
    Column(gettext_lazy("补录时间"), 17, backfill_time),
    Column(gettext_lazy("渠道"), 10, lambda i: i.get_channel_display()),
    Column(gettext_lazy("来源"), 14, lambda i: _with_detail(i.get_source_display(), i.source_detail)),
    Column(gettext_lazy("来电/来访人"), 10, lambda i: i.caller_name),
    Column(gettext_lazy("联系电话"), 14, lambda i: mask_phone(i.caller_phone)),
    Column(gettext_lazy("小区"), 14, lambda i: i.community.name if i.community_id else ""),
    Column(gettext_lazy("房号"), 14, unit_label),
    Column(gettext_lazy("类别"), 8, lambda i: i.get_kind_display()),
    Column(gettext_lazy("内容"), 50, lambda i: i.content, wrap=True),
    Column(gettext_lazy("处理结果"), 24, lambda i: _with_detail(i.get_outcome_display(), i.outcome_note), wrap=True),
    Column(gettext_lazy("接待人"), 10, lambda i: staff_name(i.received_by)),
    Column(gettext_lazy("关联工单"), 18, lambda i: i.ticket.number if i.ticket_id else ""),
]


def columns_of(register: Register) -> list[Column]:
    return CALL_COLUMNS if register.is_calls else ticket_columns(register)


# --------------------------------------------------------------------------- filters


def current_month() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def _date_field(label: Promise) -> forms.DateField:
    # The input layer's date field: dates outside 2000–2099 are typing mistakes, and refusing them keeps the
    # day arithmetic of the selectors away from date.min/date.max (which would overflow).
    return DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("日期格式不正确，应为 2026-11-01 这样的格式")},
    )


class RegisterFilterForm(forms.Form):
    """The filters of a register page, read from the query string."""

    community = forms.ModelChoiceField(
        label=gettext_lazy("小区"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部小区"),
        error_messages={"invalid_choice": gettext_lazy("所选小区不存在或您无权查看")},
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        choices=[("", gettext_lazy("全部状态")), *Status.choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("未知的状态：%(value)s")},
    )
    q = forms.CharField(
        label=gettext_lazy("关键词"),
        required=False,
        max_length=QUERY_MAX,
        error_messages={"max_length": gettext_lazy("关键词不能超过 %(limit_value)d 个字")},
    )

    def __init__(self, data, *, user, register: Register):
        super().__init__(data)
        self.register = register
        self.fields["community"].queryset = Community.objects.visible_to(user).order_by("code")
        # "from"/"to" as in the ticket list's query string (not valid Python attribute names).
        self.fields["from"] = _date_field(gettext_lazy("接报日期从"))
        self.fields["to"] = _date_field(gettext_lazy("至"))
        if register.is_calls:
            del self.fields["status"]
        self.fields["q"].widget.attrs["placeholder"] = (
            _("电话、房号、姓名或内容") if register.is_calls else _("编号、电话、房号或内容")
        )
        self.order_fields(["community", "status", "from", "to", "q"])

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("结束日期不能早于开始日期"))
        return data

    def error_list(self) -> list[str]:
        return [
            f"{self.fields[name].label}：{message}" for name, messages in self.errors.items() for message in messages
        ]

    def summary(self) -> str:
        """The filters in words, for the printed heading and the export's second row."""
        data = self.cleaned_data
        parts = [_("小区：%(v)s") % {"v": data.get("community") or _("全部")}]
        if not self.register.is_calls:
            status = data.get("status")
            parts.append(_("状态：%(v)s") % {"v": Status(status).label if status else _("全部")})
        start, end = data.get("from"), data.get("to")
        if start and end:
            period = _("%(a)s 至 %(b)s") % {"a": start, "b": end}
        elif start:
            period = _("%(a)s 起") % {"a": start}
        elif end:
            period = _("截至 %(b)s") % {"b": end}
        else:
            period = _("不限")
        parts.append(_("接报日期：%(v)s") % {"v": period})
        if data.get("q"):
            # A phone searched for is masked too: the summary is printed and exported.
            query = mask_phone(data["q"]) if PHONE_QUERY_RE.fullmatch(data["q"]) else data["q"]
            parts.append(_("关键词：%(v)s") % {"v": query})
        return "；".join(parts)


def filter_data(request: HttpRequest) -> QueryDict:
    """The query string, with the current month (Asia/Shanghai) when no dates were given at all.
    Dates that are present but empty mean "no bound"."""
    data = request.GET.copy()
    data.pop("page", None)
    if "from" not in data and "to" not in data:
        start, end = current_month()
        data["from"], data["to"] = start.isoformat(), end.isoformat()
    return data


def interaction_search(query: str) -> Q:
    """A room (3-2-1202), or text in the caller's name or the content (phones: ``interaction_phone_search``).
    (interaction_list has no text search; the condition narrows its already scoped queryset.)"""
    room = parse_room(query)
    if room:
        return Q(unit__code=room)
    return Q(caller_name__contains=query) | Q(content__contains=query) | Q(outcome_note__contains=query)


def register_rows(register: Register, *, user, filters: dict, ip_address: str | None = None) -> QuerySet:
    """The register's rows for ``user``, through the scoped selectors only (a search by phone is recorded)."""
    community = filters.get("community")
    common = {
        "user": user,
        "community_id": community.pk if community else None,
        "received_from": filters.get("from"),
        "received_to": filters.get("to"),
    }
    query = (filters.get("q") or "").strip()
    if register.is_calls:
        rows = interaction_list(**common)
        if query and is_phone_search(query):
            return interaction_phone_search(rows, user=user, query=query, ip_address=ip_address)
        if query:
            rows = rows.filter(interaction_search(query))
        return rows
    status = filters.get("status") or None
    rows = ticket_list(**common, kind=list(register.kinds), status=status, query=query, ip_address=ip_address)
    # The register names the first responder (R-IN-5); the list selector does not join it.
    return rows.select_related("first_responder__staff_profile")


# --------------------------------------------------------------------------- views


def _register_or_404(slug: str) -> Register:
    try:
        return REGISTERS[slug]
    except KeyError as exc:
        raise Http404(_("没有这个登记表")) from exc


def can_use_registers(user) -> bool:
    """Whether ``user`` may read, print and export the registers (asked of the intake rules)."""
    return can(user, "register.view")


def _check_access(user) -> None:
    require(user, "register.view", message=_("登记表仅限物业服务中心的客服、前台和管理人员查看"))


def _context(register: Register, form: RegisterFilterForm, data: QueryDict) -> dict:
    return {
        "register": register,
        "registers": REGISTERS.values(),
        "form": form,
        "querystring": data.urlencode(),
    }


def _invalid(request: HttpRequest, register: Register, form: RegisterFilterForm, data: QueryDict) -> HttpResponse:
    context = _context(register, form, data) | {"errors": form.error_list()}
    return render(request, "intake/register.html", context, status=400)


@login_required
def register_view(request: HttpRequest, register: str) -> HttpResponse:
    reg = _register_or_404(register)
    _check_access(request.user)
    data = filter_data(request)
    form = RegisterFilterForm(data, user=request.user, register=reg)
    if not form.is_valid():
        return _invalid(request, reg, form, data)
    rows = register_rows(reg, user=request.user, filters=form.cleaned_data, ip_address=client_ip(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for record in page:  # the page's rows, evaluated once; the template reads these
        record.register_backfilled = is_backfilled(record)
        if reg.is_calls:
            record.register_staff = staff_name(record.received_by)
        else:
            record.register_staff = staff_name(record.first_responder)
            record.register_assignee = _assignee(record)
    context = _context(reg, form, data) | {"page": page, "summary": form.summary()}
    template = "intake/partials/_register_table.html" if request.htmx else "intake/register.html"
    return render(request, template, context)


def export_filenames(register: Register, filters: dict) -> tuple[str, str]:
    """报修登记_20261101-20261130.xlsx, and an ASCII twin (repair_20261101-20261130.xlsx) for old clients."""
    start, end = filters.get("from"), filters.get("to")
    if start and end:
        period = ascii_period = f"{start:%Y%m%d}-{end:%Y%m%d}"
    elif start:
        period, ascii_period = _("%(d)s起") % {"d": f"{start:%Y%m%d}"}, f"from{start:%Y%m%d}"
    elif end:
        period, ascii_period = _("截至%(d)s") % {"d": f"{end:%Y%m%d}"}, f"to{end:%Y%m%d}"
    else:
        period, ascii_period = _("全部"), "all"
    return f"{register.file_stem}_{period}.xlsx", f"{register.slug}_{ascii_period}.xlsx"


def _value_cell(ws, column: Column, value):
    if value is None or value == "":
        return None  # an empty cell, not an empty string
    if isinstance(value, dt.datetime):
        return _cell(ws, value, number_format=DATETIME_FORMAT)
    if isinstance(value, str):
        return _cell(ws, value, alignment=WRAP) if column.wrap else _cell(ws, value)
    return value


def write_register_xlsx(fileobj, *, register: Register, rows: QuerySet, summary: str, exported_by: str) -> int:
    """Stream ``rows`` into an .xlsx workbook (write-only mode keeps memory flat); returns rows written."""
    columns = columns_of(register)
    total = rows.count()
    capped = total > EXPORT_ROW_CAP
    cap_message = _("共 %(total)s 条，超过导出上限 %(cap)s 条，只导出了前 %(cap)s 条；请缩小日期范围或增加筛选条件。")
    cap_message %= {"total": total, "cap": EXPORT_ROW_CAP}

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(register.file_stem))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 5 if capped else 4
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    bold = Font(bold=True)
    ws.append([_cell(ws, str(register.title), font=Font(bold=True, size=14))])
    ws.append([_cell(ws, _("筛选条件：%(v)s") % {"v": summary})])
    exported = {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": exported_by, "n": total}
    ws.append([_cell(ws, _("导出时间：%(t)s　导出人：%(who)s　共 %(n)s 条") % exported)])
    if capped:
        ws.append([_cell(ws, cap_message, font=Font(bold=True, color="C62828"))])
    ws.append([_cell(ws, str(column.header), font=bold) for column in columns])

    written = 0
    for record in rows[:EXPORT_ROW_CAP].iterator(chunk_size=2000):
        ws.append([_value_cell(ws, column, column.value(record)) for column in columns])
        written += 1
    if capped:
        ws.append([_cell(ws, cap_message, font=Font(bold=True, color="C62828"))])
    wb.save(fileobj)
    return written


@login_required
def register_export(request: HttpRequest, register: str) -> HttpResponse:
    reg = _register_or_404(register)
    _check_access(request.user)
    data = filter_data(request)
    form = RegisterFilterForm(data, user=request.user, register=reg)
    if not form.is_valid():
        return _invalid(request, reg, form, data)
    rows = register_rows(reg, user=request.user, filters=form.cleaned_data, ip_address=client_ip(request))
    # A temporary file, not memory: 100,000 rows make a workbook of several megabytes.
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    write_register_xlsx(output, register=reg, rows=rows, summary=form.summary(), exported_by=staff_name(request.user))
    output.seek(0)
    response = FileResponse(output, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(*export_filenames(reg, form.cleaned_data))
    return response


REGISTER_INDEX = (
    ("repair", gettext_lazy("业主报修记录表")),
    ("complaints", gettext_lazy("业主投诉及建议记录表")),
    ("feedback", gettext_lazy("信息反馈记录表")),
    ("special", gettext_lazy("特约服务记录表")),
    ("calls", gettext_lazy("来电来访记录")),
)


@login_required
def register_index(request: HttpRequest) -> HttpResponse:
    _check_access(request.user)
    return render(request, "intake/register_index.html", {"registers": REGISTER_INDEX})
