from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from propdesk.core.people import person_name
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership

from .choices import LinkKind, ReplyMethod, Status


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("新状态"), choices=Status.choices)
    reason = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    method = forms.ChoiceField(label=_("答复方式"), choices=ReplyMethod.choices)
    content = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))
    customer_opinion = forms.CharField(label=_("客户意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    satisfied = forms.TypedChoiceField(
        label=_("客户是否满意"),
        choices=[("", _("未评价")), ("yes", _("满意")), ("no", _("不满意"))],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("内部备注"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    number = forms.CharField(label=_("工单编号"), max_length=32)
    kind = forms.ChoiceField(label=_("关系"), choices=LinkKind.choices)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("照片或扫描件"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("负责人"), queryset=None)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff.prefetch_related(
            Prefetch(
                "role_memberships",
                queryset=RoleMembership.objects.filter(is_active=True).order_by("role"),
                to_attr="active_memberships",
            )
        )
        self.fields["assignee"].label_from_instance = staff_label


def staff_label(user) -> str:
    """How a choice of person reads: "王强 · 维修人员 / 工程维修部" (name, roles, department)."""
    roles = "、".join(dict.fromkeys(str(Role(m.role).label) for m in getattr(user, "active_memberships", [])))
    profile = getattr(user, "staff_profile", None)
    department = profile.department.name if profile is not None else ""
    job = " / ".join(part for part in (roles, department) if part)
    return f"{person_name(user)} · {job}" if job else person_name(user)
