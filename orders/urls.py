from django.urls import path

from orders.views import catalog, numbers, stock

app_name = "orders"

urlpatterns = [
    path("numbers/", numbers.number_search, name="number_search"),
    path("numbers/reservations/", numbers.reservation_list, name="reservation_list"),
    path("numbers/<str:msisdn>/reserve/", numbers.number_reserve_view, name="number_reserve"),
    path("numbers/<str:msisdn>/release/", numbers.number_release_view, name="number_release"),
    path("quote/", catalog.quote_view, name="quote"),
    path("catalog/", catalog.CatalogView.as_view(), name="catalog"),
    path("recommendations/outcome/", catalog.recommendation_outcome_view, name="recommendation_outcome"),
    path("stock/", stock.stock_summary, name="stock_summary"),
    path("stock/sims/", stock.SimCardListView.as_view(), name="sim_list"),
    path("stock/handsets/", stock.HandsetListView.as_view(), name="handset_list"),
    path("stock/recharge-cards/", stock.RechargeCardListView.as_view(), name="recharge_card_list"),
    path("stock/import/", stock.stock_import_view, name="stock_import"),
    path("stock/imports/<int:pk>/", stock.stock_import_detail, name="stock_import_detail"),
]
