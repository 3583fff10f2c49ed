from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("<int:pk>/", views.community_detail, name="detail"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("residents/<int:pk>/reveal/", views.resident_reveal_view, name="reveal"),
    path("mine/", views.my_households, name="mine"),
    path("import/", views.import_households, name="import"),
]
