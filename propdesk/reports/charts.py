"""The dashboard's charts: for each, an ECharts option and the table of the same numbers (page and xlsx)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .selectors_dashboard import TARGET_RATE, Dashboard


@dataclass
class Chart:
    key: str
    title: str
    option: dict
    header: list[str]
    rows: list[list]

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"


def _bar(labels: list[str], series: list[tuple[str, list]], stack: bool = False, horizontal: bool = False) -> dict:
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0, "hideOverlap": True}}
    value = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0} if len(series) > 1 else {"show": False},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [
            {"type": "bar", "name": name, "data": data, **({"stack": "total"} if stack else {})}
            for name, data in series
        ],
    }


def _open_by_age(board: Dashboard) -> Chart:
    labels = [_("%(d)s 天") % {"d": label} for label, _n in board.open_by_age]
    counts = [n for _label, n in board.open_by_age]
    return Chart(
        "open-age",
        _("未完成工作（按已受理天数）"),
        _bar(labels, [(_("未完成"), counts)]),
        [_("已受理天数"), _("未完成")],
        [[label, n] for label, n in zip(labels, counts, strict=True)],
    )


def _deadlines(board: Dashboard) -> Chart:
    months = [m for m, *_rest in board.deadlines]
    option = _bar(
        months,
        [(_("按时"), [r[1] for r in board.deadlines]), (_("超时"), [r[2] for r in board.deadlines])],
        stack=True,
    )
    return Chart(
        "deadlines",
        _("时限：按时与超时"),
        option,
        [_("月份"), _("按时"), _("超时")],
        [[m, met, breached] for m, met, breached, _rate in board.deadlines],
    )


def _line(months: list[str], name: str, values: list, target: float | None = None) -> dict:
    series = {"type": "line", "name": name, "data": values, "connectNulls": True}
    if target is not None:
        series["markLine"] = {
            "symbol": "none",
            "data": [{"yAxis": target, "name": _("目标 %(t)s%%") % {"t": target}}],
            "label": {"formatter": "{c}%"},
            "lineStyle": {"type": "dashed", "color": "#c0392b"},
        }
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "bottom": 8, "top": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [series],
    }


def _timeliness(board: Dashboard) -> Chart:
    months = [m for m, *_rest in board.deadlines]
    rates = [rate for *_rest, rate in board.deadlines]
    return Chart(
        "timeliness",
        _("及时率走势（目标 90%）"),
        _line(months, _("及时率"), rates, TARGET_RATE),
        [_("月份"), _("及时率（%）")],
        [[m, rate if rate is not None else "—"] for m, rate in zip(months, rates, strict=True)],
    )


def _satisfaction(board: Dashboard) -> Chart:
    months = [m for m, *_rest in board.satisfaction]
    rates = [rate for *_rest, rate in board.satisfaction]
    return Chart(
        "satisfaction",
        _("回访满意率走势"),
        _line(months, _("满意率"), rates),
        [_("月份"), _("满意"), _("不满意"), _("满意率（%）")],
        [[m, yes, no, rate if rate is not None else "—"] for m, yes, no, rate in board.satisfaction],
    )


def _simple(key: str, title: str, column: str, pairs: list[tuple[str, int]]) -> Chart:
    labels = [label for label, _n in pairs]
    counts = [n for _label, n in pairs]
    return Chart(
        key, title, _bar(labels, [(column, counts)], horizontal=True), [_("项目"), column], [list(p) for p in pairs]
    )


def _heat(board: Dashboard) -> Chart:
    heat = board.heat
    data = [[x, y, n] for y, row in enumerate(heat.cells) for x, n in enumerate(row)]
    top = max([n for _x, _y, n in data] or [1])
    option = {
        "tooltip": {"position": "top"},
        "grid": {"left": 8, "right": 8, "bottom": 48, "top": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": heat.months, "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": heat.buildings, "splitArea": {"show": True}},
        "visualMap": {"min": 0, "max": top, "calculable": True, "orient": "horizontal", "left": "center", "bottom": 0},
        "series": [{"type": "heatmap", "name": _("报修"), "data": data, "label": {"show": True}}],
    }
    title = _("报修楼栋热力图 · %(c)s") % {"c": heat.community} if heat.community else _("报修楼栋热力图")
    rows = [[building, *row] for building, row in zip(heat.buildings, heat.cells, strict=True)]
    return Chart("heat", title, option, [_("楼栋"), *heat.months], rows)


def _interviews(board: Dashboard) -> Chart:
    names = [r[0] for r in board.interviews]
    option = _bar(
        names,
        [(_("计划至今"), [r[3] for r in board.interviews]), (_("已完成"), [r[4] for r in board.interviews])],
        horizontal=True,
    )
    return Chart(
        "interviews",
        _("客户访谈：完成与计划"),
        option,
        [_("小区"), _("全年目标（户）"), _("已访谈（户）"), _("计划至今"), _("已完成")],
        [list(r) for r in board.interviews],
    )


def charts_of(board: Dashboard) -> list[Chart]:
    return [
        _open_by_age(board),
        _deadlines(board),
        _timeliness(board),
        _simple("complaint-class", _("本月投诉（按责任类别）"), _("投诉"), board.complaints_by_class),
        _simple("repair-category", _("本月报修（按工种）"), _("报修"), board.repairs_by_category),
        _heat(board),
        _satisfaction(board),
        _interviews(board),
    ]
