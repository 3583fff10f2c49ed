"""Complaint pages: the register (客户投诉记录) with its filters, the CS supervisor's workbench, one complaint with
its classification, owner, timers and actions. Each action is one form and one call to a service; a refusal is
shown as a message and changes nothing."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.core.people import person_name
from propdesk.core.permissions import can, require
from propdesk.org.roles import HANDLERS
from propdesk.org.selectors import role_holders
from propdesk.sla.models import SlaTarget
from propdesk.tickets.choices import OPEN_STATUSES, Status

from . import forms, forms_documents, selectors, services
from .forms_monthly import CaseForm
from .models import Complaint, TrainingCase


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _form_errors(form) -> str:
    """A form's errors as one line, each after its field's label."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts += [f"{label}：{error}" if label else str(error) for error in errors]
    return "；".join(parts)


def _get(request: HttpRequest, pk: int) -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist:
        raise Http404(_("投诉不存在或您无权查看")) from None


@login_required
def complaint_register(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.browse", None, _("您无权查看投诉登记"))
    filters = forms.RegisterFilters(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    complaints = selectors.complaint_list(
        user=request.user,
        responsibility_class=data.get("responsibility_class"),
        validity=data.get("validity") or None,
        status=data.get("status") or None,
        overdue=data.get("overdue"),
        repeat=data.get("repeat"),
        query=(data.get("q") or "").strip(),
    )
    page = Paginator(complaints, 30).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "may_export": can(request.user, "complaint.export")}
    return render(request, "complaints/register.html", context)


@login_required
def complaint_workbench(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.workbench", None, _("投诉工作台供客服主管和服务中心经理使用"))
    rows = list(selectors.workbench(user=request.user)[:100])
    return render(request, "complaints/workbench.html", {"rows": rows})


def _staff_choices(complaint: Complaint) -> list[tuple[int, str]]:
    people = role_holders(roles=HANDLERS, community_id=complaint.community_id, service_center=complaint.service_center)
    return [(u.pk, person_name(u)) for u in people if can(u, "complaint.be_owner", complaint)]


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _get(request, pk)
    user = request.user
    is_open = complaint.ticket.status in OPEN_STATUSES
    initial = {"version": complaint.version}
    classify_initial = initial | {
        "responsibility_class": complaint.responsibility_class,
        "developer_matter": complaint.developer_matter,
        "validity": complaint.validity,
    }
    may = {action: can(user, f"complaint.{action}", complaint) for action in ACTION_RULES.values()}
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "is_open": is_open,
        "is_done": complaint.ticket.status in (Status.RESOLVED, Status.CLOSED),
        "may": may,
        "earlier": selectors.earlier_handling(complaint),
        "similar": selectors.similar_to(user=user, complaint=complaint),
        "events": list(selectors.complaint_events(complaint)),
        "timers": SlaTarget.objects.filter(ticket=complaint.ticket).select_related("policy").order_by("started_at"),
        "developer": services.developer_of(complaint),
        "forms": {
            "classify": forms.ClassifyForm(initial=classify_initial),
            "owner": forms.OwnerForm(initial=initial, staff=_staff_choices(complaint) if may["override_owner"] else ()),
            "agree": forms.AgreeReplyForm(initial=initial),
            "spot": forms.ContentForm(initial=initial),
            "reply": forms.ReplyForm(initial=initial),
            "progress": forms.ProgressForm(initial=initial),
            "major": forms.ReasonForm(initial=initial),
            "facts": forms.FactsForm(initial=initial),
            "original": forms.OriginalForm(initial=initial),
            "repeat": forms.ReasonForm(initial=initial),
            "letter": forms_documents.LetterForm(initial=initial, kinds=services.letter_kinds(complaint)),
            "review": forms_documents.ReviewForm(initial=initial),
            "signoff": forms_documents.SignOffForm(initial=initial),
            "case": CaseForm(),
        },
        "letter_kinds": services.letter_kinds(complaint),
        "may_case": can(user, "complaint_monthly.write_case", TrainingCase(service_center=complaint.service_center)),
        "letters": complaint.letters.select_related("written_by", "sent_by"),
    }
    return render(request, "complaints/detail.html", context)


def _owner(data: dict, complaint: Complaint):
    if data.get("owner") is None:
        return None
    owner = get_user_model().objects.filter(pk=data["owner"], is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": _("该员工不存在或已停用")})
    return owner


# action → (form, service call, message on success)
ACTIONS = {
    "classify": (
        forms.ClassifyForm,
        lambda u, c, d: services.complaint_classify(
            actor=u,
            complaint=c,
            responsibility_class=d["responsibility_class"],
            developer_matter=d["developer_matter"],
            validity=d["validity"],
            reason=d["reason"],
            expected_version=d["version"],
        ),
        gettext_lazy("分类已保存"),
    ),
    "owner": (
        forms.OwnerForm,
        lambda u, c, d: services.complaint_assign(
            actor=u, complaint=c, owner=_owner(d, c), reason=d["reason"], expected_version=d["version"]
        ),
        gettext_lazy("负责人已确定"),
    ),
    "agree": (
        forms.AgreeReplyForm,
        lambda u, c, d: services.complaint_agree_reply(
            actor=u, complaint=c, reply_at=d["reply_at"], note=d["note"], expected_version=d["version"]
        ),
        gettext_lazy("已记录约定答复时间"),
    ),
    "spot": (
        forms.ContentForm,
        lambda u, c, d: services.complaint_answer_on_spot(
            actor=u, complaint=c, content=d["content"], expected_version=d["version"]
        ),
        gettext_lazy("已记录当场处理，请在 2 小时内回复客户并记录意见"),
    ),
    "reply": (
        forms.ReplyForm,
        lambda u, c, d: services.complaint_reply(
            actor=u,
            complaint=c,
            method=d["method"],
            content=d["content"],
            customer_opinion=d["customer_opinion"],
            satisfied=d["satisfied"],
            expected_version=d["version"],
        ),
        gettext_lazy("答复已记录"),
    ),
    "progress": (
        forms.ProgressForm,
        lambda u, c, d: services.complaint_progress(
            actor=u, complaint=c, content=d["content"], method=d["method"], expected_version=d["version"]
        ),
        gettext_lazy("进展已记录"),
    ),
    "major": (
        forms.ReasonForm,
        lambda u, c, d: services.complaint_mark_major(
            actor=u, complaint=c, reason=d["reason"], expected_version=d["version"]
        ),
        gettext_lazy("已标记为重大事项，已通知客服主管和服务中心经理"),
    ),
    "facts": (
        forms.FactsForm,
        lambda u, c, d: services.complaint_set_facts(
            actor=u,
            complaint=c,
            written=d["written"],
            source=d["source"] or None,
            reason=d["reason"],
            expected_version=d["version"],
        ),
        gettext_lazy("已更正"),
    ),
    "original": (
        forms.OriginalForm,
        lambda u, c, d: services.complaint_file_original(
            actor=u, complaint=c, archive_no=d["archive_no"], expected_version=d["version"]
        ),
        gettext_lazy("原件已归档"),
    ),
    "review": (
        forms_documents.ReviewForm,
        lambda u, c, d: services.complaint_review(actor=u, complaint=c, note=d["note"], expected_version=d["version"]),
        gettext_lazy("投诉记录已审核"),
    ),
    "signoff": (
        forms_documents.SignOffForm,
        lambda u, c, d: services.complaint_sign_off(
            actor=u, complaint=c, note=d["note"], expected_version=d["version"]
        ),
        gettext_lazy("投诉记录已签批"),
    ),
    "repeat": (
        forms.ReasonForm,
        lambda u, c, d: services.complaint_reopen_repeat(
            actor=u, complaint=c, reason=d["reason"], expected_version=d["version"]
        ),
        gettext_lazy("已作为重复投诉重新打开，交客服主管处理"),
    ),
}
# Which rule decides whether the page shows each action.
ACTION_RULES = {
    "classify": "classify",
    "owner": "assign",
    "override": "override_owner",
    "agree": "work",
    "spot": "work",
    "reply": "work",
    "progress": "work",
    "major": "classify",
    "facts": "classify",
    "original": "file_original",
    "repeat": "reopen_repeat",
    "link_collective": "link_collective",
    "write_letter": "write_letter",
    "review": "review",
    "signoff": "sign_off",
}


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(_("未知的操作"))
    complaint = _get(request, pk)
    form_class, call, success = ACTIONS[action]
    form = form_class(request.POST, staff=_staff_choices(complaint)) if action == "owner" else form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            call(request.user, complaint, form.cleaned_data)
            messages.success(request, str(success))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    return redirect(reverse("complaints:detail", args=[pk]))
