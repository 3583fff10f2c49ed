from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "propdesk.sla"
    label = "sla"
    verbose_name = _("时限管理")

    def ready(self) -> None:
        from . import (
            config,
            jobs,  # noqa: F401  (registers the sweeper)
        )

        config.connect()  # the kept SLA configuration is replaced when a policy or calendar changes
