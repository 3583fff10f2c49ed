from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from propdesk.api import views as api_views

from .api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("propdesk.core.urls")),
    path("", include("propdesk.home.urls")),
    path("communities/", include("propdesk.communities.urls")),
    # The registers moved from /tickets/registers/ to the front desk; old bookmarks keep working.
    path("tickets/registers/", RedirectView.as_view(pattern_name="intake:registers", permanent=True)),
    path(
        "tickets/registers/<slug:register>/",
        RedirectView.as_view(pattern_name="intake:register", query_string=True, permanent=True),
    ),
    path(
        "tickets/registers/<slug:register>/export.xlsx",
        RedirectView.as_view(pattern_name="intake:register_export", query_string=True, permanent=True),
    ),
    path("tickets/", include("propdesk.tickets.urls")),
    path("desk/", include("propdesk.intake.urls")),
    path("inbox/", include("propdesk.notify.urls")),
    path("sla/", include("propdesk.sla.urls")),
    path("dispatch/", include("propdesk.dispatch.urls")),
    path("visitors/", include("propdesk.visitors.urls")),
    path("complaints/", include("propdesk.complaints.urls")),
    path("notices/", include("propdesk.notices.urls")),
    path("internal/", include("propdesk.internal.urls")),
    path("engagement/", include("propdesk.engagement.urls")),
    path("portal/", include("propdesk.portal.urls")),
    path("reports/", include("propdesk.reports.urls")),
    path("filings/", include("propdesk.filings.urls")),
    path("training/", include("propdesk.training.urls")),
    path("api/v1/", api.urls),
    path("api/", include("propdesk.api.urls")),
    path("account/tokens/", api_views.token_list, name="account_tokens"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
