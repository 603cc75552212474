"""All API routes under /api/v1/. Each app adds its own `api/urls.py` here."""

from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

from boss.api.views import MeApi, TokenObtainApi

urlpatterns = [
    path("auth/token", TokenObtainApi.as_view(), name="api_token"),
    path("me", MeApi.as_view(), name="api_me"),
    *[path("", include(f"{app}.api.urls")) for app in settings.PROJECT_APPS
      if app != "boss" and find_spec(f"{app}.api") is not None and find_spec(f"{app}.api.urls") is not None],
]
