"""The five paper registers (R-IN-3, R-IN-4) over the API: the rows of a register page as JSON, and the
same .xlsx file as the page's export. Same filters, scoping, masking and permission as the pages
(``intake/registers.py``), which this module calls for all of it.

Filters: ``community_id``, ``status`` (ticket registers), ``received_from``/``received_to`` and ``q``.
Without either date the current month is shown, as on the page; an empty date (``received_from=``) means
"no bound".
"""

import tempfile
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, QueryDict
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from propdesk.api.errors import COMMON_ERRORS
from propdesk.api.schemas import Id, InputDate, Limit, Page, PageParams, file_response, page_of
from propdesk.core.http import client_ip
from propdesk.tickets.api_schemas import StatusValue, TicketOut

from . import registers
from .api import InteractionOut

router = Router(tags=["登记表"])

TicketRegisterValue = Literal[tuple(slug for slug, r in registers.REGISTERS.items() if not r.is_calls)]
RegisterValue = Literal[tuple(registers.REGISTERS)]
# API parameter → the field of the page's filter form.
FORM_FIELDS = {"community_id": "community", "status": "status", "received_from": "from", "received_to": "to", "q": "q"}
API_FIELDS = {form: api for api, form in FORM_FIELDS.items()}


def _empty_is_none(value):
    return None if value == "" else value


OptionalDate = Annotated[InputDate | None, BeforeValidator(_empty_is_none)]


class CallFilters(Schema):
    community_id: Id | None = None
    received_from: OptionalDate = Field(None, description="接报日期起（含）；两个日期都不给时为本月，给空值为不限")
    received_to: OptionalDate = Field(None, description="接报日期止（含）")
    q: str = Field("", max_length=registers.QUERY_MAX, description="电话、房号、姓名或内容")


class TicketRegisterFilters(CallFilters):
    status: StatusValue | None = None
    q: str = Field("", max_length=registers.QUERY_MAX, description="编号、电话、房号或内容")


class Paging(PageParams):
    limit: Limit = Field(registers.PAGE_SIZE, description="每页条数，默认与页面相同（50）")


class RegisterOut(Schema):
    slug: str
    title: str
    kinds: list[str] = Field(description="包含的工单类别；来电来访记录为空")


class RegisterPage(Page):
    slug: str
    title: str
    summary: str = Field(description="筛选条件的文字说明（打印和导出的表头中的那一行）")


class TicketRegisterPage(RegisterPage):
    items: list[TicketOut]


class CallRegisterPage(RegisterPage):
    items: list[InteractionOut]


def _filter_form(request: HttpRequest, register: registers.Register, filters: CallFilters):
    """The page's filter form, filled from the API parameters and validated (errors → 400 on our names)."""
    registers._check_access(request.auth)
    data = QueryDict(mutable=True)
    if filters.community_id is not None:
        data["community"] = str(filters.community_id)
    if getattr(filters, "status", None):
        data["status"] = filters.status
    if "received_from" in request.GET or "received_to" in request.GET:
        data["from"] = filters.received_from.isoformat() if filters.received_from else ""
        data["to"] = filters.received_to.isoformat() if filters.received_to else ""
    else:
        start, end = registers.current_month()
        data["from"], data["to"] = start.isoformat(), end.isoformat()
    data["q"] = filters.q
    form = registers.RegisterFilterForm(data, user=request.auth, register=register)
    if not form.is_valid():
        raise ValidationError(
            {API_FIELDS.get(name, name): messages for name, messages in form.errors.items()}, code="invalid"
        )
    return form


def _page(request: HttpRequest, register: registers.Register, filters: CallFilters, paging: Paging) -> dict:
    form = _filter_form(request, register, filters)
    rows = registers.register_rows(
        register, user=request.auth, filters=form.cleaned_data, ip_address=client_ip(request)
    )
    return {
        "slug": register.slug,
        "title": str(register.title),
        "summary": form.summary(),
        **page_of(rows, paging.offset, paging.limit),
    }


@router.get(
    "/registers",
    response={200: list[RegisterOut], **COMMON_ERRORS},
    url_name="register_index",
    summary="登记表 / List registers",
)
def list_registers(request: HttpRequest):
    """五种登记表：业主报修记录表、业主投诉及建议记录表、信息反馈记录表、特约服务记录表、来电来访记录。
    仅限服务中心的客服、前台和管理人员。

    The five registers: repairs, complaints and suggestions, feedback, special services, calls and visits. For
    the center's customer-service, front-desk and management staff.
    """
    registers._check_access(request.auth)
    return [{"slug": r.slug, "title": str(r.title), "kinds": list(r.kinds)} for r in registers.REGISTERS.values()]


@router.get(
    "/registers/calls",
    response={200: CallRegisterPage, **COMMON_ERRORS},
    url_name="register_calls",
    summary="来电来访记录 / Calls and visits register",
)
def calls_register(request: HttpRequest, filters: Query[CallFilters], paging: Query[Paging]):
    """来电来访记录（与登记表页面相同的筛选和行），按时间倒序，分页；电话已脱敏。

    The calls-and-visits register (the page's filters and rows), newest first, paginated; phones masked.
    """
    return _page(request, registers.REGISTERS["calls"], filters, paging)


@router.get(
    "/registers/{slug}",
    response={200: TicketRegisterPage, **COMMON_ERRORS},
    url_name="register_rows",
    summary="工单登记表 / Ticket register",
)
def ticket_register(
    request: HttpRequest, slug: TicketRegisterValue, filters: Query[TicketRegisterFilters], paging: Query[Paging]
):
    """工单类登记表的行（repair 报修、complaints 投诉及建议、feedback 信息反馈、special 特约服务），与登记表页面
    相同的筛选，按接报时间倒序，分页；电话已脱敏。

    The rows of a ticket register (repair, complaints, feedback, special) with the page's filters, newest
    received first, paginated; phones masked.
    """
    return _page(request, registers.REGISTERS[slug], filters, paging)


XLSX_DESCRIPTION = (
    "Excel 文件（.xlsx），与登记表页面“导出”的文件相同：全部符合条件的行（最多 100,000 行），电话已脱敏。"
    " The .xlsx file of the page's export: every matching row (at most 100,000), phones masked."
)


@router.get(
    "/registers/{slug}/export.xlsx",
    response=COMMON_ERRORS,
    openapi_extra=file_response(XLSX_DESCRIPTION, registers.XLSX),
    url_name="register_export",
    summary="导出登记表 / Export a register",
)
def export_register(request: HttpRequest, slug: RegisterValue, filters: Query[TicketRegisterFilters]):
    """导出登记表为 .xlsx（与页面的导出相同）。筛选参数与对应的列表接口相同；来电来访记录没有 ``status``。

    The register as .xlsx (the page's export). Same filters as the list; the calls register has no ``status``.
    """
    reg = registers.REGISTERS[slug]
    if reg.is_calls:
        filters.status = None
    form = _filter_form(request, reg, filters)
    rows = registers.register_rows(reg, user=request.auth, filters=form.cleaned_data, ip_address=client_ip(request))
    # A temporary file, not memory: 100,000 rows make a workbook of several megabytes.
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    registers.write_register_xlsx(
        output,
        register=reg,
        rows=rows,
        summary=form.summary(),
        exported_by=registers.staff_name(request.auth),
    )
    output.seek(0)
    response = FileResponse(output, content_type=registers.XLSX)
    response["Content-Disposition"] = registers.content_disposition(*registers.export_filenames(reg, form.cleaned_data))
    return response
