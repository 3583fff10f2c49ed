from django import forms
from django.utils.translation import gettext_lazy as _

from propdesk.core.models import PersonalDataAccess


class ImportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("导入到小区"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("Excel 文件 (.xlsx)"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件"))
        return upload


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=PersonalDataAccess.Field.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("查看原因"), max_length=200)
