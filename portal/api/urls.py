from django.urls import path

from portal.api import views

urlpatterns = [
    path("portal/signin", views.SignInApi.as_view(), name="api_portal_signin"),
    path("portal/signin/code", views.SignInCodeApi.as_view(), name="api_portal_signin_code"),
    path("portal/signout", views.SignOutApi.as_view(), name="api_portal_signout"),
    path("portal/lines", views.LinesApi.as_view(), name="api_portal_lines"),
    path("portal/lines/<int:line_id>/bills", views.BillsApi.as_view(), name="api_portal_bills"),
    path("portal/lines/<int:line_id>/payments", views.PaymentsApi.as_view(), name="api_portal_payments"),
]
