from django.urls import path, re_path

from . import views
from .router import api

urlpatterns = [
    path("v1/docs/assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    path("v1/", api.urls),
    # Anything else under the API answers in the API's error body, not with the HTML 404 page.
    re_path(r"^v1/", views.api_not_found),
]
