from django.urls import path

from .views import duty, invitations, tenants, watch
from .views import gate as views

app_name = "visitors"
urlpatterns = [
    path("", views.gate, name="gate"),
    path("check-in/", views.check_in, name="check_in"),
    path("check-in/code/", views.check_in_code, name="check_in_code"),
    path("visits/<int:pk>/check-out/", views.check_out, name="check_out"),
    path("visits/<int:pk>/call-host/", views.call_host, name="call_host"),
    path("visits/<int:pk>/confirm-host/", views.confirm_host, name="confirm_host"),
    path("invitations/", views.invite, name="invite"),
    path("invitations/<int:pk>/", invitations.invitation, name="invitation"),
    path("invitations/<int:pk>/print/", invitations.invitation_print, name="invitation_print"),
    path("invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("duty/", duty.duty, name="duty"),
    path("duty/add/", duty.duty_add, name="duty_add"),
    path("duty/<int:pk>/remove/", duty.duty_remove, name="duty_remove"),
    path("watch/", watch.watch, name="watch"),
    path("watch/add/", watch.watch_add, name="watch_add"),
    path("watch/<int:pk>/remove/", watch.watch_remove, name="watch_remove"),
    path("duty/<int:pk>/check-in/", views.duty_check_in, name="duty_check_in"),
    path("tenants/", tenants.tenants, name="tenants"),
    path("tenants/register/", tenants.register_tenant, name="tenant_register"),
    path("tenants/let/", tenants.mark_let, name="tenant_let"),
    path("tenants/<int:pk>/renew/", tenants.renew, name="tenant_renew"),
    path("tenants/<int:pk>/end/", tenants.end, name="tenant_end"),
    path("tenants/lettings/<int:pk>/end/", tenants.end_letting, name="letting_end"),
    path("register/", views.register, name="register"),
    path("register/export.xlsx", views.register_export, name="register_export"),
]
