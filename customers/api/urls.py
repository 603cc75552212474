from django.urls import path

from customers.api import views

urlpatterns = [
    path("identity/validate", views.IdentityValidateApi.as_view(), name="api_identity_validate"),
    path("customers", views.CustomerCreateApi.as_view(), name="api_customer_create"),
    path("customers/search", views.CustomerSearchApi.as_view(), name="api_customer_search"),
    path("customers/<int:pk>", views.CustomerDetailApi.as_view(), name="api_customer_detail"),
    path("customers/<int:pk>/contact", views.CustomerContactApi.as_view(), name="api_customer_contact"),
    path("customers/<int:pk>/classes", views.CustomerClassAddApi.as_view(), name="api_customer_class_add"),
    path("customers/<int:pk>/classes/<int:class_pk>/revoke", views.CustomerClassRevokeApi.as_view(),
         name="api_customer_class_revoke"),
    path("customers/<int:pk>/reveal", views.CustomerRevealApi.as_view(), name="api_customer_reveal"),
]
