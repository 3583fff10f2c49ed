from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "propdesk.engagement"
    label = "engagement"
    verbose_name = _("主动沟通")

    def ready(self) -> None:
        from . import jobs, permissions  # noqa: F401  (registers the worker jobs; declares the rules)
