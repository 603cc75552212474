from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("messages/", views.SmsMessageListView.as_view(), name="message_list"),
    path("simulated/", views.SimulatedSmsListView.as_view(), name="simulated_list"),
]
