from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("live/", views.board_live, name="board_live"),
    path("staff/", views.staff_panel, name="staff_panel"),
    path("wo/<int:pk>/", views.work_order_detail, name="work_order"),
    path("wo/<int:pk>/assign/", views.assign_panel, name="assign_panel"),
    path("wo/<int:pk>/dispatch/", views.dispatch_action, name="dispatch"),
    path("wo/<int:pk>/do/<slug:action>/", views.work_order_action, name="action"),
    path("wo/<int:pk>/print/", views.work_order_print, name="print"),
    path("wo/<int:pk>/signature.png", views.work_order_signature, name="signature"),
    path("wo/<int:pk>/contact-sheet/print/", views.contact_sheet_print, name="contact_sheet_print"),
    path("my/", views.my_jobs, name="my_jobs"),
    path("my/sign-off/", views.sign_off_all, name="sign_off"),
    path("job/<int:pk>/", views.job, name="job"),
    path("job/<int:pk>/call/", views.call_customer, name="call"),
    path("duty/", views.duty_action, name="duty"),
    path("rota/", views.rota, name="rota"),
    path("weekly/", views.weekly, name="weekly"),
    path("arrangements/", views.arrangements, name="arrangements"),
    path("registers/<slug:slug>/", views.register, name="register"),
]
