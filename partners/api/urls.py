from django.urls import path

from partners.api import views

urlpatterns = [
    path("partner/blacklist/entries", views.BlacklistPushApi.as_view(), name="api_partner_blacklist_push"),
    path("partner/blacklist", views.BlacklistPublishedApi.as_view(), name="api_partner_blacklist"),
    path("partner/discount-requests", views.DiscountRequestCreateApi.as_view(),
         name="api_partner_discount_request_create"),
    path("partner/discount-requests/<int:pk>", views.DiscountRequestDetailApi.as_view(),
         name="api_partner_discount_request"),
    path("partner/discount-requests/<int:pk>/apply", views.DiscountRequestApplyApi.as_view(),
         name="api_partner_discount_request_apply"),
]
