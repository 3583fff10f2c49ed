from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "propdesk.api"
    label = "api"
    verbose_name = _("开放接口")

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the pruning job)
