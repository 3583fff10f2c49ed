from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("lookup/", views.lookup, name="lookup"),
    path("record/", views.record, name="record"),
]
