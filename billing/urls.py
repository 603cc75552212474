from django.urls import path, register_converter

from billing import views
from billing.converters import MonthConverter

register_converter(MonthConverter, "month")

app_name = "billing"

urlpatterns = [
    path("ledger/accounts/", views.LedgerAccountListView.as_view(), name="ledger_account_list"),
    path("ledger/accounts/<int:pk>/", views.ledger_account_detail, name="ledger_account_detail"),
    path("drawer/", views.my_drawer, name="my_drawer"),
    path("usage/imports/", views.usage_import_list, name="usage_import_list"),
    path("usage/imports/<int:pk>/", views.usage_import_detail, name="usage_import_detail"),
    # bill runs and bills
    path("bill-runs/", views.bill_run_list, name="bill_run_list"),
    path("bill-runs/<month:period>/", views.bill_run_detail, name="bill_run_detail"),
    path("bills/", views.BillListView.as_view(), name="bill_list"),
    path("lines/<int:line_id>/itemised/<month:period>/", views.itemised, name="itemised"),
    path("lines/<int:line_id>/itemised/<month:period>/pdf/", views.itemised_pdf, name="itemised_pdf"),
    path("lines/<int:line_id>/plan-correction/", views.plan_correction, name="plan_correction"),
    path("bills/<int:bill_id>/adjustments/new/", views.bill_adjustment_new, name="bill_adjustment_new"),
    path("adjustments/", views.bill_adjustment_list, name="bill_adjustment_list"),
    path("adjustments/<int:pk>/decide/", views.bill_adjustment_decide_view, name="bill_adjustment_decide"),
    path("adjustments/<int:pk>/pdf/", views.bill_adjustment_pdf_view, name="bill_adjustment_pdf"),
    path("arrears/", views.ArrearsCaseListView.as_view(), name="arrears_list"),
    path("customers/<int:customer_id>/points/", views.customer_points, name="customer_points"),
    # bank collection
    path("collections/", views.BankCollectionListView.as_view(), name="collection_list"),
    path("collections/<int:pk>/", views.collection_detail, name="collection_detail"),
    path("collections/<int:pk>/file/", views.collection_file, name="collection_file"),
    path("collections/<int:pk>/result/", views.collection_result, name="collection_result"),
    # refunds (process 6)
    path("refunds/", views.RefundCaseListView.as_view(), name="refund_list"),
    path("refunds/new/", views.refund_new, name="refund_new"),
    path("refunds/<int:pk>/", views.refund_detail, name="refund_detail"),
    path("refunds/<int:pk>/decide/", views.refund_decide_view, name="refund_decide"),
    path("refunds/<int:pk>/form/", views.refund_form_view, name="refund_form"),
    path("refunds/<int:pk>/pay/", views.refund_pay_view, name="refund_pay"),
]
