"""The monthly page (R-CP-8): the month's complaint summary (and its .xlsx), training cases, the public-interest
notice (drafted, approved, published by the 30th, printable with the seal), corrective/preventive actions and the
developer-legacy statistics. Each action is one form and one service call; a refusal is a message."""

import datetime as dt
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Community
from propdesk.core.permissions import can, require
from propdesk.org.models import ServiceCenter
from propdesk.org.seals import seal_data_uri

from . import export_monthly, forms_monthly, selectors_monthly
from .models import Complaint
from .models_monthly import CorrectiveAction
from .services import legacy, monthly
from .views import _error_text, _form_errors, _get


def parse_month(raw: str | None) -> dt.date:
    """``?month=2026-11`` (or any day of it); this month when empty."""
    raw = (raw or "").strip()
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        day = dt.date.fromisoformat(raw + "-01" if len(raw) == 7 else raw)
    except ValueError:
        raise ValidationError({"month": _("月份格式不正确：%(v)s（应为 2026-11）") % {"v": raw[:20]}}) from None
    if not 2000 <= day.year <= 2099:
        raise ValidationError({"month": _("月份超出范围")})
    return day.replace(day=1)


def _centers(user, action: str) -> list:
    return [c for c in ServiceCenter.objects.visible_to(user).order_by("name")[:100] if can(user, action, _probe(c))]


def _probe(center):
    return CorrectiveAction(service_center=center)


