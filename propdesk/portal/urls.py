from django.urls import path

from . import views, views_login, views_surveys

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("household/", views.choose_household, name="household"),
    path("requests/new/", views.request_new, name="new"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/message/", views.request_message, name="message"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("requests/<int:pk>/rate/", views.request_rate, name="rate"),
    path("visitors/invite/", views.invite, name="invite"),
    path("surveys/", views_surveys.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views_surveys.survey_sheet, name="survey"),
    path("login/", views_login.login_page, name="login"),
    path("login/code/", views_login.send_code, name="send_code"),
]
