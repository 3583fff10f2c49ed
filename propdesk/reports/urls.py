from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/xlsx/", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("monthly/", views.monthly_page, name="monthly"),
    path("monthly/print/", views.monthly_print, name="monthly_print"),
    path("monthly/xlsx/", views.monthly_xlsx, name="monthly_xlsx"),
    path("monthly/pdf/", views.monthly_pdf, name="monthly_pdf"),
]
