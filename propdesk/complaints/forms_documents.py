"""Forms of the complaint's documents and record form: drafting a letter or report, recording its sending, the
customer's signature on a repeat's home visit, the supervisor's review and the manager's sign-off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from propdesk.core.inputs import DateTimeField

from .forms import VersionedForm
from .models_documents import LetterKind, SendMethod


class LetterForm(VersionedForm):
    kind = forms.ChoiceField(label=_("文书类别"), choices=LetterKind.choices)
    recipient = forms.CharField(label=_("收件人（空则按主数据）"), required=False, max_length=100)
    body = forms.CharField(label=_("正文"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, LetterKind(k).label) for k in kinds]


class SendForm(VersionedForm):
    method = forms.ChoiceField(label=_("发出方式"), choices=SendMethod.choices)
    sent_at = DateTimeField(
        label=_("发出时间（空则为现在）"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("说明（如挂号信号码）"), required=False, max_length=200)


class SignForm(VersionedForm):
    customer_opinion = forms.CharField(label=_("客户意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    satisfied = forms.TypedChoiceField(
        label=_("客户是否满意"),
        choices=[("", _("未评价")), ("yes", _("满意")), ("no", _("不满意"))],
        required=False,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False, strip=False, max_length=800_000)


class ReviewForm(VersionedForm):
    note = forms.CharField(label=_("审核意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(VersionedForm):
    note = forms.CharField(
        label=_("签批意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
