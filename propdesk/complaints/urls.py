from django.urls import path

from . import views, views_collective, views_documents, views_monthly

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_register, name="list"),
    path("workbench/", views.complaint_workbench, name="workbench"),
    path("export.xlsx", views_documents.register_export, name="export"),
    path("print/", views_documents.register_print, name="print"),
    path("monthly/", views_monthly.monthly_page, name="monthly"),
    path("monthly/export.xlsx", views_monthly.monthly_export, name="monthly_export"),
    path("monthly/notices/<int:pk>/", views_monthly.notice_print, name="notice"),
    path("monthly/<slug:action>/", views_monthly.monthly_act, name="monthly_act"),
    path("collectives/", views_collective.collective_list, name="collectives"),
    path("collectives/window/", views_collective.collective_window, name="collective_window"),
    path("collectives/<int:pk>/", views_collective.collective_detail, name="collective"),
    path("collectives/<int:pk>/report/", views_collective.collective_report, name="collective_report"),
    path("collectives/<int:pk>/<slug:action>/", views_collective.collective_act, name="collective_act"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/letters/", views_documents.letter_write, name="letter_write"),
    path("<int:pk>/letters/<int:letter_id>/", views_documents.letter_print, name="letter"),
    path("<int:pk>/letters/<int:letter_id>/send/", views_documents.letter_send, name="letter_send"),
    path("<int:pk>/case/", views_monthly.case_write, name="case_write"),
    path("<int:pk>/record/", views_documents.record_print, name="record"),
    path("<int:pk>/record/sign/", views_documents.record_sign, name="record_sign"),
    path("<int:pk>/collective/<slug:action>/", views_collective.complaint_collective_act, name="collective_link"),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
]
