from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("ledger/accounts/", views.LedgerAccountListView.as_view(), name="ledger_account_list"),
    path("ledger/accounts/<int:pk>/", views.ledger_account_detail, name="ledger_account_detail"),
    path("drawer/", views.my_drawer, name="my_drawer"),
]
