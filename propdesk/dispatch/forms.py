"""Forms of the dispatch pages. They parse what a page posts (numbers, dates, times, choices of a person
or a vendor); what the input means — required reasons, state, permission — is the services' to decide,
so most text fields are optional here and the service answers with the field-level message."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.communities.models import Household
from propdesk.communities.validators import parse_room
from propdesk.core import inputs

from .choices import Routing
from .models import Photo, ShiftTemplate
from .services import ROUTABLE


def _users():
    return get_user_model().objects.all()


def _text(label="", **kwargs) -> forms.CharField:
    return forms.CharField(label=label, required=False, **kwargs)


class VersionForm(forms.Form):
    """An action on a work order, with the version the page showed (a stale one is refused)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class DispatchForm(VersionForm):
    """Assign / auto-dispatch / offer from the board."""

    action = forms.ChoiceField(
        required=False, choices=[("assign", _("派单")), ("auto", _("自动派单")), ("offer", _("发布抢单"))]
    )
    assignee = forms.ModelChoiceField(
        queryset=_users(), required=False, error_messages={"invalid_choice": _("请选择派单对象")}
    )


class ReasonForm(forms.Form):
    reason = _text(_("原因"))


class FinishForm(VersionForm):
    result = _text(_("处理结果"))
    signature = _text(_("客户签名"), strip=False)
    absent_reason = _text(_("客户不在场的原因"))
    rating = forms.IntegerField(label=_("客户评价"), required=False)


class MaterialForm(forms.Form):
    name = _text(_("材料名称"))
    quantity = _text(_("数量"))  # the service parses it and says what a valid quantity is
    unit = _text(_("单位"))


class PhotoForm(forms.Form):
    stage = _text(_("阶段"))
    file = forms.FileField(label=_("照片"), required=False, allow_empty_file=True)

    def clean_stage(self) -> str:
        return self.cleaned_data["stage"] or Photo.Stage.AFTER


class ReturnVisitForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("联系上客户"),
        choices=[("yes", _("联系上客户")), ("no", _("未联系上"))],
        coerce=lambda v: v == "yes",
        required=False,
        empty_value=False,
    )
    quality = forms.IntegerField(label=_("服务质量"), required=False)
    on_time = forms.TypedChoiceField(
        label=_("是否准时"),
        choices=[("", "—"), ("yes", _("准时")), ("no", _("迟到")), ("1", _("准时")), ("0", _("迟到"))],
        coerce=lambda v: {"yes": True, "1": True, "no": False, "0": False}.get(v),
        required=False,
        empty_value=None,
    )
    minutes_late = forms.IntegerField(label=_("迟到分钟"), required=False)
    comments = _text(_("客户意见"))


class ContactSheetForm(forms.Form):
    step = _text(_("步骤"))
    content = _text(_("整改内容"))
    signer_name = _text(_("开发商签字人"))
    scan = forms.FileField(label=_("签字扫描件"), required=False, allow_empty_file=True)


class ResultForm(forms.Form):
    result = _text(_("处理结果"))


class FollowUpForm(forms.Form):
    due_at = inputs.DateTimeField(
        label=_("计划跟进时间"),
        error_messages={"required": _("请填写计划跟进时间"), "invalid": _("请填写计划跟进时间")},
    )
    note = _text(_("跟进事项"))


class FollowUpDoneForm(forms.Form):
    follow_up = forms.IntegerField(required=False, widget=forms.HiddenInput)
    outcome = _text(_("跟进结果"))


class RouteForm(VersionForm):
    """The routing class of a work order (处理类别), with the external unit for the vendor class."""

    routing = forms.ChoiceField(
        label=_("处理类别"),
        choices=[(r.value, r.label) for r in ROUTABLE],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择处理类别"),
            "invalid_choice": _("请选择处理类别（工程类、整改类、其他类或沟通类）"),
        },
    )
    vendor = forms.ModelChoiceField(
        label=_("外联单位"),
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("该外联单位不存在或已停止合作")},
    )
    reason = _text(_("说明"), max_length=500)

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors
        self.fields["vendor"].label_from_instance = lambda v: f"{v.name}（{v.get_category_display()}）"

    def clean(self):
        data = super().clean()
        if data.get("routing") != Routing.VENDOR:
            data["vendor"] = None
        return data


class DutyForm(forms.Form):
    """A duty button: the worker's own, or the control center's for a named worker."""

    kind = _text(_("在岗事项"))
    until = _text(_("返回时间"))
    note = _text(_("原因"))
    user = forms.ModelChoiceField(queryset=_users(), required=False, error_messages={"invalid_choice": _("员工不存在")})

    def clean_until(self) -> dt.datetime | None:
        """ "15:30" → today at 15:30, or tomorrow when that has passed."""
        raw = self.cleaned_data["until"]
        if not raw:
            return None
        try:
            hh, mm = raw.split(":")[:2]
            now = timezone.localtime()
            until = now.replace(hour=int(hh), minute=int(mm), second=0, microsecond=0)
        except ValueError as exc:
            raise forms.ValidationError(_("返回时间格式不正确（如 15:30）"), code="invalid") from exc
        return until + dt.timedelta(days=1) if until <= now else until


class RotaForm(forms.Form):
    """One person on one shift on one day. Any user may be named here: the service decides who may be."""

    user = forms.ModelChoiceField(
        label=_("员工"),
        queryset=_users(),
        error_messages={"required": _("请选择员工"), "invalid_choice": _("请选择员工")},
    )
    shift = forms.ModelChoiceField(
        label=_("班次"),
        queryset=ShiftTemplate.objects.none(),
        error_messages={"required": _("请选择班次"), "invalid_choice": _("请选择班次")},
    )
    date = inputs.DateField(
        label=_("日期"), error_messages={"required": _("请填写日期"), "invalid": _("日期格式不正确")}
    )

    def __init__(self, *args, shifts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts


class WeeklyForm(forms.Form):
    decision = _text(_("结论"))
    note = _text(_("意见"))


class ArrangementForm(forms.Form):
    """A long-term housekeeping arrangement (长期家政), the household found by its room number."""

    room = _text(_("房号"))
    weekday = forms.IntegerField(label=_("星期"), required=False)
    starts = forms.TimeField(
        label=_("开始"),
        error_messages={
            "required": _("请填写开始和结束时间（如 09:00）"),
            "invalid": _("请填写开始和结束时间（如 09:00）"),
        },
    )
    ends = forms.TimeField(
        label=_("结束"),
        error_messages={
            "required": _("请填写开始和结束时间（如 09:00）"),
            "invalid": _("请填写开始和结束时间（如 09:00）"),
        },
    )
    description = _text(_("服务内容"))
    worker = forms.ModelChoiceField(
        label=_("固定家政人员"), queryset=_users(), required=False, error_messages={"invalid_choice": _("员工不存在")}
    )

    def __init__(self, *args, user, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.center = user, center

    def clean_room(self) -> Household:
        code = parse_room(self.cleaned_data["room"]) or ""
        household = (
            Household.objects.visible_to(self.user)
            .filter(is_active=True, unit__code=code, unit__building__community__service_center=self.center)
            .select_related("unit__building")
            .first()
        )
        if household is None:
            raise forms.ValidationError(_("找不到该房号的住户（请写成 3-2-1202）"), code="not_found")
        return household

    def clean_weekday(self) -> int:
        weekday = self.cleaned_data["weekday"]
        return -1 if weekday is None else weekday  # the service says what a weekday is
