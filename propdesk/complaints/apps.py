from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "propdesk.complaints"
    label = "complaints"
    verbose_name = _("投诉")

    def ready(self) -> None:
        from propdesk.tickets.services import on_ticket_created

        from . import permissions  # noqa: F401  (declares the complaint rules)
        from .services import open_complaint_for_new_ticket

        # A complaint ticket gets its complaint record in the same transaction (R-CP-1).
        on_ticket_created(open_complaint_for_new_ticket)
