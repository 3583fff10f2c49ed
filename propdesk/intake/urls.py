from django.urls import path

from . import call_views, registers, views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("lookup/", views.lookup, name="lookup"),
    path("record/", views.record, name="record"),
    path("calls/hook/", call_views.call_hook, name="call_hook"),
    path("calls/current/", call_views.call_current, name="call_current"),
    path("registers/", registers.register_index, name="registers"),
    path("registers/<slug:register>/", registers.register_view, name="register"),
    path("registers/<slug:register>/export.xlsx", registers.register_export, name="register_export"),
]
