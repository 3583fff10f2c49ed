"""The timeliness rate (R-CP-7) over the API: same numbers and scoping as the page."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from propdesk.api.errors import COMMON_ERRORS
from propdesk.core.scoping import get_scope

from .selectors import TARGET_RATE, timeliness

router = Router(tags=["时限"])


class TimelinessFilters(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    group: Literal["center", "department", "person", "kind", "policy", "month"] = "center"


class RateOut(Schema):
    label: str
    met: int
    breached: int
    total: int
    rate: float | None
    below_target: bool


class TimelinessOut(Schema):
    date_from: dt.date
    date_to: dt.date
    group: str
    target: float
    rows: list[RateOut]
    total: RateOut


def _row(r) -> dict:
    return {
        "label": r.label,
        "met": r.met,
        "breached": r.breached,
        "total": r.total,
        "rate": round(r.rate, 4) if r.rate is not None else None,
        "below_target": r.below_target,
    }


@router.get("/sla/timeliness", response={200: TimelinessOut, **COMMON_ERRORS}, url_name="sla_timeliness")
def get_timeliness(request: HttpRequest, filters: Query[TimelinessFilters]):
    """报事处理及时率：按时完成 ÷（按时完成 + 超时），按服务中心、部门、人员、类别、规则或月份分组；默认本月。"""
    if not get_scope(request.auth).is_staff_member:
        raise PermissionDenied(_("仅限物业员工查询"))
    today = timezone.localdate()
    date_from = filters.date_from or today.replace(day=1)
    date_to = filters.date_to or today
    if date_from > date_to:
        raise ValidationError({"date_from": _("开始日期不能晚于结束日期")})
    rows, total = timeliness(user=request.auth, date_from=date_from, date_to=date_to, group_by=filters.group)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "group": filters.group,
        "target": TARGET_RATE,
        "rows": [_row(r) for r in rows],
        "total": _row(total),
    }
