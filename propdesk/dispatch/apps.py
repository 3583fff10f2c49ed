from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "propdesk.dispatch"
    label = "dispatch"
    verbose_name = _("派单与维修")

    def ready(self) -> None:
        from propdesk.org.selectors import register_on_duty
        from propdesk.tickets.services import on_ticket_created

        # Registers the dispatch jobs; declares the dispatch rules.
        from . import jobs, permissions  # noqa: F401
        from .selectors import on_duty_ids
        from .services import open_work_for_new_ticket

        on_ticket_created(open_work_for_new_ticket)
        # Who of the control center is on duty (check-ins and the rota are kept here).
        register_on_duty(on_duty_ids)
