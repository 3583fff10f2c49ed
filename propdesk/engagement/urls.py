from django.urls import path

from .views import activities, boxes, builder, contacts, interviews, planner, results, surveys

app_name = "engagement"
urlpatterns = [
    path("", planner.planner, name="planner"),
    path("planner/", planner.planner, name="planner_page"),
    path("plan/", planner.plan_make, name="plan_make"),
    path("interviews/new/", interviews.interview_new, name="interview_new"),
    path("interviews/", interviews.register, name="register"),
    path("interviews/export.xlsx", interviews.register_export, name="register_export"),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview"),
    path("interviews/<int:pk>/ticket/", interviews.interview_ticket, name="interview_ticket"),
    path("contacts/", contacts.contacts, name="contacts"),
    path("boxes/", boxes.boxes, name="boxes"),
    path("boxes/new/", boxes.box_new, name="box_new"),
    path("boxes/<int:pk>/edit/", boxes.box_edit, name="box_edit"),
    path("boxes/<int:pk>/open/", contacts.box_open, name="box_open"),
    path("meetings/<int:pk>/announce/", contacts.meeting_announce, name="meeting_announce"),
    path("activities/", activities.activities, name="activities"),
    path("activities/new/", activities.activity_new, name="activity_new"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity"),
    path("activities/<int:pk>/<slug:step>/", activities.activity_step, name="activity_step"),
    path("consultations/", contacts.consultation, name="consultation"),
    path("meetings/", contacts.meeting, name="meeting"),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/new/", builder.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/edit/", builder.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.xlsx", results.survey_results_xlsx, name="survey_results_xlsx"),
    path("surveys/<int:pk>/announce/", results.survey_announce, name="survey_announce"),
    path("surveys/<int:pk>/step/", surveys.survey_step, name="survey_step"),
    path("surveys/<int:pk>/enter/", surveys.survey_enter, name="survey_enter"),
]
