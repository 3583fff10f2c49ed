from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "propdesk.visitors"
    label = "visitors"
    verbose_name = _("访客登记")

    def ready(self) -> None:
        # Registers the retention job and the deploy checks; declares the visitor rules.
        from . import checks, jobs, permissions  # noqa: F401
