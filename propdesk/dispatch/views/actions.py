"""The buttons of the work-order and job pages, as a table: each action's form, the service it calls
and what the page says when it worked. ``work_order_action`` looks the action up and runs it."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import selectors, services
from ..choices import Status
from ..forms import (
    ContactSheetForm,
    FinishForm,
    FollowUpDoneForm,
    FollowUpForm,
    MaterialForm,
    PhotoForm,
    ReasonForm,
    ResultForm,
    ReturnVisitForm,
    RouteForm,
    VersionForm,
)
from ..models import FollowUp, WorkOrder


@dataclass(frozen=True)
class Action:
    """One button: the form that parses its post, the service call ``(user, work order, cleaned data)``
    and the success message. ``form_kwargs`` gives a form what it needs of the request (choices)."""

    form: type[forms.Form]
    call: Callable[[object, WorkOrder, dict], object]
    message: str
    form_kwargs: Callable[[object], dict] | None = None

    def bind(self, request) -> forms.Form:
        extra = self.form_kwargs(request) if self.form_kwargs else {}
        return self.form(request.POST, request.FILES, **extra)


def _progress(to_status: str):
    def call(user, wo, data):
        services.work_order_progress(actor=user, work_order=wo, to_status=to_status, expected_version=data["version"])

    return call


def _finish(user, wo, data):
    services.work_order_finish(
        actor=user,
        work_order=wo,
        result=data["result"],
        signature=data["signature"],
        customer_absent_reason=data["absent_reason"],
        rating=data["rating"],
        expected_version=data["version"],
    )


def _photo(user, wo, data):
    if data["file"] is None:
        raise ValidationError({"file": _("请选择照片")})
    services.photo_add(actor=user, work_order=wo, stage=data["stage"], upload=data["file"])


def _return_visit(user, wo, data):
    services.return_visit_record(
        actor=user,
        work_order=wo,
        reached=data["reached"],
        quality=data["quality"],
        on_time=data["on_time"],
        minutes_late=data["minutes_late"],
        comments=data["comments"],
    )


def _contact_sheet(user, wo, data):
    services.contact_sheet_advance(
        actor=user,
        work_order=wo,
        step=data["step"],
        content=data["content"],
        signer_name=data["signer_name"],
        scan=data["scan"],
    )


def _follow_up_done(user, wo, data):
    follow_up = FollowUp.objects.filter(pk=data["follow_up"] or 0, work_order=wo).first()
    if follow_up is None:
        raise Http404
    services.follow_up_done(actor=user, follow_up=follow_up, outcome=data["outcome"])


def _route(user, wo, data):
    services.work_order_route(
        actor=user,
        work_order=wo,
        routing=data["routing"],
        vendor=data["vendor"],
        reason=data["reason"],
        expected_version=data["version"],
    )


ACTIONS: dict[str, Action] = {
    "accept": Action(VersionForm, _progress(Status.ACCEPTED), _lazy("已接单")),
    "on_the_way": Action(VersionForm, _progress(Status.ON_THE_WAY), _lazy("已出发")),
    "arrived": Action(VersionForm, _progress(Status.ARRIVED), _lazy("已到场")),
    "decline": Action(
        ReasonForm,
        lambda user, wo, d: services.work_order_decline(actor=user, work_order=wo, reason=d["reason"]),
        _lazy("已拒单"),
    ),
    "grab": Action(
        forms.Form, lambda user, wo, d: services.work_order_grab(actor=user, work_order=wo), _lazy("已抢单")
    ),
    "finish": Action(FinishForm, _finish, _lazy("已登记完工")),
    "report": Action(
        forms.Form, lambda user, wo, d: services.work_order_report(actor=user, work_order=wo), _lazy("已报完工")
    ),
    "sign_off": Action(
        forms.Form, lambda user, wo, d: services.work_order_sign_off(actor=user, work_orders=[wo]), _lazy("已签认")
    ),
    "material": Action(
        MaterialForm,
        lambda user, wo, d: services.material_add(
            actor=user, work_order=wo, name=d["name"], quantity=d["quantity"], unit=d["unit"]
        ),
        _lazy("已登记材料"),
    ),
    "photo": Action(PhotoForm, _photo, _lazy("已上传照片")),
    "return_visit": Action(ReturnVisitForm, _return_visit, _lazy("已记录回访")),
    "close": Action(
        ReasonForm,
        lambda user, wo, d: services.work_order_close(actor=user, work_order=wo, reason=d["reason"]),
        _lazy("已销单"),
    ),
    "cancel": Action(
        ReasonForm,
        lambda user, wo, d: services.work_order_cancel(actor=user, work_order=wo, reason=d["reason"]),
        _lazy("已取消工作单"),
    ),
    "contact_sheet": Action(ContactSheetForm, _contact_sheet, _lazy("已办理工作联系单")),
    "vendor_result": Action(
        ResultForm,
        lambda user, wo, d: services.vendor_record_result(actor=user, work_order=wo, result=d["result"]),
        _lazy("已登记外联单位处理结果"),
    ),
    "follow_up": Action(
        FollowUpForm,
        lambda user, wo, d: services.follow_up_plan(actor=user, work_order=wo, due_at=d["due_at"], note=d["note"]),
        _lazy("已安排跟进"),
    ),
    "follow_up_done": Action(FollowUpDoneForm, _follow_up_done, _lazy("已登记跟进结果")),
    "route": Action(
        RouteForm,
        _route,
        _lazy("已更改处理类别"),
        form_kwargs=lambda request: {"vendors": selectors.route_vendors(user=request.user)},
    ),
}
