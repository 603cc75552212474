from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("new/", views.CustomerCreateView.as_view(), name="create"),
    path("identity/check/", views.identity_check, name="identity_check"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.CustomerEditView.as_view(), name="edit"),
    path("<int:pk>/reveal/", views.customer_reveal, name="reveal"),
    path("<int:pk>/classes/new/", views.CustomerClassifyView.as_view(), name="classify"),
    path("<int:pk>/classes/<int:class_pk>/revoke/", views.CustomerClassRevokeView.as_view(), name="class_revoke"),
]
