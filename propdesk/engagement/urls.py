from django.urls import path

from .views import contacts, interviews, planner, surveys

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
    path("boxes/", contacts.contacts, name="boxes"),
    path("boxes/<int:pk>/open/", contacts.box_open, name="box_open"),
    path("consultations/", contacts.consultation, name="consultation"),
    path("meetings/", contacts.meeting, name="meeting"),
    path("surveys/", surveys.survey_list, name="surveys"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/step/", surveys.survey_step, name="survey_step"),
    path("surveys/<int:pk>/enter/", surveys.survey_enter, name="survey_enter"),
]
