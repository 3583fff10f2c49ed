from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "propdesk.intake"
    label = "intake"
    verbose_name = _("接待登记")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the desk and register rules)
