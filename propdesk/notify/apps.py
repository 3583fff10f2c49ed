from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "propdesk.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        from . import (
            jobs,  # noqa: F401  (registers the delivery loop)
            permissions,  # noqa: F401  (declares the notification rules)
        )
