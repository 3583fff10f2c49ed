from django.urls import path

from . import views
from .router import api

urlpatterns = [
    path("v1/docs/assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    path("v1/", api.urls),
]
