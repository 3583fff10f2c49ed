from django.urls import path

from . import receipts, views

app_name = "notify"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.inbox_read, name="read"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("receipts/<slug:provider>/", receipts.receipt_view, name="receipts"),
]
