from django.urls import path

from . import views

app_name = "internal"
urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("board/", views.board, name="board"),
    path("outing/", views.outing_post, name="outing_post"),
    path("outing/<int:pk>/back/", views.outing_return, name="outing_return"),
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("leave/<int:pk>/", views.leave_detail, name="leave"),
    path("leave/<int:pk>/print/", views.leave_print, name="leave_print"),
    path("leave/<int:pk>/<slug:action>/", views.leave_action, name="leave_action"),
    path("circulars/", views.circular_list, name="circulars"),
    path("circulars/new/", views.circular_new, name="circular_new"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular"),
    path("circulars/<int:pk>/<slug:action>/", views.circular_action, name="circular_action"),
    path("duties/<int:pk>/done/", views.duty_complete, name="duty_complete"),
    path("log/", views.work_log, name="work_log"),
    path("log/findings/<int:pk>/ticket/", views.finding_ticket, name="finding_ticket"),
    path("manager/", views.dashboard, name="dashboard"),
    path("manager/settings/", views.center_settings, name="settings"),
    path("circulars/<int:pk>/files/<int:file_pk>/", views.circular_file, name="circular_file"),
    path("reassignments/", views.reassignments, name="reassignments"),
    path("reassignments/<int:pk>/acknowledge/", views.reassignment_acknowledge, name="reassignment_acknowledge"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("sign/<slug:action>/", views.sign, name="sign"),
    path("emails/", views.email_tasks, name="email_tasks"),
    path("emails/<int:pk>/done/", views.email_task_done, name="email_task_done"),
]
