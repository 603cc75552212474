from django.urls import path

from billing.api import views

urlpatterns = [
    path("ledger/accounts", views.LedgerAccountListApi.as_view(), name="api_ledger_account_list"),
]
