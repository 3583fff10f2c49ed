"""Complaint documents and print pages: the reply letter and the written reports (drafted, printed with the center's
seal, their sending recorded), the complaint record form (客户投诉记录表) with the customer's on-screen signature,
the supervisor's review and the manager's sign-off; the register's .xlsx export and its print view, both with the
page's filters."""

import base64
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.files import sniff_type
from propdesk.core.http import client_ip
from propdesk.core.permissions import can, require
from propdesk.org.seals import seal_data_uri
from propdesk.tickets.models import Reply

from . import export, forms, forms_documents, selectors, services
from .models import Complaint, ComplaintLetter
from .views import _error_text, _form_errors, _get

PRINT_CAP = 500
REGISTER_KEYS = ("responsibility_class", "validity", "status", "overdue", "repeat", "q")


def register_filters(request: HttpRequest) -> tuple[dict, dict, forms.RegisterFilters]:
    """The register's filters from the query string: (selector kwargs, the summary kept for the audit, form)."""
    form = forms.RegisterFilters(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    kwargs = {
        "responsibility_class": data.get("responsibility_class"),
        "validity": data.get("validity") or None,
        "status": data.get("status") or None,
        "overdue": data.get("overdue"),
        "repeat": data.get("repeat"),
        "query": (data.get("q") or "").strip(),
    }
    summary = {k: v for k, v in request.GET.items() if k in REGISTER_KEYS and v}
    return kwargs, summary, form


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as .xlsx (phones masked), audited."""
    require(request.user, "complaint.export", message=_("您无权导出投诉登记"))
    kwargs, summary, form = register_filters(request)
    if form.errors:
        messages.error(request, _form_errors(form))
        return redirect(reverse("complaints:list"))
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    export.export_register(output, actor=request.user, filters=kwargs, summary=summary, ip_address=client_ip(request))
    output.seek(0)
    response = FileResponse(output, content_type=export.XLSX)
    response["Content-Disposition"] = export.content_disposition(timezone.localdate())
    return response


@login_required
def register_print(request: HttpRequest) -> HttpResponse:
    """The filtered register as an A4 landscape sheet (at most ``PRINT_CAP`` rows; phones masked)."""
    require(request.user, "complaint.browse", None, _("您无权查看投诉登记"))
    kwargs, summary, form = register_filters(request)
    rows = selectors.complaint_list(user=request.user, **kwargs)
    total = rows.count()
    chosen = []
    for name, value in summary.items():
        field = form.fields[name]
        labels = {str(k): v for k, v in getattr(field, "choices", ())}
        chosen.append((field.label, labels.get(value, value)))
    context = {
        "rows": list(rows[:PRINT_CAP]),
        "total": total,
        "cap": PRINT_CAP,
        "chosen": chosen,
        "now": timezone.now(),
    }
    return render(request, "complaints/register_print.html", context)


# ----------------------------------------------------------------------------- letters and reports


def _letter(complaint: Complaint, letter_id: int) -> ComplaintLetter:
    letter = complaint.letters.filter(pk=letter_id).select_related("written_by", "sent_by").first()
    if letter is None:
        raise Http404(_("文书不存在"))
    return letter


def _act(request: HttpRequest, call, success: str, form):
    """Run ``call(cleaned_data)`` for a valid form; its result, or None with the refusal as a message."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


@login_required
@require_POST
def letter_write(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _get(request, pk)
    letter = _act(
        request,
        lambda d: services.complaint_letter_write(
            actor=request.user,
            complaint=complaint,
            kind=d["kind"],
            recipient=d["recipient"],
            body=d["body"],
            expected_version=d["version"],
        ),
        _("文书已拟好，请打印盖章后发出"),
        forms_documents.LetterForm(request.POST),
    )
    if letter is not None:
        return redirect(reverse("complaints:letter", args=[pk, letter.pk]))
    return redirect(reverse("complaints:detail", args=[pk]) + "#documents")


@login_required
def letter_print(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    """The letter or report on A4 with the center's seal; the form recording its sending beside it."""
    complaint = _get(request, pk)
    letter = _letter(complaint, letter_id)
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "letter": letter,
        "center": complaint.service_center,
        "seal": seal_data_uri(complaint.service_center),
        "developer": services.developer_of(complaint),
        "send_form": forms_documents.SendForm(initial={"version": letter.version}),
        "may_send": not letter.is_sent and can(request.user, "complaint.send_letter", complaint),
    }
    return render(request, "complaints/letter_print.html", context)


@login_required
@require_POST
def letter_send(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    complaint = _get(request, pk)
    letter = _letter(complaint, letter_id)
    form = forms_documents.SendForm(request.POST)
    _act(
        request,
        lambda d: services.complaint_letter_send(
            actor=request.user,
            letter=letter,
            method=d["method"],
            sent_at=d["sent_at"],
            note=d["note"],
            expected_version=d["version"],
        ),
        _("已记录发出"),
        form,
    )
    return redirect(reverse("complaints:letter", args=[pk, letter_id]))


# ----------------------------------------------------------------------------- the complaint record form


def image_data_uri(field) -> str:
    """A stored PNG signature as a data URI for the print page ("" when missing or not a PNG)."""
    if not field:
        return ""
    try:
        with field.open("rb") as handle:
            data = handle.read(600_000)
    except (FileNotFoundError, OSError, ValueError):
        return ""
    if sniff_type(data[:16], field.name) != "image/png":
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


@login_required
def record_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The complaint record form (客户投诉记录表, 002 §12.3) on A4."""
    complaint = _get(request, pk)
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "replies": Reply.objects.filter(ticket=complaint.ticket).select_related("by").order_by("at", "pk"),
        "events": list(selectors.complaint_events(complaint)),
        "letters": complaint.letters.all(),
        "signature": image_data_uri(complaint.customer_signature),
        "seal": seal_data_uri(complaint.service_center),
    }
    return render(request, "complaints/record_print.html", context)


@login_required
def record_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """On a repeat complaint's home visit: the customer's opinion and their signature on the handler's phone."""
    complaint = _get(request, pk)
    if request.method == "POST":
        form = forms_documents.SignForm(request.POST)
        _act(
            request,
            lambda d: services.complaint_home_visit_sign(
                actor=request.user,
                complaint=complaint,
                customer_opinion=d["customer_opinion"],
                signature=d["signature"],
                satisfied=d["satisfied"],
                expected_version=d["version"],
            ),
            _("客户意见和签名已记录"),
            form,
        )
        return redirect(reverse("complaints:detail", args=[pk]) + "#record")
    form = forms_documents.SignForm(initial={"version": complaint.version})
    return render(request, "complaints/record_sign.html", {"complaint": complaint, "form": form})
