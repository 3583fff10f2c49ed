"""A filing as an A4 print page (the center's seal on the quarterly report, which goes to customers), as .xlsx
of its figures, as PDF, and its attached document."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from propdesk.core.xlsx import XLSX, attachment
from propdesk.org.seals import seal_data_uri

from .. import exports, figures, selectors
from ..sections import filled


def _name(filing, ext: str) -> tuple[str, str]:
    fallback = f"filing_{filing.kind}_{filing.period_start:%Y%m%d}.{ext}"
    return f"{exports.title_of(filing)} {filing.period_start:%Y%m%d}.{ext}", fallback


@login_required
def filing_print(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    sealed = filing.kind in exports.SEALED_KINDS
    context = {
        "filing": filing,
        "title": exports.title_of(filing),
        "period": exports.period_of(filing),
        "figures": figures.rows(filing),
        "sections": filled(filing),
        "seal": seal_data_uri(filing.service_center) if sealed else "",
        "sealed": sealed,
    }
    return render(request, "filings/print.html", context)


@login_required
def filing_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    response = HttpResponse(exports.xlsx_bytes(filing), content_type=XLSX)
    response["Content-Disposition"] = attachment(*_name(filing, "xlsx"))
    return response


@login_required
def filing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    response = HttpResponse(exports.pdf_bytes(filing), content_type="application/pdf")
    response["Content-Disposition"] = attachment(*_name(filing, "pdf"))
    return response


@login_required
def filing_document(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    if not filing.document:
        raise Http404(_("没有文件"))
    try:
        handle = filing.document.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("没有文件")) from None
    name = filing.document.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
