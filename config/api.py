"""``/api/v1/``: every app's ninja router, assembled here at the top so that no app imports another's API."""

from propdesk.api.router import build_api
from propdesk.communities import api as communities_api
from propdesk.complaints.api import router as complaints_router
from propdesk.dispatch.api import router as dispatch_router
from propdesk.engagement.api import router as engagement_router
from propdesk.filings.api import router as filings_router
from propdesk.intake.api import router as intake_router
from propdesk.intake.api_registers import router as registers_router
from propdesk.internal.api import router as internal_router
from propdesk.notices.api import router as notices_router
from propdesk.notify.api import router as notify_router
from propdesk.portal.api import router as portal_router
from propdesk.reports.api import router as reports_router
from propdesk.sla.api import router as sla_router
from propdesk.tickets.api import router as tickets_router
from propdesk.training.api import router as training_router
from propdesk.visitors.api import router as visitors_router

api = build_api(
    [
        tickets_router,
        sla_router,
        intake_router,
        dispatch_router,
        registers_router,
        notify_router,
        communities_api.router,
        visitors_router,
        complaints_router,
        notices_router,
        internal_router,
        engagement_router,
        portal_router,
        reports_router,
        training_router,
        filings_router,
    ]
)
communities_api.install(api)
