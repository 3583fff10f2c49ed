from django.urls import path, re_path

from . import views

# Mounted under /api/ after the NinjaAPI itself (config/urls.py).
urlpatterns = [
    path("v1/docs/assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    # Anything else under the API answers in the API's error body, not with the HTML 404 page.
    re_path(r"^v1/", views.api_not_found),
]
