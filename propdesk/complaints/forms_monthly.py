"""Forms of the monthly page (R-CP-8): the notice, the corrective actions, the legacy statistics, a training case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from propdesk.core.inputs import DateField

from .forms import VersionedForm
from .models_monthly import ActionKind

ID = {"min_value": 1, "max_value": 2**31 - 1}


class NoticeForm(forms.Form):
    center = forms.IntegerField(widget=forms.HiddenInput, **ID)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("处理情况（向全体业户公布）"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    complaints = forms.CharField(label=_("所涉投诉编号（逗号分隔）"), max_length=2000)


class TargetForm(VersionedForm):
    target = forms.IntegerField(widget=forms.HiddenInput, **ID)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)


class PublishForm(TargetForm):
    note = forms.CharField(label=_("公布方式（如公告栏、业主群）"), max_length=100)


class ActionForm(forms.Form):
    center = forms.TypedChoiceField(label=_("责任服务中心"), choices=[], coerce=int)
    kind = forms.ChoiceField(label=_("类别"), choices=ActionKind.choices)
    title = forms.CharField(label=_("措施"), max_length=100)
    detail = forms.CharField(label=_("要求"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = list(centers)


class LegacyForm(forms.Form):
    community = forms.TypedChoiceField(label=_("小区"), choices=[], coerce=int)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2099)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=[(q, q) for q in range(1, 5)], coerce=int)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = list(communities)


class CaseForm(forms.Form):
    title = forms.CharField(label=_("案例标题"), max_length=100)
    lessons = forms.CharField(
        label=_("经验教训"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
