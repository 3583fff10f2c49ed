from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "propdesk.complaints"
    label = "complaints"
    verbose_name = _("投诉")

    def ready(self) -> None:
        from propdesk.tickets.services import before_ticket_transition, on_ticket_created, on_ticket_reopened

        from . import jobs, permissions  # noqa: F401  (declares the complaint rules and jobs)
        from .services import open_complaint_for_new_ticket, repeat_on_reopen, written_reply_before_resolving

        # A complaint ticket gets its complaint record in the same transaction (R-CP-1).
        on_ticket_created(open_complaint_for_new_ticket)
        # However its ticket is reopened, an unhappy customer makes it a repeat complaint (R-CP-6).
        on_ticket_reopened(repeat_on_reopen)
        # A letter is answered in writing: its ticket is not resolved before the reply letter is sent (R-CP-1).
        before_ticket_transition(written_reply_before_resolving)
