from django.urls import path

from billing.api import views

urlpatterns = [
    path("ledger/accounts", views.LedgerAccountListApi.as_view(), name="api_ledger_account_list"),
    path("bills", views.BillListApi.as_view(), name="api_bill_list"),
    path("lines/<str:msisdn>/bills/<str:period>", views.ItemisedBillApi.as_view(), name="api_itemised_bill"),
    path("lines/<str:msisdn>/bills/<str:period>/print", views.ItemisedBillPrintApi.as_view(),
         name="api_itemised_bill_print"),
    path("lines/<str:msisdn>/plan-correction", views.PlanCorrectionApi.as_view(), name="api_plan_correction"),
    path("accounts/<int:pk>/amount-due", views.AmountDueApi.as_view(), name="api_amount_due"),
    path("bill-runs", views.BillRunCollectionApi.as_view(), name="api_bill_runs"),
    path("bill-runs/<str:period>", views.BillRunDetailApi.as_view(), name="api_bill_run_detail"),
    path("bank-collections", views.BankCollectionCollectionApi.as_view(), name="api_bank_collections"),
    path("bank-collections/<int:pk>/file", views.BankCollectionFileApi.as_view(), name="api_bank_collection_file"),
    path("bank-collections/<int:pk>/result", views.BankCollectionResultApi.as_view(),
         name="api_bank_collection_result"),
    path("arrears", views.ArrearsListApi.as_view(), name="api_arrears"),
    path("bills/<int:pk>/adjustments", views.BillAdjustmentRequestApi.as_view(), name="api_bill_adjustment_request"),
    path("bill-adjustments/<int:pk>/decision", views.BillAdjustmentDecisionApi.as_view(),
         name="api_bill_adjustment_decision"),
    path("refunds", views.RefundCollectionApi.as_view(), name="api_refunds"),
    path("refunds/<str:number>", views.RefundDetailApi.as_view(), name="api_refund_detail"),
    path("refunds/<str:number>/decision", views.RefundDecisionApi.as_view(), name="api_refund_decision"),
    path("refunds/<str:number>/form", views.RefundFormApi.as_view(), name="api_refund_form"),
    path("refunds/<str:number>/payment", views.RefundPaymentApi.as_view(), name="api_refund_payment"),
    path("customers/<int:pk>/points", views.CustomerPointsApi.as_view(), name="api_customer_points"),
]
