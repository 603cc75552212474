"""All API routes under /api/v1/. Each app adds its own `api/urls.py` here."""

from django.urls import include, path

from boss.api.views import MeApi, TokenObtainApi

urlpatterns = [
    path("auth/token", TokenObtainApi.as_view(), name="api_token"),
    path("me", MeApi.as_view(), name="api_me"),
    path("", include("customers.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("provisioning.api.urls")),
]
