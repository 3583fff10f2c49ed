from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_register, name="list"),
    path("workbench/", views.complaint_workbench, name="workbench"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
]
