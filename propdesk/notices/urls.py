from django.urls import path

from .views import board_admin, control, documents, notices, public

app_name = "notices"
urlpatterns = [
    path("", notices.notice_list, name="list"),
    path("new/", notices.notice_new, name="new"),
    path("preview/", notices.notice_preview, name="preview"),
    path("approvals/", notices.approvals, name="approvals"),
    path("<int:pk>/", notices.notice_detail, name="detail"),
    path("<int:pk>/edit/", notices.notice_edit, name="edit"),
    path("<int:pk>/print/", notices.notice_print, name="print"),
    path("<int:pk>/pdf/", documents.notice_pdf_view, name="pdf"),
    path("<int:pk>/attachments/", notices.attachment_upload, name="attachment_upload"),
    path("<int:pk>/<slug:step>/", notices.notice_step, name="step"),
    path("attachments/<int:pk>/", notices.attachment, name="attachment"),
    path("broadcasts/", control.broadcasts, name="broadcasts"),
    path("broadcasts/panel/", control.broadcasts_panel, name="broadcasts_panel"),
    path("broadcasts/<int:pk>/done/", control.broadcast_done, name="broadcast_done"),
    path("warnings/", control.warnings, name="warnings"),
    path("warnings/<int:pk>/", control.warning, name="warning"),
    path("warnings/<int:pk>/ack/", control.acknowledge, name="ack"),
    path("warnings/<int:pk>/decide/", control.decide, name="decide"),
    path("deliveries/<int:pk>/<slug:step>/", control.delivery_step, name="delivery"),
    path("board-admin/", board_admin.board_manage, name="board_manage"),
    path("board-admin/fees/<int:pk>/", board_admin.fee_edit, name="fee_edit"),
    path("board-admin/contacts/<int:pk>/", board_admin.contact_edit, name="contact_edit"),
    path("board-admin/<slug:what>/<int:pk>/delete/", board_admin.board_delete, name="board_delete"),
    path("board/", public.board_index, name="board_index"),
    path("board/<slug:code>/", public.board, name="board"),
    path("board/<slug:code>/feed/", public.board_feed, name="feed"),
    path("board/<slug:code>/<int:pk>/", public.board_notice, name="board_notice"),
    path("board/<slug:code>/<int:pk>/pdf/", documents.board_notice_pdf, name="board_notice_pdf"),
    path("cap/<int:feed_id>/", public.cap_receive, name="cap"),
]
