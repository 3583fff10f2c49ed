"""The forms of the complaint page's actions: each parsed here, then one call to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from propdesk.core.inputs import DateTimeField
from propdesk.tickets.choices import ReplyMethod, Status

from .choices import DeveloperMatter, ResponsibilityClass, Source, Validity

VERSION = {"widget": forms.HiddenInput, "required": False, "min_value": 0, "max_value": 2**31 - 1}


class VersionedForm(forms.Form):
    version = forms.IntegerField(**VERSION)


class ClassifyForm(VersionedForm):
    responsibility_class = forms.TypedChoiceField(label=_("责任类别"), choices=ResponsibilityClass.choices, coerce=int)
    developer_matter = forms.ChoiceField(
        label=_("二类事项"), choices=[("", _("（非二类）")), *DeveloperMatter.choices], required=False
    )
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    reason = forms.CharField(
        label=_("更改原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OwnerForm(VersionedForm):
    owner = forms.TypedChoiceField(label=_("负责人"), choices=[], coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("改派原因"), required=False, max_length=500)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("采用建议负责人")), *staff]


class AgreeReplyForm(VersionedForm):
    reply_at = DateTimeField(label=_("约定答复时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ContentForm(VersionedForm):
    content = forms.CharField(label=_("处理情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(ContentForm):
    method = forms.ChoiceField(label=_("告知方式"), choices=ReplyMethod.choices)


class ReplyForm(VersionedForm):
    method = forms.ChoiceField(label=_("答复方式"), choices=ReplyMethod.choices)
    content = forms.CharField(label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    customer_opinion = forms.CharField(
        label=_("客户意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfied = forms.TypedChoiceField(
        label=_("客户是否满意"),
        choices=[("", _("未评价")), ("yes", _("满意")), ("no", _("不满意"))],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FactsForm(VersionedForm):
    written = forms.TypedChoiceField(
        label=_("书面投诉"),
        choices=[("", _("不变")), ("yes", _("是")), ("no", _("否"))],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )
    source = forms.ChoiceField(label=_("投诉来源"), choices=[("", _("不变")), *Source.choices], required=False)
    reason = forms.CharField(label=_("原因"), max_length=500)


class OriginalForm(VersionedForm):
    archive_no = forms.CharField(label=_("档案号"), max_length=50)


class RegisterFilters(forms.Form):
    """The register's filters, from the query string; an unknown value is an error shown above the table."""

    responsibility_class = forms.TypedChoiceField(
        label=_("责任类别"),
        choices=[("", _("全部类别")), *ResponsibilityClass.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    validity = forms.ChoiceField(label=_("有效性"), choices=[("", _("全部")), *Validity.choices], required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), ("open", _("未办结")), *Status.choices], required=False
    )
    overdue = forms.TypedChoiceField(
        label=_("超时"),
        choices=[("", _("全部")), ("1", _("已超时")), ("0", _("未超时"))],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )
    repeat = forms.TypedChoiceField(
        label=_("重复投诉"),
        choices=[("", _("全部")), ("1", _("仅重复投诉"))],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)


# ----------------------------------------------------------------------------- collective complaints (R-CP-4)


YES_NO = [("yes", _("是")), ("no", _("否"))]


class DecideForm(VersionedForm):
    notify_general_manager = forms.TypedChoiceField(
        label=_("通报公司总经理"), choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    notify_developer = forms.TypedChoiceField(
        label=_("通报地产公司客户服务中心"), choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class HomeVisitForm(VersionedForm):
    household = forms.TypedChoiceField(label=_("住户"), choices=[], coerce=int)
    visited_by = forms.TypedChoiceField(label=_("回访人"), choices=[], coerce=int, required=False, empty_value=None)
    visited_at = DateTimeField(label=_("回访时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    customer_said = forms.CharField(label=_("客户意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    satisfied = forms.TypedChoiceField(
        label=_("客户是否满意"),
        choices=[("", _("未评价")), ("yes", _("满意")), ("no", _("不满意"))],
        required=False,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False, strip=False, max_length=800_000)

    def __init__(self, *args, households=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = list(households)
        self.fields["visited_by"].choices = [("", _("本人")), *staff]


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(VersionedForm):
    collective = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class WindowForm(forms.Form):
    center = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    minutes = forms.IntegerField(label=_("集体投诉时间窗（分钟）"), min_value=30, max_value=7 * 24 * 60)
