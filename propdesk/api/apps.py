from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "propdesk.api"
    label = "api"
    verbose_name = _("开放接口")

    def ready(self) -> None:
        from propdesk.core.scoping import register_scope_generation

        from . import jobs  # noqa: F401  (registers the pruning job)
        from .scope_generation import DatabaseScopeGeneration

        register_scope_generation(DatabaseScopeGeneration())
