"""The list of due and outstanding filings, one filing with its editor and actions, the sampling check list and
the company's setting. Each action is one form and one service call; a refusal is a message."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import version_of
from propdesk.core.permissions import can, require
from propdesk.org.models import Company

from .. import figures, selectors, services
from ..choices import EventKind, FilingKind, HolidayRule, Step
from ..models import Filing, SamplingResult
from ..sections import filled
from ..services.common import settings_of
from .common import drafting_places, error_text, place_of, today, visible_centers

PAGE_SIZE = 100


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "filing.view", None, _("您无权查看报告报送"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in FilingKind.values else ""
    center = request.GET.get("center", "")
    center_id = int(center) if center.isascii() and center.isdigit() and len(center) < 10 else None
    show_all = request.GET.get("all") == "1"
    rows = list(
        selectors.filings_for(user=request.user, service_center_id=center_id, kind=kind, outstanding=not show_all)[
            :PAGE_SIZE
        ]
    )
    day = today()
    items = [(f, selectors.next_deadline(f)) for f in rows]
    context = {
        "items": items,
        "today": day,
        "late": sum(1 for _f, d in items if d is not None and d.is_late(day)),
        "kinds": FilingKind.choices,
        "kind": kind,
        "centers": visible_centers(request.user),
        "center_id": center_id,
        "show_all": show_all,
        "places": drafting_places(request.user),
        "publications": selectors.complaint_publications(user=request.user),
        "may_sample": can(request.user, "filing.sample"),
        "may_settings": can(request.user, "filing_settings.change"),
    }
    return render(request, "filings/list.html", context)


@login_required
@require_POST
def filing_open(request: HttpRequest) -> HttpResponse:
    center, community = place_of(request.POST.get("place"))
    try:
        if center is None:
            raise ValidationError({"place": _("请选择服务中心或项目")})
        try:
            day = dt.date.fromisoformat((request.POST.get("day") or "").strip()[:10])
        except ValueError:
            raise ValidationError({"day": _("日期格式不正确")}) from None
        if not 2000 <= day.year <= 2099:
            raise ValidationError({"day": _("日期超出范围")})
        filing = services.filing_open(
            actor=request.user, kind=request.POST.get("kind", ""), service_center=center, community=community, day=day
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("filings:list")
    messages.success(request, _("报告已建立"))
    return redirect("filings:detail", pk=filing.pk)


def _actions(user, filing: Filing) -> dict:
    step = services.next_step(filing)
    return {
        "next": Step(step[0]) if step else None,
        "may_step": bool(step) and can(user, f"filing.{step[0]}", filing),
        "may_return": services.may_return(user, filing),
        "may_edit": filing.status in ("draft", "returned") and can(user, "filing.draft", filing),
        "may_sample": can(user, "filing.sample", filing) and filing.kind in (FilingKind.QUARTERLY, FilingKind.BRIEF),
    }


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    context = {
        "filing": filing,
        "figures": figures.rows(filing),
        "sections": filled(filing),
        "finance_text": "\n".join(f"{item},{amount}" for item, amount in filing.finance),
        "deadlines": list(filing.deadlines.all()),
        "events": list(filing.events.all()),
        "today": today(),
        "results": SamplingResult.choices,
        "samplings": list(filing.samplings.select_related("checked_by__staff_profile")),
        "quarterly": filing.kind == FilingKind.QUARTERLY,
        "budget": filing.kind == FilingKind.BUDGET,
        "event_late": EventKind.LATE,
        **_actions(request.user, filing),
    }
    return render(request, "filings/detail.html", context)


def _finance_rows(raw: str) -> list[list[str]]:
    rows = []
    for line in (raw or "").replace("，", ",").splitlines():
        if line.strip():
            item, _sep, amount = line.rpartition(",")
            rows.append([item.strip(), amount.strip()])
    return rows


def _run(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, pk=pk)
    try:
        action(filing, version_of(request.POST.get("version")))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权进行此操作"))
    else:
        messages.success(request, success)
    return redirect("filings:detail", pk=pk)


@login_required
@require_POST
def filing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    finance = _finance_rows(post.get("finance", "")) if "finance" in post else None

    def act(filing, version):
        sections = {key: post.get(key, "") for key, _label, _text in filled(filing)}
        services.filing_update(
            actor=request.user, filing=filing, sections=sections, finance=finance, expected_version=version
        )

    return _run(request, pk, act, _("已保存"))


@login_required
@require_POST
def filing_upload(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    upload = request.FILES.get("file")

    def act(filing, version):
        if upload is None:
            raise ValidationError({"file": _("请选择文件")})
        service = services.finance_import if what == "finance" else services.document_attach
        service(actor=request.user, filing=filing, upload=upload, expected_version=version)

    return _run(request, pk, act, _("已上传"))


@login_required
@require_POST
def filing_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        lambda f, v: services.figures_refresh(actor=request.user, filing=f, expected_version=v),
        _("统计数字已重新取数"),
    )


@login_required
@require_POST
def filing_step(request: HttpRequest, pk: int) -> HttpResponse:
    data = {"receipt_by": request.POST.get("receipt_by", ""), "receipt_note": request.POST.get("receipt_note", "")}
    return _run(
        request,
        pk,
        lambda f, v: services.filing_step(
            actor=request.user, filing=f, step=request.POST.get("step", ""), expected_version=v, data=data
        ),
        _("已完成"),
    )


@login_required
@require_POST
def filing_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        lambda f, v: services.filing_return(
            actor=request.user, filing=f, reason=request.POST.get("reason", ""), expected_version=v
        ),
        _("已退回"),
    )


@login_required
@require_POST
def filing_sample(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        lambda f, v: services.sampling_record(
            actor=request.user, filing=f, result=request.POST.get("result", ""), note=request.POST.get("note", "")
        ),
        _("抽查已记录"),
    )


@login_required
def sampling_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "filing.view", None, _("您无权查看报告报送"))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2099 else today().year
    rows = selectors.sampling_checklist(user=request.user, year=year)
    context = {"rows": rows, "year": year, "missing": sum(1 for r in rows if not r.done)}
    return render(request, "filings/sampling.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "filing_settings.change", None, _("只有公司业务管理部可以修改报告期限设置"))
    companies = list(Company.objects.visible_to(request.user).order_by("pk")[:20])
    if request.method == "POST":
        company = next((c for c in companies if str(c.pk) == request.POST.get("company")), None)
        raw_days = request.POST.get("half_month_days", "")
        try:
            if company is None:
                raise ValidationError({"company": _("请选择公司")})
            services.settings_change(
                actor=request.user,
                company=company,
                holiday_rule=request.POST.get("holiday_rule", ""),
                half_month_days=int(raw_days) if raw_days.isascii() and raw_days.isdigit() and len(raw_days) < 4 else 0,
                expected_version=version_of(request.POST.get("version")),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("已保存"))
        return redirect("filings:settings")
    rows = [(c, settings_of(c)) for c in companies]
    return render(request, "filings/settings.html", {"rows": rows, "rules": HolidayRule.choices})
