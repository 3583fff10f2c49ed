from django.urls import path

from . import views, views_collective

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_register, name="list"),
    path("workbench/", views.complaint_workbench, name="workbench"),
    path("collectives/", views_collective.collective_list, name="collectives"),
    path("collectives/window/", views_collective.collective_window, name="collective_window"),
    path("collectives/<int:pk>/", views_collective.collective_detail, name="collective"),
    path("collectives/<int:pk>/report/", views_collective.collective_report, name="collective_report"),
    path("collectives/<int:pk>/<slug:action>/", views_collective.collective_act, name="collective_act"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/collective/<slug:action>/", views_collective.complaint_collective_act, name="collective_link"),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
]
