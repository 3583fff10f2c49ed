from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternalConfig(AppConfig):
    name = "propdesk.internal"
    label = "internal"
    verbose_name = _("内部沟通")

    def ready(self) -> None:
        from propdesk.org.selectors import register_away

        from . import jobs, permissions  # noqa: F401  (registers the jobs; declares the rules)
        from .selectors import away_now

        # Someone on leave or out of the community is not dispatchable (R-IC-1, R-IC-2, R-WO-7).
        register_away(away_now)
