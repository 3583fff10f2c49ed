from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "propdesk.reports"
    label = "reports"
    verbose_name = _("报表统计")

    def ready(self) -> None:
        from . import jobs, permissions  # noqa: F401  (the rollup job; the report rules)
