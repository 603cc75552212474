from django.urls import path

from loyalty.views import redeem

app_name = "loyalty"

urlpatterns = [
    path("redeem/", redeem.redeem, name="redeem"),
    path("redemptions/", redeem.redemption_list, name="redemption_list"),
    path("redemptions/<int:pk>/", redeem.redemption_detail, name="redemption_detail"),
    path("redemptions/<int:pk>/call", redeem.redemption_call_view, name="redemption_call"),
    path("redemptions/<int:pk>/pickup", redeem.redemption_pickup_view, name="redemption_pickup"),
    path("redemptions/<int:pk>/complete", redeem.redemption_complete_view, name="redemption_complete"),
    path("redemptions/<int:pk>/return", redeem.redemption_return_view, name="redemption_return"),
    path("redemptions/<int:pk>/receipt.pdf", redeem.redemption_receipt, name="redemption_receipt"),
    path("confirmations/", redeem.confirm_list, name="confirm_list"),
    path("confirmations/<int:pk>/answer", redeem.confirm_answer, name="confirm_answer"),
]
