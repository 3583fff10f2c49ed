"""Names of the things the reports count: kinds, complaint classes, trades, buildings, departments, people."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.communities.models import Building, Community
from propdesk.complaints.choices import Category, ResponsibilityClass, Validity
from propdesk.core.people import person_name
from propdesk.dispatch.choices import Trade
from propdesk.org.models import Department, ServiceCenter
from propdesk.tickets.choices import Kind

VISIT_OUTCOMES = {
    "satisfied": gettext_lazy("满意"),
    "unsatisfied": gettext_lazy("不满意"),
    "reached": gettext_lazy("联系上（未评价）"),
    "unreached": gettext_lazy("联系不上"),
}


def kind_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Kind.choices}


def choice_labels(facet: str) -> dict[str, str]:
    """Value → label of a facet whose values are choices."""
    if facet == "class":
        return {str(k): str(v) for k, v in ResponsibilityClass.choices} | {"": _("未分类")}
    if facet == "validity":
        return {k: str(v) for k, v in Validity.choices}
    if facet == "complaint_category":
        return {k: str(v) for k, v in Category.choices} | {"": _("未归类")}
    if facet == "trade":
        return {k: str(v) for k, v in Trade.choices} | {"": _("未派工")}
    if facet == "visit":
        return {k: str(v) for k, v in VISIT_OUTCOMES.items()}
    return {}


def object_labels(facet: str, ids) -> dict[str, str]:
    """Value (an id as text) → name, for facets whose values are rows."""
    keys = sorted({int(i) for i in ids if str(i).isdigit()})
    if facet == "building":
        names = {
            str(b.pk): f"{b.community.name} {b.name}"
            for b in Building.objects.select_related("community").filter(pk__in=keys)
        }
    elif facet == "team":
        names = {str(d.pk): d.name for d in Department.objects.filter(pk__in=keys)}
    elif facet == "person":
        users = get_user_model().objects.filter(pk__in=keys).select_related("staff_profile")
        names = {str(u.pk): person_name(u) for u in users}
    elif facet == "community":
        names = {str(c.pk): c.name for c in Community.objects.filter(pk__in=keys)}
    elif facet == "center":
        names = {str(c.pk): c.name for c in ServiceCenter.objects.filter(pk__in=keys)}
    else:
        names = {}
    return names | {"": _("未指定")}
