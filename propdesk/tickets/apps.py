from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "propdesk.tickets"
    label = "tickets"
    verbose_name = _("工单")

    def ready(self) -> None:
        from propdesk.sla.services import on_escalation

        from . import permissions  # noqa: F401  (declares the ticket rules)
        from .services import record_escalation

        on_escalation(record_escalation)
