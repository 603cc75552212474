from django.urls import path

from loyalty.api import views

urlpatterns = [
    path("gifts", views.GiftCatalogueApi.as_view(), name="api_gift_catalogue"),
    path("redemptions", views.RedemptionCreateApi.as_view(), name="api_redemption_create"),
    path("redemptions/<int:pk>", views.RedemptionDetailApi.as_view(), name="api_redemption_detail"),
    path("redemptions/<int:pk>/answer", views.RedemptionAnswerApi.as_view(), name="api_redemption_answer"),
    path("redemptions/<int:pk>/call", views.RedemptionCallApi.as_view(), name="api_redemption_call"),
    path("redemptions/<int:pk>/completion", views.RedemptionCompletionApi.as_view(), name="api_redemption_completion"),
    path("redemptions/<int:pk>/return", views.RedemptionReturnApi.as_view(), name="api_redemption_return"),
]
