from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.procedure_list, name="procedures"),
    path("new/", views.procedure_new, name="procedure_new"),
    path("mine/", views.mine, name="mine"),
    path("untrained/", views.untrained, name="untrained"),
    path("<int:pk>/", views.procedure_detail, name="procedure"),
    path("<int:pk>/edit/", views.procedure_edit, name="procedure_edit"),
    path("<int:pk>/document/", views.procedure_document, name="procedure_document"),
    path("<int:pk>/<slug:action>/", views.procedure_action, name="procedure_action"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/sign/", views.session_sign, name="session_sign"),
    path("sessions/<int:pk>/invite/", views.session_invite, name="session_invite"),
    path("sessions/<int:pk>/print/", views.session_print, name="session_print"),
]
