from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.communities.models import Community, Household, Resident
from propdesk.core import inputs
from propdesk.tickets.choices import Channel, Kind, Source
from propdesk.tickets.models import Ticket

from .choices import Outcome


class RecordForm(forms.Form):
    """The front desk's one form: who, how, what, and what happens next."""

    community = forms.ModelChoiceField(label=_("小区"), queryset=Community.objects.none(), required=False)
    household = forms.ModelChoiceField(
        label=_("住户"), queryset=Household.objects.none(), required=False, widget=forms.HiddenInput
    )
    resident = forms.ModelChoiceField(label=_("来电/来访人"), queryset=Resident.objects.none(), required=False)
    caller_name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    caller_phone = forms.CharField(label=_("电话"), required=False, max_length=20)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.CUSTOMER)
    source_detail = forms.CharField(label=_("来源说明"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices, widget=forms.RadioSelect)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        required=False,
        choices=[
            ("", _("自动（报修/投诉/特约/反馈生成工单）")),
            (Outcome.TICKET, _("生成工单")),
            (Outcome.ANSWERED, _("当场答复")),
            (Outcome.TRANSFERRED, _("已转相关部门")),
            (Outcome.RECORDED, _("仅登记")),
        ],
    )
    outcome_note = forms.CharField(label=_("答复/处理说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.ModelChoiceField(label=_("跟进工单"), queryset=Ticket.objects.none(), required=False)
    hand_off = forms.BooleanField(label=_("生成后转交控制中心派单"), required=False)
    # The call on the receptionist's desk this record is for (the pop-up's hidden field).
    call = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    received_at = inputs.DateTimeField(
        label=_("接报时间（补录时填写）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(user).order_by("code")
        self.fields["household"].queryset = Household.objects.visible_to(user).filter(is_active=True)
        self.fields["resident"].queryset = Resident.objects.visible_to(user).filter(is_active=True)
        self.fields["follow_up"].queryset = Ticket.objects.visible_to(user)

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("community") or data.get("household") or data.get("resident")):
            self.add_error("community", _("请选择小区，或先查找并选中住户"))
        return data
