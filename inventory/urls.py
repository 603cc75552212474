from django.urls import path

from inventory.views import gifts, stock

app_name = "inventory"

urlpatterns = [
    path("stock/", stock.stock_summary, name="stock_summary"),
    path("stock/sims/", stock.SimCardListView.as_view(), name="sim_list"),
    path("stock/handsets/", stock.HandsetListView.as_view(), name="handset_list"),
    path("stock/recharge-cards/", stock.RechargeCardListView.as_view(), name="recharge_card_list"),
    path("stock/import/", stock.stock_import_view, name="stock_import"),
    path("stock/imports/<int:pk>/", stock.stock_import_detail, name="stock_import_detail"),
    path("stock/gifts/", gifts.gift_stock_list, name="gift_stock_list"),
    path("stock/gifts/<int:pk>/", gifts.gift_stock_detail, name="gift_stock_detail"),
    path("gifts/<int:pk>/picture", gifts.gift_picture, name="gift_picture"),
]
