from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "propdesk.dispatch"
    label = "dispatch"
    verbose_name = _("派单与维修")

    def ready(self) -> None:
        from propdesk.tickets.services import on_ticket_created

        from . import jobs  # noqa: F401  (registers the dispatch jobs)
        from .services import open_work_for_new_ticket

        on_ticket_created(open_work_for_new_ticket)
