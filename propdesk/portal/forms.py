"""The portal's forms: a new request (kind, words, place, a preferred visit time), a rating, a visitor."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from propdesk.core import inputs
from propdesk.tickets.choices import Kind
from propdesk.tickets.services.resident import RESIDENT_KINDS

# The visit slots a resident picks from (local hours): morning, afternoon, evening.
SLOTS = {
    "morning": (dt.time(9), dt.time(12)),
    "afternoon": (dt.time(14), dt.time(18)),
    "evening": (dt.time(18), dt.time(21)),
}
SLOT_CHOICES = [
    ("", _("时间不限")),
    ("morning", _("上午 9:00–12:00")),
    ("afternoon", _("下午 14:00–18:00")),
    ("evening", _("晚上 18:00–21:00")),
]
WHERE_CHOICES = [("unit", _("我家房屋内")), ("public", _("公共区域"))]


class ServiceErrors:
    def add_service_errors(self, errors: dict) -> None:
        """Errors the service raised, on their fields where the form has them."""
        for name, problems in errors.items():
            target = name if name in self.fields else None
            for problem in problems:
                self.add_error(target, problem)


def window(day: dt.date | None, slot: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    if day is None or slot not in SLOTS:
        return None, None
    start, end = SLOTS[slot]
    zone = timezone.get_current_timezone()
    return dt.datetime.combine(day, start, tzinfo=zone), dt.datetime.combine(day, end, tzinfo=zone)


class RequestForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[(k.value, k.label) for k in RESIDENT_KINDS], initial=Kind.REPAIR)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    where = forms.ChoiceField(label=_("位置"), choices=WHERE_CHOICES, initial="unit", widget=forms.RadioSelect)
    room_spot = forms.CharField(label=_("房屋内哪里"), required=False, max_length=80)
    public_place = forms.CharField(label=_("公共区域位置"), required=False, max_length=80)
    preferred_day = inputs.DateField(
        label=_("期望上门日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_slot = forms.ChoiceField(label=_("期望上门时段"), choices=SLOT_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        if data.get("where") == "public" and not (data.get("public_place") or "").strip():
            self.add_error("public_place", _("请填写公共区域的位置，如：地库 B2、3栋大堂"))
        if data.get("preferred_slot") and not data.get("preferred_day"):
            self.add_error("preferred_day", _("请选择期望上门的日期"))
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        start, end = window(data.get("preferred_day"), data.get("preferred_slot") or "")
        if data.get("preferred_day") and not data.get("preferred_slot"):
            start, end = window(data["preferred_day"], "morning")[0], window(data["preferred_day"], "evening")[1]
        public = data["where"] == "public"
        return {
            "kind": data["kind"],
            "content": data["content"],
            "public_place": data["public_place"] if public else "",
            "room_spot": "" if public else data["room_spot"],
            "preferred_from": start,
            "preferred_to": end,
        }


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 一般")), (2, _("2 不满意")), (1, _("1 很不满意"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(ServiceErrors, forms.Form):
    visitor_name = forms.CharField(label=_("访客姓名"), max_length=50)
    phone = forms.CharField(label=_("访客电话"), required=False, max_length=20)
    valid_from = inputs.DateTimeField(
        label=_("来访时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    valid_until = inputs.DateTimeField(
        label=_("有效至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    people = forms.IntegerField(label=_("人数"), min_value=1, max_value=50, initial=1)
    plate = forms.CharField(label=_("车牌号"), required=False, max_length=10)


def survey_answers(sections, data) -> dict:
    """A submitted questionnaire (``q<id>`` per question) in the survey service's shape: a score 1–5 or an
    option's number as an int, a text as it is. Unanswered questions are left out; the service checks ranges."""
    answers = {}
    for section in sections:
        for question in section.questions.all():
            raw = str(data.get(f"q{question.pk}", "") or "").strip()
            if not raw:
                continue
            if question.kind == "text":
                answers[question.pk] = raw
            elif raw.isdigit() and len(raw) < 4:
                answers[question.pk] = int(raw)
            else:
                answers[question.pk] = -1  # refused by the service with the question's number
    return answers
