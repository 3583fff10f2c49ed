from django.urls import path

from .views import interviews, planner

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
]
