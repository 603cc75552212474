from django.urls import path

from orders.api import lines, orders, views

urlpatterns = [
    path("quotes", views.QuoteApi.as_view(), name="api_quote"),
    path("customers/<int:customer_id>/recommendations", views.RecommendationListApi.as_view(),
         name="api_recommendation_list"),
    path("recommendations/outcomes", views.RecommendationOutcomeApi.as_view(), name="api_recommendation_outcome"),
    path("orders/open-account", orders.OpenAccountApi.as_view(), name="api_open_account"),
    path("orders/<int:pk>", orders.OrderDetailApi.as_view(), name="api_order_detail"),
    path("orders/<int:pk>/payment", orders.OrderPaymentApi.as_view(), name="api_order_payment"),
    path("orders/<int:pk>/cancel", orders.OrderCancelApi.as_view(), name="api_order_cancel"),
    path("lines/<str:msisdn>", orders.LineDetailApi.as_view(), name="api_line_detail"),
    path("lines/<str:msisdn>/payments", orders.LinePaymentApi.as_view(), name="api_line_payment"),
    path("lines/<str:msisdn>/services", lines.LineServicesApi.as_view(), name="api_line_services"),
    path("lines/<str:msisdn>/portability", lines.LinePortabilityApi.as_view(), name="api_line_portability"),
    path("lines/<str:msisdn>/invoice-reprint", lines.LineInvoiceReprintApi.as_view(), name="api_line_invoice_reprint"),
    *[path(f"lines/<str:msisdn>/{slug}", view.as_view(), name=f"api_line_{slug.replace('-', '_')}")
      for slug, view in lines.APIS.items()],
    path("documents/<int:pk>/pdf", orders.DocumentPdfApi.as_view(), name="api_document_pdf"),
]
