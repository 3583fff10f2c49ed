from django.urls import path

from .views import documents, pages

app_name = "filings"
urlpatterns = [
    path("", pages.filing_list, name="list"),
    path("open/", pages.filing_open, name="open"),
    path("sampling/", pages.sampling_page, name="sampling"),
    path("settings/", pages.settings_page, name="settings"),
    path("<int:pk>/", pages.filing_detail, name="detail"),
    path("<int:pk>/edit/", pages.filing_edit, name="edit"),
    path("<int:pk>/upload/<str:what>/", pages.filing_upload, name="upload"),
    path("<int:pk>/refresh/", pages.filing_refresh, name="refresh"),
    path("<int:pk>/step/", pages.filing_step, name="step"),
    path("<int:pk>/return/", pages.filing_return, name="return"),
    path("<int:pk>/sample/", pages.filing_sample, name="sample"),
    path("<int:pk>/print/", documents.filing_print, name="print"),
    path("<int:pk>/xlsx/", documents.filing_xlsx, name="xlsx"),
    path("<int:pk>/pdf/", documents.filing_pdf, name="pdf"),
    path("<int:pk>/document/", documents.filing_document, name="document"),
]
