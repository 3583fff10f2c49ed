"""The text sections staff write in each kind of filing (004 篇2 item 7; 001 §4.3.1–4.3.2)."""

from django.utils.translation import gettext_lazy as _

from .choices import FilingKind

SECTIONS: dict[str, tuple[tuple[str, object], ...]] = {
    FilingKind.HALF_MONTH: (
        ("news", _("半月管理处要闻")),
        ("business", _("业务管理信息")),
        ("internal", _("内部管理")),
        ("complaints", _("投诉及建议处理")),
        ("follow_up", _("前期重要工作跟进及疑难问题")),
        ("coordination", _("需协调解决问题")),
        ("next", _("下半月工作重点")),
    ),
    FilingKind.QUARTERLY: (
        ("security", _("保安")),
        ("cleaning", _("保洁")),
        ("greening", _("绿化")),
        ("facilities", _("设备设施")),
        ("customer_service", _("客户服务")),
        ("complaints", _("投诉处理")),
        ("finance", _("财务情况说明")),
    ),
    FilingKind.BRIEF: (
        ("work", _("本期服务工作情况")),
        ("complaints", _("当前投诉处理情况")),
        ("next", _("下期工作部署")),
        ("difficulties", _("需协调的工作难点")),
    ),
    FilingKind.BUDGET: (("summary", _("年度预决算说明")),),
}
SECTION_MAX = 5000


def sections_of(kind: str) -> tuple[tuple[str, object], ...]:
    return SECTIONS[kind]


def filled(filing) -> list[tuple[str, str, str]]:
    """``(key, label, text)`` of each section of the filing's kind, in order."""
    return [(key, str(label), filing.sections.get(key, "")) for key, label in SECTIONS[filing.kind]]
