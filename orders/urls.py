from django.urls import path

from orders.views import catalog, fee_collection, lines, numbers, open_account

app_name = "orders"

urlpatterns = [
    path("numbers/", numbers.number_search, name="number_search"),
    path("numbers/reservations/", numbers.reservation_list, name="reservation_list"),
    path("numbers/<str:msisdn>/reserve/", numbers.number_reserve_view, name="number_reserve"),
    path("numbers/<str:msisdn>/release/", numbers.number_release_view, name="number_release"),
    path("quote/", catalog.quote_view, name="quote"),
    path("recommendations/outcome/", catalog.recommendation_outcome_view, name="recommendation_outcome"),
    path("open-account/", open_account.open_account_start, name="open_account"),
    path("open-account/<int:customer_pk>/", open_account.open_account_product, name="open_account_product"),
    path("open-account/<int:customer_pk>/numbers/", open_account.open_account_numbers, name="open_account_numbers"),
    path("open-account/<int:customer_pk>/reserve/", open_account.open_account_reserve, name="open_account_reserve"),
    path("open-account/<int:customer_pk>/quote/", open_account.open_account_quote, name="open_account_quote"),
    path("<int:pk>/", open_account.order_detail, name="order_detail"),
    path("<int:pk>/confirm/", open_account.order_confirm, name="order_confirm"),
    path("<int:pk>/agreement.pdf", open_account.order_agreement_pdf, name="order_agreement"),
    path("<int:pk>/cancel/", open_account.order_cancel, name="order_cancel"),
    path("<int:pk>/sign/", lines.line_draft, name="line_draft"),
    path("<int:pk>/sign/cancel/", lines.line_draft_cancel_view, name="line_draft_cancel"),
    path("fees/", fee_collection.fee_collection, name="fee_collection"),
    path("payments/<int:pk>/", fee_collection.payment_result, name="payment_result"),
    path("documents/<int:pk>.pdf", fee_collection.document_pdf_view, name="document_pdf"),
    path("lines/", lines.line_lookup, name="line_lookup"),
    path("lines/<str:msisdn>/", lines.line_detail, name="line_detail"),
    path("lines/<str:msisdn>/reprint/", lines.line_invoice_reprint_view, name="line_invoice_reprint"),
    path("lines/<str:msisdn>/<slug:slug>/", lines.line_process, name="line_process"),
]