@login_required
def monthly_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint_monthly.browse", None, _("您无权查看投诉月度工作"))
    try:
        month = parse_month(request.GET.get("month"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        month = timezone.localdate().replace(day=1)
    user = request.user
    issue_centers = _centers(user, "complaint_monthly.issue_action")
    draft_centers = _centers(user, "complaint_monthly.draft_notice")
    young = [
        (c.pk, c.name)
        for c in Community.objects.visible_to(user).filter(handover_date__isnull=False).order_by("name")[:100]
        if c.handover_date > month - dt.timedelta(days=400)
    ]
    context = {
        "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1),
        "following": (month + dt.timedelta(days=32)).replace(day=1),
        "summary": selectors_monthly.monthly_summary(user=user, month=month),
        "cases": selectors_monthly.training_cases(user=user)[:20],
        "notices": selectors_monthly.public_notices(user=user).filter(month=month),
        "actions": selectors_monthly.corrective_actions(user=user).filter(done_at__isnull=True)[:50],
        "done_actions": selectors_monthly.corrective_actions(user=user)
        .filter(done_at__isnull=False)
        .order_by("-done_at")[:10],
        "reports": selectors_monthly.legacy_reports(user=user)[:20],
        "draft_centers": draft_centers,
        "notice_form": forms_monthly.NoticeForm(),
        "action_form": forms_monthly.ActionForm(centers=[(c.pk, c.name) for c in issue_centers])
        if issue_centers
        else None,
        "legacy_form": forms_monthly.LegacyForm(
            communities=young, initial={"year": month.year, "quarter": (month.month - 1) // 3 + 1}
        )
        if young
        else None,
        "may": {
            a: can(user, f"complaint_monthly.{a}")
            for a in (
                "approve_notice",
                "publish_notice",
                "progress_action",
                "finish_action",
                "compile_legacy",
                "submit_legacy",
            )
        },
    }
    return render(request, "complaints/monthly.html", context)


@login_required
def monthly_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint_monthly.browse", None, _("您无权查看投诉月度工作"))
    month = parse_month(request.GET.get("month"))
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    export_monthly.write_summary(output, selectors_monthly.monthly_summary(user=request.user, month=month))
    output.seek(0)
    response = FileResponse(output, content_type=export_monthly.XLSX)
    response["Content-Disposition"] = f'attachment; filename="complaints_{month:%Y%m}.xlsx"'
    return response


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors_monthly.public_notices(user=request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404(_("公告不存在"))
    complaints = notice.complaints.select_related("ticket", "community").order_by("created_at")
    context = {"notice": notice, "complaints": complaints, "seal": seal_data_uri(notice.service_center)}
    return render(request, "complaints/notice_print.html", context)


def _complaints_by_number(user, raw: str) -> list[Complaint]:
    numbers = [n.strip() for n in raw.replace("，", ",").split(",") if n.strip()]
    found = list(Complaint.objects.visible_to(user).filter(ticket__number__in=numbers).select_related("ticket"))
    missing = set(numbers) - {c.ticket.number for c in found}
    if missing:
        raise ValidationError({"complaints": _("找不到投诉：%(n)s") % {"n": "、".join(sorted(missing))}})
    return found


def _row(qs, form):
    row = qs.filter(pk=form.cleaned_data["target"]).first()
    if row is None:
        raise ObjectDoesNotExist
    return row


def _do(request: HttpRequest, action: str, form):
    user, d = request.user, form.cleaned_data
    if action == "notice":
        center = next((c for c in _centers(user, "complaint_monthly.draft_notice") if c.pk == d["center"]), None)
        if center is None:
            raise PermissionDenied(_("您无权拟写月度投诉公告"))
        month = parse_month(request.POST.get("month"))
        complaints = _complaints_by_number(user, d["complaints"])
        return monthly.notice_draft(
            actor=user, service_center=center, month=month, title=d["title"], body=d["body"], complaints=complaints
        )
    notices, actions = selectors_monthly.public_notices(user=user), selectors_monthly.corrective_actions(user=user)
    reports = selectors_monthly.legacy_reports(user=user)
    version = d.get("version")
    calls = {
        "approve": lambda: monthly.notice_approve(actor=user, notice=_row(notices, form), expected_version=version),
        "publish": lambda: monthly.notice_publish(
            actor=user, notice=_row(notices, form), how=d["note"], expected_version=version
        ),
        "progress": lambda: monthly.action_progress(
            actor=user, action=_row(actions, form), note=d["note"], expected_version=version
        ),
        "finish": lambda: monthly.action_finish(
            actor=user, action=_row(actions, form), note=d["note"], expected_version=version
        ),
        "review": lambda: legacy.legacy_review(
            actor=user, report=_row(reports, form), note=d["note"], expected_version=version
        ),
        "submit": lambda: legacy.legacy_submit(actor=user, report=_row(reports, form), expected_version=version),
    }
    if action == "issue":
        center = ServiceCenter.objects.visible_to(user).filter(pk=d["center"]).first()
        if center is None:
            raise PermissionDenied(_("纠正预防措施由业务管理部下达"))
        return monthly.action_issue(
            actor=user,
            service_center=center,
            month=parse_month(request.POST.get("month")),
            kind=d["kind"],
            title=d["title"],
            detail=d["detail"],
            due_on=d["due_on"],
        )
    if action == "legacy":
        community = Community.objects.visible_to(user).filter(pk=d["community"]).first()
        if community is None:
            raise PermissionDenied(_("您无权统计开发商遗留问题"))
        return legacy.legacy_compile(actor=user, community=community, year=d["year"], quarter=d["quarter"])
    return calls[action]()


FORMS = {
    "notice": forms_monthly.NoticeForm,
    "approve": forms_monthly.TargetForm,
    "publish": forms_monthly.PublishForm,
    "progress": forms_monthly.TargetForm,
    "finish": forms_monthly.TargetForm,
    "review": forms_monthly.TargetForm,
    "submit": forms_monthly.TargetForm,
    "issue": forms_monthly.ActionForm,
    "legacy": forms_monthly.LegacyForm,
}


@login_required
@require_POST
def monthly_act(request: HttpRequest, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404(_("未知的操作"))
    kwargs = {}
    if action == "issue":
        kwargs["centers"] = [(c.pk, c.name) for c in ServiceCenter.objects.visible_to(request.user)[:100]]
    if action == "legacy":
        kwargs["communities"] = [(c.pk, c.name) for c in Community.objects.visible_to(request.user)[:200]]
    form = FORMS[action](request.POST, **kwargs)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            _do(request, action, form)
            messages.success(request, _("已保存"))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ObjectDoesNotExist:
            messages.error(request, _("记录不存在或您无权处理"))
    return redirect(reverse("complaints:monthly") + f"?month={request.POST.get('month', '')}")


@login_required
@require_POST
def case_write(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _get(request, pk)
    form = forms_monthly.CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            monthly.training_case_write(actor=request.user, complaint=complaint, **form.cleaned_data)
            messages.success(request, _("已编为培训案例（已去除姓名、电话、房号）"))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    return redirect(reverse("complaints:detail", args=[pk]) + "#record")
