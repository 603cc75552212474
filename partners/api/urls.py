from django.urls import path

from partners.api import views

urlpatterns = [
    path("partner/blacklist/entries", views.BlacklistPushApi.as_view(), name="api_partner_blacklist_push"),
    path("partner/blacklist", views.BlacklistPublishedApi.as_view(), name="api_partner_blacklist"),
]
