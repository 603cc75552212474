from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("ledger/accounts/", views.LedgerAccountListView.as_view(), name="ledger_account_list"),
    path("ledger/accounts/<int:pk>/", views.ledger_account_detail, name="ledger_account_detail"),
    path("drawer/", views.my_drawer, name="my_drawer"),
    path("usage/imports/", views.usage_import_list, name="usage_import_list"),
    path("usage/imports/<int:pk>/", views.usage_import_detail, name="usage_import_detail"),
]
