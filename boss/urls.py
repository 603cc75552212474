from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from boss.views import admin_screens, auth, exports, home, mfa

urlpatterns = [
    path("api/v1/", include("boss.api_urls")),   # first: the partners' and counters' busiest routes
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("mfa/", mfa.mfa_view, name="mfa"),
    path("exports/", exports.export_list, name="exports"),
    path("exports/new/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/decide/", exports.export_decide_view, name="export_decide"),
    path("exports/<int:pk>/download/", exports.export_download_view, name="export_download"),
    path("language/", auth.language_switch, name="language_switch"),
    path("search/", home.search_view, name="search"),
    path("audit/", admin_screens.AuditListView.as_view(), name="audit_list"),
    path("tariffs/", admin_screens.TariffListView.as_view(), name="tariff_list"),
    # Each project app's screens at /<app>/ (its urls.py, namespaced by its app_name).
    *[path(f"{app}/", include(f"{app}.urls")) for app in settings.PROJECT_APPS
      if app != "boss" and find_spec(f"{app}.urls") is not None],
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]

handler400 = "boss.views.errors.bad_request"
handler403 = "boss.views.errors.permission_denied"
handler404 = "boss.views.errors.page_not_found"
handler500 = "boss.views.errors.server_error"
