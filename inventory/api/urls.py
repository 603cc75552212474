from django.urls import path

from inventory.api import views

urlpatterns = [
    path("numbers", views.NumberSearchApi.as_view(), name="api_number_search"),
    path("numbers/<str:msisdn>/reservation", views.NumberReservationApi.as_view(), name="api_number_reservation"),
    path("reservations", views.ReservationListApi.as_view(), name="api_reservation_list"),
    path("stock/sims", views.SimCardListApi.as_view(), name="api_sim_list"),
    path("stock/handsets", views.HandsetListApi.as_view(), name="api_handset_list"),
    path("stock/recharge-cards", views.RechargeCardListApi.as_view(), name="api_recharge_card_list"),
    path("stock/gifts", views.GiftStockListApi.as_view(), name="api_gift_stock_list"),
    path("stock/summary", views.StockSummaryApi.as_view(), name="api_stock_summary"),
    path("stock/imports", views.StockImportApi.as_view(), name="api_stock_import"),
]
