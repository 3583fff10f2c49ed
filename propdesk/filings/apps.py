from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    """The reports a center hands in on deadlines (half-month statistics, the quarterly management-service report,
    the monthly work brief, the yearly budget), with their approval chains; figures come from ``reports``."""

    name = "propdesk.filings"
    label = "filings"
    verbose_name = _("报告报送")

    def ready(self) -> None:
        # Declares the rules, registers the worker jobs and the outstanding filings shown on the dashboards.
        from propdesk.reports.outstanding import register_outstanding

        from . import jobs, permissions  # noqa: F401
        from .outstanding import outstanding_filings

        register_outstanding(outstanding_filings)
