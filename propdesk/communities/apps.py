from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "propdesk.communities"
    label = "communities"
    verbose_name = _("小区档案")

    def ready(self) -> None:
        from propdesk.core.scoping import register_scope_provider

        from . import permissions  # noqa: F401  (declares the community rules)
        from .scoping import compute_scope

        register_scope_provider(compute_scope)
