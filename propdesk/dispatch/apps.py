from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "propdesk.dispatch"
    label = "dispatch"
    verbose_name = _("派单与维修")

    def ready(self) -> None:
        from propdesk.tickets.services import on_ticket_created

        # Registers the dispatch jobs; declares the dispatch rules.
        from . import jobs, permissions  # noqa: F401
        from .services import open_work_for_new_ticket

        on_ticket_created(open_work_for_new_ticket)
