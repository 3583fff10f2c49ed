from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("timeliness/", views.timeliness_view, name="timeliness"),
    path("steps/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
]
