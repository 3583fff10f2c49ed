from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("mine/", views.my_tickets, name="mine"),
    path("hand-off/", views.quick_hand_off, name="quick_hand_off"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/transition/", views.ticket_transition_view, name="transition"),
    path("<int:pk>/hand-off/", views.ticket_hand_off_view, name="hand_off"),
    path("<int:pk>/assign/", views.ticket_assign_view, name="assign"),
    path("<int:pk>/reply/", views.ticket_reply_view, name="reply"),
    path("<int:pk>/note/", views.ticket_note_view, name="note"),
    path("<int:pk>/request-decision/", views.ticket_request_decision_view, name="request_decision"),
    path("<int:pk>/link/", views.ticket_link_view, name="link"),
    path("<int:pk>/attach/", views.ticket_attach_view, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
