from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "propdesk.notices"
    label = "notices"
    verbose_name = _("公告与预警")

    def ready(self) -> None:
        # Declares the rules, registers the worker jobs and the outages shown at the front desk.
        from propdesk.core.publishing import register_notice_drafter
        from propdesk.intake.desk_notes import register_desk_notes, register_link_handler

        from . import jobs, permissions  # noqa: F401
        from .services import desk_outages, link_outage_call
        from .services.drafting import draft_from_publishing

        register_desk_notes(desk_outages)
        register_link_handler("outage", link_outage_call)
        register_notice_drafter(draft_from_publishing)
