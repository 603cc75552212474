from django.urls import path, register_converter

from billing.converters import MonthConverter
from portal import views

register_converter(MonthConverter, "portal_month")

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin_view, name="signin"),
    path("signin/code/", views.signin_code_view, name="signin_code"),
    path("signin/code/resend/", views.signin_code_resend, name="signin_code_resend"),
    path("signout/", views.signout_view, name="signout"),
    path("language/", views.language_view, name="language"),
    path("kiosk/", views.kiosk_view, name="kiosk"),
    path("lines/<int:line_id>/", views.line_view, name="line"),
    path("lines/<int:line_id>/payments/", views.payments_view, name="payments"),
    path("lines/<int:line_id>/bills/", views.bills_view, name="bills"),
    path("lines/<int:line_id>/bills/<portal_month:period>/", views.itemised_view, name="itemised"),
    path("lines/<int:line_id>/bills/<portal_month:period>/pdf/", views.itemised_pdf_view, name="itemised_pdf"),
    path("lines/<int:line_id>/recharge/", views.recharge_view, name="recharge"),
    path("lines/<int:line_id>/plan/", views.plan_view, name="plan"),
    path("lines/<int:line_id>/plan/cancel/", views.plan_cancel_view, name="plan_cancel"),
    path("lines/<int:line_id>/loss/", views.loss_view, name="loss"),
    path("lines/<int:line_id>/forwarding/", views.forwarding_view, name="forwarding"),
    path("lines/<int:line_id>/secondary/", views.secondary_view, name="secondary"),
    path("lines/<int:line_id>/secondary/remove/", views.secondary_remove_view, name="secondary_remove"),
    path("lines/<int:line_id>/portability/", views.portability_view, name="portability"),
    path("points/", views.points_view, name="points"),
    path("points/gifts/", views.gift_order_view, name="gift_order"),
    path("points/gifts/<int:gift_id>/picture/", views.gift_picture_view, name="gift_picture"),
    path("points/orders/<int:redemption_id>/cancel/", views.gift_order_cancel_view, name="gift_order_cancel"),
    path("complaints/", views.complaints_view, name="complaints"),
    path("complaints/new/", views.complaint_new_view, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_view, name="complaint"),
    path("chat/", views.chat_view, name="chat"),
    path("chat/messages/", views.chat_messages_view, name="chat_messages"),
    # The staff's chat queue (staff session: portal.middleware leaves /portal/desk/ to the staff's).
    path("desk/chats/", views.desk_chats_view, name="desk_chats"),
    path("desk/chats/<int:customer_id>/", views.desk_chat_view, name="desk_chat"),
    path("desk/chats/<int:customer_id>/messages/", views.desk_chat_messages_view, name="desk_chat_messages"),
]
