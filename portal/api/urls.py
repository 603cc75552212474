from django.urls import path

from portal.api import views

urlpatterns = [
    path("portal/signin", views.SignInApi.as_view(), name="api_portal_signin"),
    path("portal/signin/code", views.SignInCodeApi.as_view(), name="api_portal_signin_code"),
    path("portal/signout", views.SignOutApi.as_view(), name="api_portal_signout"),
    path("portal/lines", views.LinesApi.as_view(), name="api_portal_lines"),
    path("portal/lines/<int:line_id>/bills", views.BillsApi.as_view(), name="api_portal_bills"),
    path("portal/lines/<int:line_id>/payments", views.PaymentsApi.as_view(), name="api_portal_payments"),
    path("portal/lines/<int:line_id>/recharge", views.RechargeApi.as_view(), name="api_portal_recharge"),
    path("portal/lines/<int:line_id>/plans", views.PlansApi.as_view(), name="api_portal_plans"),
    path("portal/lines/<int:line_id>/plan-change", views.PlanChangeApi.as_view(), name="api_portal_plan_change"),
    path("portal/lines/<int:line_id>/plan-change/cancel", views.PlanChangeCancelApi.as_view(),
         name="api_portal_plan_change_cancel"),
    path("portal/lines/<int:line_id>/report-loss", views.ReportLossApi.as_view(), name="api_portal_report_loss"),
    path("portal/lines/<int:line_id>/unlock", views.UnlockApi.as_view(), name="api_portal_unlock"),
    path("portal/lines/<int:line_id>/forwarding", views.ForwardingApi.as_view(), name="api_portal_forwarding"),
    path("portal/lines/<int:line_id>/forwarding/stop", views.ForwardingStopApi.as_view(),
         name="api_portal_forwarding_stop"),
    path("portal/lines/<int:line_id>/secondary-cards", views.SecondaryCardsApi.as_view(),
         name="api_portal_secondary_cards"),
    path("portal/lines/<int:line_id>/secondary-cards/remove", views.SecondaryCardRemoveApi.as_view(),
         name="api_portal_secondary_card_remove"),
    path("portal/complaint-categories", views.ComplaintCategoriesApi.as_view(),
         name="api_portal_complaint_categories"),
    path("portal/complaints", views.ComplaintsApi.as_view(), name="api_portal_complaints"),
    path("portal/gifts", views.GiftsApi.as_view(), name="api_portal_gifts"),
    path("portal/redemptions", views.RedemptionsApi.as_view(), name="api_portal_redemptions"),
    path("portal/redemptions/<int:redemption_id>/cancel", views.RedemptionCancelApi.as_view(),
         name="api_portal_redemption_cancel"),
]
