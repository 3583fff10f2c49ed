"""The portal pages on the home page."""

from django.utils.translation import gettext_lazy as _

from propdesk.core.navigation import Entry

from . import permissions  # noqa: F401  (declares the portal rules)

NAV_ENTRIES = (
    Entry(
        _("住户服务"),
        _("报修、投诉、咨询、建议和表扬，查看处理进度并评价；邀请访客"),
        "portal:home",
        action="portal.use",
        weight=5,
    ),
)
