"""All API routes under /api/v1/. Each app adds its own `api/urls.py` here."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import path

from boss.api.views import MeApi, TokenObtainApi

urlpatterns = [
    path("auth/token", TokenObtainApi.as_view(), name="api_token"),
    path("me", MeApi.as_view(), name="api_me"),
    # The apps' routes in one list: with an include per app, each request tried every app's routes before its
    # own app's, and each app that did not match raised and listed what it had tried (3 to 7 times the resolving).
    *[route for app in settings.PROJECT_APPS
      if app != "boss" and find_spec(f"{app}.api") is not None and find_spec(f"{app}.api.urls") is not None
      for route in import_module(f"{app}.api.urls").urlpatterns],
]
